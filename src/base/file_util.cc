#include "base/file_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <system_error>
#include <thread>

namespace rollgate::internal {

namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// Temp files are named ".<target name>" + kTempMarker + "<pid>.<16 hex digits>".
constexpr char kTempMarker[] = ".rollgate-tmp.";

std::function<void(const std::string&)>& AfterRenameHook() {
  static std::function<void(const std::string&)> hook;
  return hook;
}

const char* FileKindName(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

}  // namespace

Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes,
                                     ReadKind kind) {
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever. It changes nothing
  // for a regular file, and is cleared below for a pipe the caller accepts.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IoError(path + ": cannot open: " + ErrnoText(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Status::IoError(path + ": cannot stat: " + ErrnoText(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::IoError(path + ": is a directory, expected a file");
  }
  if (!S_ISREG(st.st_mode)) {
    if (kind == ReadKind::kRegularFile) {
      ::close(fd);
      return Status::IoError(path + ": is " + FileKindName(st.st_mode) +
                             ", not a regular file; rollgate reads values only from regular files");
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
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

uint64_t RandomBits() {
  uint64_t bits = 0;
  if (::getrandom(&bits, sizeof bits, 0) == static_cast<ssize_t>(sizeof bits)) return bits;
  // getrandom cannot fail for 8 bytes once the pool is ready; this is for exotic kernels.
  static std::atomic<uint64_t> counter{0};
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ counter++ ^
         static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

// Creates a new temp file beside `path` (never an existing file, never through a symlink) and
// returns its name and descriptor.
Result<std::pair<std::string, int>> CreateTemp(const std::string& path) {
  std::filesystem::path target(path);
  std::string dir = target.parent_path().string();
  std::string prefix = (dir.empty() ? "" : dir + "/") + "." + target.filename().string() +
                       kTempMarker + std::to_string(::getpid()) + ".";
  int err = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    char suffix[17];
    std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(RandomBits()));
    std::string tmp = prefix + suffix;
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) return std::make_pair(tmp, fd);
    err = errno;
    if (err != EEXIST) break;  // EEXIST: a name taken (or planted) by someone else; draw again
  }
  return Status::IoError(path + ": cannot create a temp file beside it: " + ErrnoText(err));
}

