// `rollgate mock`: the mock provider in the foreground until SIGINT or SIGTERM.
#include <cstdio>

#include "base/net.h"
#include "base/strings.h"
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
  Status st;
  Result<internal::ListenAddress> address = internal::ParseListenAddress(args.listen);
  if (!address.ok()) {
    st = Status::InvalidArgument("--listen " + address.status().message());
  } else {
    opts.host = address->host;
    opts.port = address->port;
  }
  if (st.ok()) st = ParsePairs(args.scenario_for_key, "--scenario-for-key", &opts.scenario_for_key);
  if (st.ok())
    st = ParsePairs(args.scenario_for_model, "--scenario-for-model", &opts.scenario_for_model);
  Result<mock::Flavor> flavor = mock::ParseFlavor(args.flavor);
  if (st.ok() && !flavor.ok()) st = flavor.status();
  if (!st.ok()) return ReportError(st);
  opts.flavor = *flavor;
  if (!address->loopback) {
    std::fprintf(stderr, "rollgate mock: warning: listening on %s, beyond loopback\n",
                 opts.host.c_str());
  }
  if (opts.keys.empty()) {
    std::fprintf(stderr,
                 "rollgate mock: note: no --key given, any non-empty bearer token is accepted\n");
  }
  opts.on_error = [](const std::string& message) {
    std::fprintf(stderr, "rollgate mock: error: %s\n", message.c_str());
  };
  sigset_t signals = BlockTerminationSignals();
  mock::MockProvider provider(opts);
  st = provider.Start();
  if (!st.ok()) return ReportError(st);
  std::printf("rollgate mock listening on %s\n", provider.base_url().c_str());
  std::fflush(stdout);
  WaitForSignal(signals);
  provider.Stop();
  return 0;
}

}  // namespace rollgate::cli
