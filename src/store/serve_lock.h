// One `rollgate serve` per service on an SQLite history. A second replica on the same file
// would run every scheduled slot again and count its own caps, so it is refused at start.
//
// The lock is flock(2) on a small file beside the database (`<db>.serve-<hash>.lock`, one per
// service, so two services may still share one history file). The kernel releases it when the
// holder exits or is killed, so a crashed serve never leaves a stale lock; the file itself
// stays and holds the last holder's pid, host and start time, for the refusal's message.
#pragma once

#include <string>

#include "rollgate/status.h"

namespace rollgate::internal {

/// The lock file of `service` on the history `db_path`.
std::string ServeLockPath(const std::string& db_path, const std::string& service);

/// Takes the lock without waiting and returns its file descriptor (hold it while serving).
/// InvalidArgument naming the holder when another process holds it; IoError when the lock
/// file cannot be created.
Result<int> LockServeFile(const std::string& db_path, const std::string& service);

/// Releases a lock taken by LockServeFile; a negative fd is ignored.
void UnlockServeFile(int fd);

}  // namespace rollgate::internal
