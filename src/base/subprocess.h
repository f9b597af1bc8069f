// Running another program without a shell, in bounded time, with bounded output.
// Used by `{command:}` value sources, exec probes and drill switch actions.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "rollgate/cancel.h"
#include "rollgate/status.h"

namespace rollgate::internal {

struct CommandOptions {
  int timeout_ms = 5000;  // the child (and its process group) is stopped after this
  std::size_t max_output_bytes = 1 << 20;  // per stream; more is read and dropped, flagged below
  std::string working_dir;                 // empty: inherit
  std::vector<std::string> extra_env;      // NAME=VALUE added to (or replacing) the environment
  /// Not owned; may be null. Once cancelled, the child's process group is stopped at once
  /// (SIGTERM, a short grace, SIGKILL) and reaped, and the result says `cancelled`.
  CancelToken* cancel = nullptr;
};

struct CommandResult {
  int exit_code = -1;      // when exited normally
  int term_signal = 0;     // when killed by a signal
  bool timed_out = false;  // we stopped it at the deadline
  bool cancelled = false;  // we stopped it because the run was cancelled (SIGINT, ...)
  bool output_truncated = false;
  std::string out;
  std::string err;
  double duration_ms = 0;

  bool succeeded() const { return !timed_out && !cancelled && term_signal == 0 && exit_code == 0; }
  /// "exit code 3", "killed by signal 9", "timed out after 5 s", "stopped: rollgate was
  /// interrupted".
  std::string Describe(int timeout_ms) const;
};

/// Starts argv[0] (searched in PATH) without a shell: stdin from /dev/null, stdout and stderr
/// onto `out_fd` and `err_fd`, in its own process group (so a stop reaches what it forks), no
/// signal blocked or pending, SIGPIPE/SIGINT/SIGTERM/SIGHUP at their defaults, and our
/// environment with `extra_env` (NAME=VALUE) added or overriding. Returns once the program
/// runs; NotFound when it cannot be started.
Result<pid_t> SpawnInOwnGroup(const std::vector<std::string>& argv,
                              const std::vector<std::string>& extra_env,
                              const std::string& working_dir, int out_fd, int err_fd);

/// Runs argv[0] (searched in PATH) with stdin from /dev/null, in its own process group. Fails
/// only when the program cannot be started at all (empty argv, not found, not executable); a
/// non-zero exit is a result, not a Status. Nothing it starts outlives it: once the command
/// exits, whatever it left running in its process group (a background child) is killed; at the
/// deadline or on cancel the whole group gets SIGTERM, then SIGKILL after a short grace. The
/// command is always reaped before this returns.
Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 const CommandOptions& options);

}  // namespace rollgate::internal
