// The command line both binaries share. Each binary has its own main() (rollgate_main.cc,
// server_main.cc) that names how the server commands (mock, demo, rehearse, serve) are added:
// run in process in `rollgate-server`, handed to it by `rollgate` (server_commands.h says why
// there are two binaries).
#pragma once

#include "cli/server_commands.h"

namespace rollgate::cli {

/// Adds the server commands to the app; AddServerCommands or AddForwardedServerCommands.
using AddServerCommandsFn = ServerCommandRunner (*)(CLI::App& app, char** argv);

/// The whole program: registers the probe commands (gate, check, diff, drill, history) and the
/// server commands, parses argv, runs the chosen command and returns its exit code. An
/// exception that escapes a command, on any thread, ends the process with one line on stderr
/// and exit 3. In plain builds (ROLLGATE_FAST_EXIT) it does not return: it flushes stdio and
/// leaves with _exit(), skipping the libraries' exit handlers (app.cc says why).
int RunMain(int argc, char** argv, AddServerCommandsFn add_server_commands);

}  // namespace rollgate::cli
