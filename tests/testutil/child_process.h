// A long-running child process for tests: a server (sample_app serve, `rollgate mock`, nginx)
// started from argv with extra environment, whose "ready" line on stdout a test waits for, and
// which is always stopped: the destructor sends SIGTERM, waits (bounded), then SIGKILLs.
//
// Waiting is event-driven, never a sleep: a reader thread polls the child's stdout/stderr and a
// pidfd for its exit, and waiters block on a condition variable with a deadline.
// For a command that runs to completion, use RunCommand (base/subprocess.h) instead.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "rollgate/status.h"

namespace rollgate::testing {

struct ChildOptions {
  std::vector<std::string> argv;  // argv[0] is searched in PATH
  std::vector<std::string> env;   // NAME=VALUE added to (or replacing) the test's environment
  std::string working_dir;        // empty: the test's
};

/// How the child ended.
struct ChildExit {
  int exit_code = -1;   // when it exited normally
  int term_signal = 0;  // when a signal ended it
  bool exited_normally() const { return term_signal == 0 && exit_code >= 0; }
};

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();  // Stop()
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Starts the child in its own process group (so a stop reaches the workers it forks), with
  /// stdin from /dev/null and stdout/stderr captured, SIGINT/SIGTERM/SIGPIPE at their defaults
  /// and no signal blocked. Fails when it cannot be started at all. At most once per object.
  Status Start(const ChildOptions& options);

  /// Waits until a complete stdout line starting with `prefix` has arrived and returns it
  /// (without the line break). Fails, quoting the output so far, when `timeout` passes or the
  /// child exits without printing it.
  Result<std::string> WaitForLine(std::string_view prefix,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Sends `sig` to the child's process group; false when the child has already been reaped.
  bool Signal(int sig);

  /// Waits up to `timeout` for the child to exit; nullopt when it is still running.
  std::optional<ChildExit> WaitForExit(std::chrono::milliseconds timeout);

  /// SIGTERM to the group, up to `grace` for the exit, then SIGKILL (and up to 5 s more).
  /// Idempotent; returns how the child ended (exit_code -1 when it could not be reaped).
  ChildExit Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  /// Everything captured so far.
  std::string out() const;
  std::string err() const;
  pid_t pid() const { return pid_; }

 private:
  void ReadLoop();
  void Reap();  // REQUIRES: mu_ held

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  int pid_fd_ = -1;             // pidfd of the child: readable once it exits; -1 when unsupported
  int wake_fds_[2] = {-1, -1};  // written to end the reader thread
  std::thread reader_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string out_;
  std::string err_;
  bool out_eof_ = false;
  std::optional<ChildExit> exit_;  // set once reaped
};

}  // namespace rollgate::testing
