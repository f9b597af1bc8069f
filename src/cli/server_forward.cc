// The server commands as `rollgate` sees them: it parses none of their arguments and hands
// the whole command line to `rollgate-server` (server_commands.h says why).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "cli/cli_common.h"
#include "cli/server_commands.h"

namespace rollgate::cli {
namespace {

// Returns only when exec failed, with the exit code after saying what to do.
int ExecServerBinary(const char* command, char** argv) {
  std::string server = PathBesideSelf(kServerBinaryName);
  std::fflush(nullptr);
  // argv as given: argv[0] stays the name the user typed, so usage lines say `rollgate mock`.
  if (!server.empty()) {
    ::execv(server.c_str(), argv);
  } else {  // no /proc (a minimal sandbox): the PATH
    server = kServerBinaryName;
    ::execvp(kServerBinaryName, argv);
  }
  const int err = errno;
  return ReportError(Status::InvalidArgument(
      std::string("`rollgate ") + command + "` runs in " + kServerBinaryName +
      ", which belongs beside the rollgate binary, but " + server +
      " cannot be run (" + std::strerror(err) +
      "); install rollgate and rollgate-server from the same build (docs/install.md)"));
}

}  // namespace

ServerCommandRunner AddServerCommands(CLI::App& app, char** argv) {
  std::vector<std::pair<const char*, CLI::App*>> commands;
  for (const ServerCommandInfo& c : kServerCommands) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    sub->set_help_flag();     // --help too is rollgate-server's to answer
    sub->prefix_command();    // every argument after the name goes through unparsed
    sub->allow_extras();
    commands.emplace_back(c.name, sub);
  }
  return [commands, argv]() -> std::optional<int> {
    for (const auto& [name, sub] : commands) {
      if (*sub) return ExecServerBinary(name, argv);
    }
    return std::nullopt;
  };
}

}  // namespace rollgate::cli