// Writes all of `content` to a new temp file next to `path`; returns the temp path.
Result<std::string> WriteTemp(const std::string& path, const std::string& content, TempSync sync) {
  ROLLGATE_ASSIGN_OR_RETURN(auto created, CreateTemp(path));  // (temp path, fd)
  const auto& [tmp, fd] = created;
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

// rename(2) onto `target`: a symlink there is replaced, not followed.
Status RenameOnto(const std::string& tmp, const std::string& target) {
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::IoError(target + ": rename failed: " + ErrnoText(err));
  }
  if (AfterRenameHook()) AfterRenameHook()(target);
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomic(const std::string& path, const std::string& content) {
  ROLLGATE_ASSIGN_OR_RETURN(std::string tmp, WriteTemp(path, content, TempSync::kFsync));
  return RenameOnto(tmp, path);
}

AtomicWriteBatch::~AtomicWriteBatch() {
  for (const auto& [tmp, target] : staged_) ::unlink(tmp.c_str());
}

void AtomicWriteBatch::TEST_SetAfterRenameHook(std::function<void(const std::string&)> hook) {
  AfterRenameHook() = std::move(hook);
}

Status AtomicWriteBatch::Stage(const std::string& path, const std::string& content) {
  ROLLGATE_ASSIGN_OR_RETURN(
      std::string tmp,
      WriteTemp(path, content,
                flush_ == Flush::kEachFile ? TempSync::kStartWriteback : TempSync::kNone));
  std::lock_guard<std::mutex> lock(mu_);
  staged_.emplace_back(tmp, path);
  return Status::Ok();
}

void AtomicWriteBatch::RemoveFirst(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  remove_first_.push_back(path);
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
  for (const auto& [dev, dir] : file_systems)
    ROLLGATE_RETURN_IF_ERROR(FlushPath(dir, dir, ::syncfs));
  ROLLGATE_RETURN_IF_ERROR(RenameStaged());
  // ...and the renames are on disk before Commit() returns.
  for (const auto& [dev, dir] : file_systems)
    ROLLGATE_RETURN_IF_ERROR(FlushPath(dir, dir, ::syncfs));
  return Status::Ok();
}

namespace {

// Unlinks `paths` (a missing one is fine). Each directory's paths go in their given order, on
// one thread; directories are spread over a few threads when there are many. Why: replacing a
// file frees the old one's blocks, and on a file system mounted with `discard` and no journal
// each unlink then waits for the disk (2.5 ms each on this project's shared VM disk, 25 s for
// a 2000-service fleet's 10000 files one after another); side by side the waits overlap.
Status UnlinkAll(const std::vector<std::string>& paths) {
  std::map<std::string, std::vector<const std::string*>> by_dir;
  for (const auto& p : paths) by_dir[DirName(p)].push_back(&p);
  std::vector<const std::vector<const std::string*>*> groups;
  groups.reserve(by_dir.size());
  for (const auto& [dir, list] : by_dir) groups.push_back(&list);
  std::atomic<std::size_t> next{0};
  std::mutex mu;
  Status first_error = Status::Ok();
  auto work = [&] {
    for (std::size_t g = next++; g < groups.size(); g = next++) {
      for (const std::string* path : *groups[g]) {
        if (::unlink(path->c_str()) != 0 && errno != ENOENT) {
          int err = errno;
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.ok())
            first_error =
                Status::IoError(*path + ": cannot remove the previous file: " + ErrnoText(err));
          break;  // this directory's later files stay: its set is not half-removed further
        }
      }
    }
  };
  constexpr std::size_t kThreads = 16;
  std::vector<std::thread> threads;
  if (groups.size() > 8) {
    for (std::size_t i = 1; i < kThreads; ++i) threads.emplace_back(work);
  }
  work();
  for (auto& t : threads) t.join();
  return first_error;
}

}  // namespace

Status AtomicWriteBatch::RenameStaged() {
  Status removed = UnlinkAll(remove_first_);
  remove_first_.clear();
  ROLLGATE_RETURN_IF_ERROR(removed);
  for (std::size_t i = 0; i < staged_.size(); ++i) {
    Status st = RenameOnto(staged_[i].first, staged_[i].second);
    if (!st.ok()) {
      staged_.erase(staged_.begin(), staged_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      return st;
    }
  }
  staged_.clear();
  return Status::Ok();
}

std::size_t RemoveStaleTempFiles(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return 0;
  const int dfd = ::dirfd(d);
  const auto now = std::chrono::system_clock::now();
  std::size_t removed = 0;
  while (dirent* e = ::readdir(d)) {
    std::string_view name(e->d_name);
    std::size_t marker = name.find(kTempMarker);
    if (name.empty() || name[0] != '.' || marker == std::string_view::npos) continue;
    std::string_view rest = name.substr(marker + std::strlen(kTempMarker));
    std::size_t dot = rest.find('.');
    if (dot == 0 || dot == std::string_view::npos || dot > 10 || rest.size() - dot - 1 != 16 ||
        rest.substr(0, dot).find_first_not_of("0123456789") != std::string_view::npos ||
        rest.substr(dot + 1).find_first_not_of("0123456789abcdef") != std::string_view::npos) {
      continue;
    }
    long pid = 0;
    std::from_chars(rest.data(), rest.data() + dot, pid);
    struct stat st {};
    if (::fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    const bool gone =
        pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
    const auto mtime = std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec);
    const bool old = now - mtime > std::chrono::hours(24);
    if ((gone || old) && ::unlinkat(dfd, e->d_name, 0) == 0) ++removed;
  }
  ::closedir(d);
  return removed;
}

Status MakeDirs(const std::string& path) {
  if (path.empty()) return Status::InvalidArgument("an empty directory name");
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

std::string AbsolutePath(const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (ec) return p.lexically_normal().string();
  return (cwd / p).lexically_normal().string();
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

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace rollgate::internal
