// `rollgate serve`: the long-running mode (docs/serve.md). Prints one ready line on stdout,
// logs one line per event on stderr, and on SIGINT/SIGTERM/SIGHUP cancels the run in flight
// (recorded as an interrupted block), flushes the history and exits 0 (docs/serve.md).
#include <cstdio>
#include <mutex>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "rollgate/serve.h"

namespace rollgate::cli {

namespace {

// One line per call, whole even when several threads log at once.
void LogLine(const std::string& line) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::string ts = NowIsoUtc();
  std::fprintf(stderr, "%s rollgate serve: %s\n", ts.c_str(), line.c_str());
  std::fflush(stderr);
}

}  // namespace

int RunServeCommand(const ServeArgs& args) {
  // Before any thread starts, so every thread inherits the mask and only WaitForSignal sees
  // SIGINT/SIGTERM/SIGHUP.
  sigset_t signals = BlockTerminationSignals();

  ServeRequest request;
  request.config = args.config;
  request.listen = args.listen;
  request.evidence_dir = args.evidence_dir;
  request.log = LogLine;
  Result<std::unique_ptr<Server>> server = Server::Start(request);
  if (!server.ok()) return ReportError(server.status());
  if (!(*server)->beyond_loopback().empty()) {
    LogLine("warning: listening on " + (*server)->beyond_loopback() +
            ", beyond loopback: /metrics and /healthz are open to that network");
  }
  std::printf("rollgate serve listening on %s\n", (*server)->url().c_str());
  std::fflush(stdout);

  int sig = WaitForSignal(signals);
  LogLine("received " + SignalName(sig));
  (*server)->Shutdown(sig);
  return 0;
}

}  // namespace rollgate::cli
