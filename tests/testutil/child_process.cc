#include "testutil/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/strings.h"
#include "base/subprocess.h"

namespace rollgate::testing {

namespace {

void CloseFd(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

// pidfd_open(2) through syscall(2): a descriptor that polls readable when the child exits, so
// the reader thread learns of the exit without polling waitpid. -1 on kernels without it.
int PidFdOpen(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

}  // namespace

ChildProcess::~ChildProcess() {
  Stop();
  if (reader_.joinable()) {
    char byte = 1;
    // The reader may still be reading pipes a grandchild holds open; this ends it regardless.
    [[maybe_unused]] ssize_t w = ::write(wake_fds_[1], &byte, 1);
    reader_.join();
  }
  CloseFd(&out_fd_);
  CloseFd(&err_fd_);
  CloseFd(&pid_fd_);
  CloseFd(&wake_fds_[0]);
  CloseFd(&wake_fds_[1]);
}

Status ChildProcess::Start(const ChildOptions& options) {
  if (pid_ >= 0) return Status::InvalidArgument("ChildProcess::Start called twice");
  if (options.argv.empty() || options.argv[0].empty()) {
    return Status::InvalidArgument("ChildProcess: empty argv");
  }
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    return Status::IoError(std::string("pipe: ") + std::strerror(errno));
  }
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return Status::IoError(std::string("pipe: ") + std::strerror(errno));
  }
  if (::pipe2(wake_fds_, O_CLOEXEC) != 0) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    return Status::IoError(std::string("pipe: ") + std::strerror(errno));
  }

  Result<pid_t> spawned = internal::SpawnInOwnGroup(options.argv, options.env, options.working_dir,
                                                    out_pipe[1], err_pipe[1]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (!spawned.ok()) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return spawned.status();
  }
  pid_t pid = *spawned;
  pid_ = pid;
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  pid_fd_ = PidFdOpen(pid);
  reader_ = std::thread([this] { ReadLoop(); });
  return Status::Ok();
}

void ChildProcess::Reap() {
  if (exit_ || pid_ < 0) return;
  int status = 0;
  pid_t w = ::waitpid(pid_, &status, WNOHANG);
  if (w != pid_) return;
  ChildExit e;
  if (WIFEXITED(status)) e.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) e.term_signal = WTERMSIG(status);
  exit_ = e;
}

void ChildProcess::ReadLoop() {
  bool out_open = true, err_open = true;
  char buf[8192];
  while (true) {
    bool reaped;
    {
      std::lock_guard<std::mutex> lock(mu_);
      reaped = exit_.has_value();
    }
    if (reaped && !out_open && !err_open) return;
    pollfd fds[4];
    nfds_t n = 0;
    fds[n++] = {wake_fds_[0], POLLIN, 0};
    int out_at = out_open ? static_cast<int>(n) : -1;
    if (out_open) fds[n++] = {out_fd_, POLLIN, 0};
    int err_at = err_open ? static_cast<int>(n) : -1;
    if (err_open) fds[n++] = {err_fd_, POLLIN, 0};
    int pid_at = !reaped && pid_fd_ >= 0 ? static_cast<int>(n) : -1;
    if (pid_at >= 0) fds[n++] = {pid_fd_, POLLIN, 0};
    // Without a pidfd the exit can only be noticed by asking, so ask every few milliseconds.
    int timeout_ms = !reaped && pid_fd_ < 0 ? 5 : -1;
    int ready = ::poll(fds, n, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) return;  // woken by the destructor
    for (int at : {out_at, err_at}) {
      if (at < 0 || fds[at].revents == 0) continue;
      ssize_t r = ::read(fds[at].fd, buf, sizeof buf);
      if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      std::lock_guard<std::mutex> lock(mu_);
      if (r > 0) {
        (at == out_at ? out_ : err_).append(buf, static_cast<std::size_t>(r));
      } else if (at == out_at) {
        out_open = false;
        out_eof_ = true;
      } else {
        err_open = false;
      }
      cv_.notify_all();
    }
    if ((pid_at >= 0 && fds[pid_at].revents != 0) || pid_fd_ < 0) {
      std::lock_guard<std::mutex> lock(mu_);
      Reap();
      if (exit_) cv_.notify_all();
    }
  }
}

Result<std::string> ChildProcess::WaitForLine(std::string_view prefix,
                                              std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  std::string found;
  auto has_line = [&] {
    std::size_t start = 0;
    for (std::size_t nl = out_.find('\n'); nl != std::string::npos;
         start = nl + 1, nl = out_.find('\n', start)) {
      std::string_view line(out_.data() + start, nl - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.substr(0, prefix.size()) == prefix) {
        found = std::string(line);
        return true;
      }
    }
    return false;
  };
  bool ok = cv_.wait_for(lock, timeout, [&] { return has_line() || (exit_ && out_eof_); });
  if (ok && !found.empty()) return found;
  std::string why = exit_ ? "the child exited first" : "timed out";
  return Status::NotFound("no stdout line starting with '" + std::string(prefix) + "' (" + why +
                          "); stdout: \"" + internal::SanitizeForDisplay(out_, 400) +
                          "\" stderr: \"" + internal::SanitizeForDisplay(err_, 400) + "\"");
}

bool ChildProcess::Signal(int sig) {
  std::lock_guard<std::mutex> lock(mu_);
  // Holding mu_ keeps the reader from reaping meanwhile, so the pid (the group id) cannot have
  // been reused by the time kill() runs.
  if (pid_ < 0 || exit_) return false;
  return ::kill(-pid_, sig) == 0 || ::kill(pid_, sig) == 0;
}

std::optional<ChildExit> ChildProcess::WaitForExit(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return exit_.has_value(); });
  return exit_;
}

ChildExit ChildProcess::Stop(std::chrono::milliseconds grace) {
  if (pid_ < 0) return {};
  if (Signal(SIGTERM) && !WaitForExit(grace)) {
    Signal(SIGKILL);
    WaitForExit(std::chrono::seconds(5));
  }
  std::lock_guard<std::mutex> lock(mu_);
  return exit_.value_or(ChildExit{});
}

std::string ChildProcess::out() const {
  std::lock_guard<std::mutex> lock(mu_);
  return out_;
}

std::string ChildProcess::err() const {
  std::lock_guard<std::mutex> lock(mu_);
  return err_;
}

}  // namespace rollgate::testing
