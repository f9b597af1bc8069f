// `rollgate mock`: the mock provider in the foreground until SIGINT or SIGTERM.
#include <cstdio>

#include "cli/cli_common.h"
#include "cli/commands.h"

namespace rollgate::cli {

namespace {

Status ParsePairs(const std::vector<std::string>& pairs, const char* flag,
                  std::map<std::string, std::string>* out) {
  for (const auto& pair : pairs) {
    std::size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      return Status::InvalidArgument(std::string(flag) + ": expected NAME=SCENARIO");
    }
    (*out)[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return Status::Ok();
}

}  // namespace

int RunMockCommand(MockArgs args) {
  mock::MockOptions& opts = args.options;
  Status st = ParsePairs(args.scenario_for_key, "--scenario-for-key", &opts.scenario_for_key);
  if (st.ok())
    st = ParsePairs(args.scenario_for_model, "--scenario-for-model", &opts.scenario_for_model);
  Result<mock::Flavor> flavor = mock::ParseFlavor(args.flavor);
  if (st.ok() && !flavor.ok()) st = flavor.status();
  if (!st.ok()) return ReportError(st);
  opts.flavor = *flavor;
  bool any_key = opts.keys.empty();
  opts.on_error = [](const std::string& message) {
    std::fprintf(stderr, "rollgate mock: error: %s\n", message.c_str());
  };
  sigset_t signals = BlockTerminationSignals();
  Result<std::unique_ptr<mock::MockServer>> server =
      mock::MockServer::Start(args.listen, std::move(opts));
  if (!server.ok()) return ReportError(server.status());
  if (!(*server)->beyond_loopback().empty()) {
    std::fprintf(stderr, "rollgate mock: warning: listening on %s, beyond loopback\n",
                 (*server)->beyond_loopback().c_str());
  }
  if (any_key) {
    std::fprintf(stderr,
                 "rollgate mock: note: no --key given, any non-empty bearer token is accepted\n");
  }
  std::printf("rollgate mock listening on %s\n", (*server)->base_url().c_str());
  std::fflush(stdout);
  WaitForSignal(signals);
  (*server)->Stop();
  return 0;
}

}  // namespace rollgate::cli
