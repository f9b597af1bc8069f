// The commands that run an HTTP server: mock, demo, rehearse (both start the mock in process)
// and serve. They live in the `rollgate-server` binary, which links cpp-httplib; `rollgate`
// itself does not, so the probe path (check, gate, diff, drill, history) loads only libcurl's
// libraries and starts in about a millisecond more than curl (bench/RESULTS.md). `rollgate`
// hands these commands to the `rollgate-server` beside it with the same arguments, so users
// and scripts only ever type `rollgate mock ...` (docs/install.md).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>

namespace rollgate::cli {

/// The server commands, one name and one description each, shared by both binaries so that
/// `rollgate --help` lists them the same way.
struct ServerCommandInfo {
  const char* name;
  const char* description;
};
inline constexpr ServerCommandInfo kRehearseCommand{
    "rehearse",
    "Inject every known fault through the mock and show which the gate catches (exit 0 all "
    "caught, 1 not)"};
inline constexpr ServerCommandInfo kMockCommand{
    "mock", "Run the OpenAI-compatible mock provider on loopback until SIGINT/SIGTERM"};
inline constexpr ServerCommandInfo kDemoCommand{
    "demo", "The embedded default: mock provider + two releases + gate, no setup"};
inline constexpr ServerCommandInfo kServeCommand{
    "serve",
    "Scheduled, capped gates; Prometheus /metrics; Flagger and Argo webhooks (runs until "
    "SIGTERM)"};
inline constexpr ServerCommandInfo kServerCommands[] = {kRehearseCommand, kMockCommand,
                                                        kDemoCommand, kServeCommand};

/// For every --evidence-dir: an empty name is a usage error (exit 2), not "here" or "none".
inline CLI::Validator NonEmptyDirectory() {
  return CLI::Validator(
      [](std::string& dir) {
        return dir.empty()
                   ? std::string(
                         "an empty directory name; give a directory, e.g. rollgate-evidence")
                   : std::string();
      },
      "", "non-empty directory");
}

/// The file name of the binary that runs the server commands, beside `rollgate`.
inline constexpr char kServerBinaryName[] = "rollgate-server";

/// Runs the server command chosen on the command line: its exit code, or nullopt when none
/// was chosen.
using ServerCommandRunner = std::function<std::optional<int>()>;

/// Adds the server commands to `app`, parsed and run in process: `rollgate-server`'s
/// (server_commands.cc). Call before app.parse(); the runner after it.
ServerCommandRunner AddServerCommands(CLI::App& app, char** argv);

/// Adds the server commands to `app` as `rollgate` has them (server_forward.cc): they take
/// their arguments unparsed and the runner replaces the process with `rollgate-server` and
/// `argv` (exec: same pid, so signals and exit codes reach the command). Call before
/// app.parse(); the runner after it.
ServerCommandRunner AddForwardedServerCommands(CLI::App& app, char** argv);

}  // namespace rollgate::cli
