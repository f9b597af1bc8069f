// Running another program without a shell, in bounded time, with bounded output.
// Used by `{command:}` value sources, exec probes and drill switch actions.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "rollgate/status.h"

namespace rollgate::internal {

struct CommandOptions {
  int timeout_ms = 5000;                   // the child (and its process group) is killed after this
  std::size_t max_output_bytes = 1 << 20;  // per stream; more is read and dropped, flagged below
  std::string working_dir;                 // empty: inherit
  std::vector<std::string> extra_env;      // NAME=VALUE added to (or replacing) the environment
};

struct CommandResult {
  int exit_code = -1;      // when exited normally
  int term_signal = 0;     // when killed by a signal
  bool timed_out = false;  // we killed it at the deadline
  bool output_truncated = false;
  std::string out;
  std::string err;
  double duration_ms = 0;

  bool succeeded() const { return !timed_out && term_signal == 0 && exit_code == 0; }
  /// "exit code 3", "killed by signal 9", "timed out after 5 s".
  std::string Describe(int timeout_ms) const;
};

/// Runs argv[0] (searched in PATH) with stdin from /dev/null. Fails only when the program
/// cannot be started at all (empty argv, not found, not executable); a non-zero exit is a
/// result, not a Status.
/// Starts argv[0] (searched in PATH) without a shell: stdin from /dev/null, stdout and stderr
/// onto `out_fd` and `err_fd`, in its own process group (so a stop reaches what it forks), no
/// signal blocked, SIGPIPE/SIGINT/SIGTERM at their defaults, and our environment with
/// `extra_env` (NAME=VALUE) added or overriding. NotFound when it cannot be started.
Result<pid_t> SpawnInOwnGroup(const std::vector<std::string>& argv,
                              const std::vector<std::string>& extra_env,
                              const std::string& working_dir, int out_fd, int err_fd);

Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 const CommandOptions& options);

}  // namespace rollgate::internal
