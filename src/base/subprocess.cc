#include "base/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "base/strings.h"

extern char** environ;

namespace rollgate::internal {

std::string CommandResult::Describe(int timeout_ms) const {
  if (timed_out) return "timed out after " + FormatDurationMs(timeout_ms);
  if (cancelled) return "stopped: rollgate was interrupted";
  if (term_signal != 0) return "killed by signal " + std::to_string(term_signal);
  return "exit code " + std::to_string(exit_code);
}

namespace {

// How long a stopped command's group has between SIGTERM and SIGKILL: long enough for a
// well-behaved program to clean up, short enough that an interrupt ends rollgate within 1 s.
constexpr double kStopGraceMs = 300;

double NowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
};

void Append(std::string* dst, const char* buf, std::size_t n, std::size_t cap, bool* truncated) {
  if (dst->size() >= cap) {
    *truncated = true;
    return;
  }
  std::size_t take = std::min(n, cap - dst->size());
  dst->append(buf, take);
  if (take < n) *truncated = true;
}

// Where to look for argv[0]: as given when it has a '/', else each PATH entry (as execvp).
std::vector<std::string> ExecCandidates(const std::string& program) {
  std::vector<std::string> candidates;
  if (program.find('/') != std::string::npos) {
    candidates.push_back(program);
    return candidates;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t colon = dirs.find(':', start);
    std::string dir =
        dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    candidates.push_back((dir.empty() ? "." : dir) + "/" + program);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return candidates;
}

// The environment: ours, with extra_env overriding same-named entries. The pointers borrow
// from `environ` and `extra_env`; null-terminated for execve.
std::vector<char*> ChildEnvironment(const std::vector<std::string>& extra_env) {
  std::vector<char*> envp;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& x : extra_env) {
      overridden = overridden || std::string_view(x).substr(0, x.find('=')) == name;
    }
    if (!overridden) envp.push_back(*e);
  }
  for (const auto& x : extra_env) envp.push_back(const_cast<char*>(x.c_str()));
  envp.push_back(nullptr);
  return envp;
}

// Everything the child needs, built before fork().
struct ChildSetup {
  std::vector<std::string> candidates;
  std::vector<char*> argv;  // null-terminated
  std::vector<char*> envp;  // null-terminated
  const char* dir = nullptr;
  int in_fd = -1, out_fd = -1, err_fd = -1;
  int report_fd = -1;  // gets errno when no exec succeeds
};

// The child between fork() and exec: async-signal-safe calls only (see SpawnInOwnGroup).
[[noreturn]] void ExecChild(const ChildSetup& c) {
  ::setpgid(0, 0);
  struct sigaction ignore = {}, fallback = {};
  ignore.sa_handler = SIG_IGN;
  fallback.sa_handler = SIG_DFL;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    ::sigaction(sig, &ignore, nullptr);    // discards one meant for rollgate's group
    ::sigaction(sig, &fallback, nullptr);  // ...and the command gets the default
  }
  ::sigaction(SIGPIPE, &fallback, nullptr);  // rollgate ignores it; the command must not
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  int err = 0;
  if (::dup2(c.in_fd, 0) < 0 || ::dup2(c.out_fd, 1) < 0 || ::dup2(c.err_fd, 2) < 0 ||
      (c.dir && ::chdir(c.dir) != 0)) {
    err = errno;
  } else {
    for (const auto& candidate : c.candidates) {
      ::execve(candidate.c_str(), c.argv.data(), c.envp.data());
      if (err == 0 || errno != ENOENT) err = errno;  // as execvp: report EACCES over ENOENT
    }
  }
  [[maybe_unused]] ssize_t w = ::write(c.report_fd, &err, sizeof err);
  ::_exit(127);
}

// A running command's process group, watched by RunCommand.
struct GroupWatch {
  pid_t pid = 0;
  bool exited = false;  // the command itself exited (still a zombie: its group id is ours)
  double exited_at = 0;
  double stop_at = -1;  // when SIGTERM went to the group (deadline or cancel)
  bool killed = false;
};

// One look at the group: notices the command's exit, stops the group at the deadline or on
// cancel (SIGTERM), and kills it kStopGraceMs later.
void WatchGroup(GroupWatch* g, double now, double deadline, const CancelToken* cancel,
                CommandResult* result) {
  if (!g->exited) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(g->pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == g->pid) {
      g->exited = true;
      g->exited_at = now;
      // Whatever the command left behind in its group (`sleep 1000 &`) goes with it. Until
      // we reap the command the group id cannot be reused, so this reaches only its group.
      ::kill(-g->pid, SIGKILL);
    }
  }
  if (!g->exited && g->stop_at < 0) {
    bool cancelled = cancel && cancel->cancelled();
    if (now >= deadline || cancelled) {
      (cancelled ? result->cancelled : result->timed_out) = true;
      ::kill(-g->pid, SIGTERM);
      g->stop_at = now;
    }
  }
  if (!g->exited && g->stop_at >= 0 && !g->killed && now - g->stop_at >= kStopGraceMs) {
    ::kill(-g->pid, SIGKILL);
    g->killed = true;
  }
}

// The command's output pipes and the cancel wake-up pipe.
struct OutputPipes {
  int wake = -1, out = -1, err = -1;
  bool out_open = true, err_open = true;
};

