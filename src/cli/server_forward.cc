// The server commands as `rollgate` sees them: it parses none of their arguments and hands
// the whole command line to `rollgate-server` (server_commands.h says why).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "cli/cli_common.h"
#include "cli/server_commands.h"

namespace rollgate::cli {
namespace {

#ifndef ROLLGATE_SERVER_RELDIR
#define ROLLGATE_SERVER_RELDIR "../lib/rollgate"
#endif

// Where rollgate-server may be, in order: beside the real file of `rollgate` (a build tree, a
// copy by hand), then where an installation puts it (the Debian package and `make install`:
// <prefix>/lib/rollgate/, ROLLGATE_SERVER_RELDIR from the bin directory, docs/install.md).
// Empty when /proc is not readable.
std::vector<std::string> ServerCandidates() {
  const std::string beside = PathBesideSelf(kServerBinaryName);
  if (beside.empty()) return {};
  const std::filesystem::path dir = std::filesystem::path(beside).parent_path();
  return {beside, (dir / ROLLGATE_SERVER_RELDIR / kServerBinaryName).lexically_normal().string()};
}

// Returns only when exec failed, with the exit code after saying what to do.
int ExecServerBinary(const char* command, char** argv) {
  const std::vector<std::string> candidates = ServerCandidates();
  std::fflush(nullptr);
  // argv as given: argv[0] stays the name the user typed, so usage lines say `rollgate mock`.
  std::string tried;
  int err = ENOENT;
  for (const std::string& server : candidates) {
    ::execv(server.c_str(), argv);
    // The first error that is not "absent" says most (e.g. present but not executable).
    if (err == ENOENT) err = errno;
    tried += (tried.empty() ? "" : " nor ") + server;
  }
  if (candidates.empty()) {  // no /proc (a minimal sandbox): the PATH
    ::execvp(kServerBinaryName, argv);
    err = errno;
    tried = kServerBinaryName;
  }
  return ReportError(Status::InvalidArgument(
      std::string("`rollgate ") + command + "` runs in " + kServerBinaryName +
      ", which is installed beside rollgate or in " + ROLLGATE_SERVER_RELDIR +
      " from rollgate's directory, but " + (candidates.size() > 1 ? "neither " : "") + tried +
      " can be run (" + std::strerror(err) +
      "); install rollgate and rollgate-server from the same build (docs/install.md)"));
}

}  // namespace

ServerCommandRunner AddForwardedServerCommands(CLI::App& app, char** argv) {
  std::vector<std::pair<const char*, CLI::App*>> commands;
  for (const ServerCommandInfo& c : kServerCommands) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    sub->set_help_flag();   // --help too is rollgate-server's to answer
    sub->prefix_command();  // every argument after the name goes through unparsed
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
