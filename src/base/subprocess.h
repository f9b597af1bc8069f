// Running another program without a shell, in bounded time, with bounded output.
// Used by `{command:}` value sources, exec probes and drill switch actions.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "rollgate/cancel.h"
#include "rollgate/environment.h"
#include "rollgate/status.h"

namespace rollgate::internal {

// CommandOptions and CommandResult are public (rollgate/environment.h): an embedder's
// Environment runs commands too.
using ::rollgate::CommandOptions;
using ::rollgate::CommandResult;

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