// Waits a short slice for output and reads what is there; false when poll itself fails.
bool ReadOutput(OutputPipes* p, std::size_t max_output_bytes, CommandResult* result) {
  char buf[8192];
  struct pollfd fds[3];
  int nfds = 0;
  fds[nfds++] = {p->wake, POLLIN, 0};
  if (p->out_open) fds[nfds++] = {p->out, POLLIN, 0};
  if (p->err_open) fds[nfds++] = {p->err, POLLIN, 0};
  // Short slices: the exit of the command is noticed by asking (waitid in WatchGroup).
  int n = ::poll(fds, static_cast<nfds_t>(nfds), 20);
  if (n < 0 && errno != EINTR) return false;
  for (int i = 0; i < nfds && n > 0; ++i) {
    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    if (fds[i].fd == p->wake) {
      while (::read(p->wake, buf, sizeof buf) > 0) {
      }
      continue;
    }
    bool is_out = fds[i].fd == p->out;
    ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
    if (r > 0) {
      Append(is_out ? &result->out : &result->err, buf, static_cast<std::size_t>(r),
             max_output_bytes, &result->output_truncated);
    } else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
      (is_out ? p->out_open : p->err_open) = false;
    }
  }
  return true;
}

}  // namespace

// Why fork() and not posix_spawnp(): a child is in rollgate's process group from its birth
// until it calls setpgid(), and a signal sent to that group meanwhile (Ctrl-C on a terminal,
// twice during the drill's recovery) becomes pending in it, since it starts with rollgate's
// mask, where SIGINT/SIGTERM/SIGHUP are blocked. posix_spawn unblocks them just before exec and
// the pending signal kills the command rollgate is relying on. Here the child discards such a
// signal (setting a pending signal's action to SIG_IGN discards it) before unblocking. After
// fork() in a threaded process the child makes only async-signal-safe calls: everything it
// needs (paths, argv, environment) is built before.
Result<pid_t> SpawnInOwnGroup(const std::vector<std::string>& argv,
                              const std::vector<std::string>& extra_env,
                              const std::string& working_dir, int out_fd, int err_fd) {
  if (argv.empty() || argv[0].empty()) return Status::InvalidArgument("empty command");
  ChildSetup child;
  child.candidates = ExecCandidates(argv[0]);
  for (const auto& a : argv) child.argv.push_back(const_cast<char*>(a.c_str()));
  child.argv.push_back(nullptr);
  child.envp = ChildEnvironment(extra_env);

  int dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  Pipe report;  // the child writes errno here when it cannot exec; exec closes it (CLOEXEC)
  if (dev_null < 0 || ::pipe2(report.fds, O_CLOEXEC) != 0) {
    int err = errno;
    if (dev_null >= 0) ::close(dev_null);
    return Status::IoError("cannot start '" + argv[0] + "': " + std::strerror(err));
  }
  child.dir = working_dir.empty() ? nullptr : working_dir.c_str();
  child.in_fd = dev_null;
  child.out_fd = out_fd;
  child.err_fd = err_fd;
  child.report_fd = report.fds[1];
  pid_t pid = ::fork();
  if (pid == 0) ExecChild(child);
  ::close(dev_null);
  if (pid < 0) return Status::IoError("cannot start '" + argv[0] + "': " + std::strerror(errno));
  // The group exists from here on, even before the child gets to its own setpgid (a cancel
  // may kill(-pid) at once).
  ::setpgid(pid, pid);
  ::close(report.fds[1]);
  report.fds[1] = -1;
  int err = 0;
  ssize_t n;
  while ((n = ::read(report.fds[0], &err, sizeof err)) < 0 && errno == EINTR) {
  }
  if (n == static_cast<ssize_t>(sizeof err)) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return Status::NotFound("cannot run '" + argv[0] + "': " + std::strerror(err));
  }
  return pid;
}

Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 const CommandOptions& options) {
  if (argv.empty() || argv[0].empty()) return Status::InvalidArgument("empty command");
  Pipe out_pipe, err_pipe, wake;
  if (::pipe2(out_pipe.fds, O_CLOEXEC) != 0 || ::pipe2(err_pipe.fds, O_CLOEXEC) != 0 ||
      ::pipe2(wake.fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return Status::IoError("cannot create pipe: " + std::string(std::strerror(errno)));
  }
  double start = NowMs();
  ROLLGATE_ASSIGN_OR_RETURN(pid_t pid, SpawnInOwnGroup(argv, options.extra_env, options.working_dir,
                                                       out_pipe.fds[1], err_pipe.fds[1]));
  ::close(out_pipe.fds[1]);
  out_pipe.fds[1] = -1;
  ::close(err_pipe.fds[1]);
  err_pipe.fds[1] = -1;
  // A cancel wakes the poll below at once (the callback only writes a byte: the group is
  // signalled from this thread, which alone knows whether the command was reaped yet).
  CancelRegistration wake_on_cancel(options.cancel, [fd = wake.fds[1]] {
    char byte = 1;
    [[maybe_unused]] ssize_t w = ::write(fd, &byte, 1);
  });

  CommandResult result;
  const double deadline = start + options.timeout_ms;
  GroupWatch group;
  group.pid = pid;
  OutputPipes pipes;
  pipes.wake = wake.fds[0];
  pipes.out = out_pipe.fds[0];
  pipes.err = err_pipe.fds[0];
  while (true) {
    double now = NowMs();
    WatchGroup(&group, now, deadline, options.cancel, &result);
    // A process outside the group (one that called setsid) may keep the pipes open after the
    // command exits; give it a short grace period, then stop reading.
    if (group.exited && ((!pipes.out_open && !pipes.err_open) || now - group.exited_at > 250)) {
      break;
    }
    if (!ReadOutput(&pipes, options.max_output_bytes, &result)) break;
  }
  if (!group.exited) ::kill(-pid, SIGKILL);  // only after a poll failure
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  result.duration_ms = NowMs() - start;
  if (WIFEXITED(wstatus)) result.exit_code = WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) result.term_signal = WTERMSIG(wstatus);
  if (result.timed_out || result.cancelled) result.term_signal = 0;
  return result;
}

}  // namespace rollgate::internal
