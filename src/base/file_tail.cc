#include "base/file_tail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rollgate::internal {

namespace {

const char* KindName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

// An open, regular file (O_NONBLOCK: opening a FIFO without a writer never waits).
class RegularFile {
 public:
  ~RegularFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Open(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd_ < 0) {
      int err = errno;
      if (err == ENOENT) return Status::NotFound(path + ": no such file");
      return Status::IoError(path + ": cannot open: " + std::strerror(err));
    }
    if (::fstat(fd_, &st_) != 0)
      return Status::IoError(path + ": cannot stat: " + std::strerror(errno));
    if (!S_ISREG(st_.st_mode)) {
      return Status::IoError(path + ": is " + KindName(st_.st_mode) +
                             ", not a regular file; rollgate reads logs only from regular files");
    }
    return Status::Ok();
  }
  int fd() const { return fd_; }
  const struct stat& st() const { return st_; }

 private:
  int fd_ = -1;
  struct stat st_ {};
};

}  // namespace

Result<FileMark> MarkFileEnd(const std::string& path) {
  RegularFile f;
  Status st = f.Open(path);
  if (st.code() == Status::Code::kNotFound) return FileMark{};
  if (!st.ok()) return st;
  FileMark m;
  m.existed = true;
  m.dev = static_cast<uint64_t>(f.st().st_dev);
  m.ino = static_cast<uint64_t>(f.st().st_ino);
  m.size = static_cast<uint64_t>(f.st().st_size);
  return m;
}

Result<FileTail> ReadSinceMark(const std::string& path, const FileMark& mark,
                               std::size_t max_bytes) {
  RegularFile f;
  ROLLGATE_RETURN_IF_ERROR(f.Open(path));
  const uint64_t size = static_cast<uint64_t>(f.st().st_size);
  FileTail tail;
  uint64_t from = 0;
  if (mark.existed) {
    const bool same = mark.dev == static_cast<uint64_t>(f.st().st_dev) &&
                      mark.ino == static_cast<uint64_t>(f.st().st_ino);
    if (same && size >= mark.size) {
      from = mark.size;
    } else {
      tail.restarted = true;  // rotated (a new file at the path) or truncated: all of it is new
    }
  }
  tail.written = size - from;
  const uint64_t want = std::min<uint64_t>(tail.written, max_bytes);
  tail.text.resize(static_cast<std::size_t>(want));
  std::size_t got = 0;
  while (got < want) {
    ssize_t n = ::pread(f.fd(), tail.text.data() + got, static_cast<std::size_t>(want - got),
                        static_cast<off_t>(from + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(path + ": read failed: " + std::strerror(errno));
    if (n == 0) break;  // truncated while reading: what was read is all there is
    got += static_cast<std::size_t>(n);
  }
  tail.text.resize(got);
  if (tail.written > max_bytes) {
    tail.capped = true;
    std::size_t end = tail.text.rfind('\n');
    tail.text.resize(end == std::string::npos ? 0 : end + 1);
  }
  return tail;
}

}  // namespace rollgate::internal
