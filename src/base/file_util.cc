#include "base/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <map>
#include <set>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace rollgate::internal {

namespace {
std::string ErrnoText(int err) { return std::strerror(err); }
}  // namespace

Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IoError(path + ": cannot open: " + ErrnoText(err));
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::IoError(path + ": is a directory, expected a file");
  }
  std::string out;
  char buf[16384];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Status::IoError(path + ": read failed: " + ErrnoText(err));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      return Status::IoError(path + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

namespace {

enum class TempSync { kNone, kStartWriteback, kFsync };

// Writes all of `content` to a new temp file next to `path`; returns the temp path.
Result<std::string> WriteTemp(const std::string& path, const std::string& content, TempSync sync) {
  static std::atomic<unsigned> counter{0};
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(path + ": cannot create: " + ErrnoText(errno));
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::IoError(path + ": write failed: " + ErrnoText(err));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (sync == TempSync::kStartWriteback) {
    // Only a head start for the fsync in Commit(), which is the guarantee: a file system
    // without sync_file_range support just starts later.
    (void)::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  }
  if ((sync == TempSync::kFsync && ::fsync(fd) != 0) || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::IoError(path + ": flush failed: " + ErrnoText(err));
  }
  return tmp;
}

// Opens `path` and flushes it with `flush`: ::fsync for that file or directory, ::syncfs for
// the whole file system holding it. `what` names it in the error.
Status FlushPath(const std::string& path, const std::string& what, int (*flush)(int)) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(what + ": cannot open to flush: " + ErrnoText(errno));
  int rc = flush(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IoError(what + ": flush failed: " + ErrnoText(err));
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomic(const std::string& path, const std::string& content) {
  Result<std::string> tmp = WriteTemp(path, content, TempSync::kFsync);
  if (!tmp.ok()) return tmp.status();
  if (::rename(tmp->c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp->c_str());
    return Status::IoError(path + ": rename failed: " + ErrnoText(err));
  }
  return Status::Ok();
}

AtomicWriteBatch::~AtomicWriteBatch() {
  for (const auto& [tmp, target] : staged_) ::unlink(tmp.c_str());
}

Status AtomicWriteBatch::Stage(const std::string& path, const std::string& content) {
  Result<std::string> tmp = WriteTemp(
      path, content,
      flush_ == Flush::kEachFile ? TempSync::kStartWriteback : TempSync::kNone);
  if (!tmp.ok()) return tmp.status();
  std::lock_guard<std::mutex> lock(mu_);
  staged_.emplace_back(*tmp, path);
  return Status::Ok();
}

Status AtomicWriteBatch::Commit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (staged_.empty()) return Status::Ok();
  if (flush_ == Flush::kEachFile) {
    // Every staged file is on disk before any target is replaced...
    std::set<std::string> dirs;
    for (const auto& [tmp, target] : staged_) {
      ROLLGATE_RETURN_IF_ERROR(FlushPath(tmp, target, ::fsync));
      dirs.insert(DirName(target));
    }
    ROLLGATE_RETURN_IF_ERROR(RenameStaged());
    // ...and the renames are on disk before Commit() returns.
    for (const auto& dir : dirs) ROLLGATE_RETURN_IF_ERROR(FlushPath(dir, dir, ::fsync));
    return Status::Ok();
  }
  // Every staged file is on disk before any target is replaced...
  // One directory per file system the targets live on: syncfs flushes a whole file system.
  std::map<dev_t, std::string> file_systems;
  for (const auto& [tmp, target] : staged_) {
    struct stat st {};
    if (::stat(tmp.c_str(), &st) == 0) file_systems.emplace(st.st_dev, DirName(target));
  }
  for (const auto& [dev, dir] : file_systems) ROLLGATE_RETURN_IF_ERROR(FlushPath(dir, dir, ::syncfs));
  ROLLGATE_RETURN_IF_ERROR(RenameStaged());
  // ...and the renames are on disk before Commit() returns.
  for (const auto& [dev, dir] : file_systems) ROLLGATE_RETURN_IF_ERROR(FlushPath(dir, dir, ::syncfs));
  return Status::Ok();
}

Status AtomicWriteBatch::RenameStaged() {
  for (const auto& [tmp, target] : staged_) {
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
      return Status::IoError(target + ": rename failed: " + ErrnoText(errno));
    }
  }
  staged_.clear();
  return Status::Ok();
}

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::IoError(path + ": cannot create directory: " + ec.message());
  if (!std::filesystem::is_directory(path, ec)) {
    return Status::IoError(path + ": exists and is not a directory");
  }
  return Status::Ok();
}

std::string ResolveRelative(const std::string& base_dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

std::string DirName(const std::string& path) {
  std::filesystem::path p(path);
  std::string parent = p.parent_path().string();
  return parent.empty() ? "." : parent;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace rollgate::internal
