#include "store/serve_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/clock.h"
#include "base/file_util.h"
#include "base/secret.h"
#include "base/strings.h"

namespace rollgate::internal {

namespace {

std::string HostName() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return "unknown";
  return host;
}

}  // namespace

std::string ServeLockPath(const std::string& db_path, const std::string& service) {
  return db_path + ".serve-" + Sha256Hex(service).substr(0, 12) + ".lock";
}

Result<int> LockServeFile(const std::string& db_path, const std::string& service) {
  const std::string path = ServeLockPath(db_path, service);
  std::string dir = DirName(path);
  if (!dir.empty() && dir != ".") ROLLGATE_RETURN_IF_ERROR(MakeDirs(dir));
  // O_NOFOLLOW: the lock file is truncated and written, so a symbolic link planted at its
  // name (in a shared directory) must not lead that write to another file.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ELOOP) {
    return Status::InvalidArgument(path +
                                   ": the serve lock is a symbolic link; rollgate does not write "
                                   "through one (someone may have planted it): remove it");
  }
  if (fd < 0) {
    return Status::IoError(path + ": cannot create the serve lock: " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    Result<std::string> holder = ReadFileToString(path, 4096);
    ::close(fd);
    if (err != EWOULDBLOCK) {
      return Status::IoError(path + ": cannot lock: " + std::strerror(err));
    }
    std::string who = holder.ok() ? Trim(*holder) : "";
    return Status::InvalidArgument(
        "history " + db_path + " is already served for service " + service +
        " by another "
        "rollgate serve (" +
        (who.empty() ? "holder unknown" : SanitizeForDisplay(who, 160)) + "; lock " + path +
        "). An SQLite history takes one serve per service: a second replica "
        "would run every scheduled slot again and count its own caps. Stop the other one, or "
        "give replicas a PostgreSQL history (history.db: postgresql://...)");
  }
  std::string info = "pid " + std::to_string(::getpid()) + " on host " + HostName() + " since " +
                     FormatIsoUtc(SystemClock::Get().NowUnixMs()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, info.data(), info.size(), 0) < 0) {
    // The lock holds without the note; the refusal then says "holder unknown".
  }
  return fd;
}

void UnlockServeFile(int fd) {
  if (fd < 0) return;
  ::flock(fd, LOCK_UN);
  ::close(fd);
}

}  // namespace rollgate::internal
