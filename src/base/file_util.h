// Files: bounded reads and atomic writes (temp file + fsync + rename), so an interrupted run
// never leaves a torn evidence file and never destroys the previous one.
#pragma once

#include <cstddef>
#include <string>

#include "rollgate/status.h"

namespace rollgate::internal {

/// Reads a whole file. Fails (naming the path and the reason) when it is missing, unreadable,
/// a directory, or larger than `max_bytes`.
Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes = 16u << 20);

/// Writes `content` to `path` atomically: a temp file in the same directory, fsync, rename.
Status WriteFileAtomic(const std::string& path, const std::string& content);

/// mkdir -p.
Status MakeDirs(const std::string& path);

/// `path` if absolute, else `base_dir`/`path`, lexically normalised.
std::string ResolveRelative(const std::string& base_dir, const std::string& path);

/// The directory part of `path` ("." when there is none).
std::string DirName(const std::string& path);

bool FileExists(const std::string& path);

}  // namespace rollgate::internal
