// `rollgate serve`: the long-running mode (docs/serve.md). Prints one ready line on stdout,
// logs one line per event on stderr, and on SIGINT/SIGTERM/SIGHUP cancels the run in flight
// (recorded as an interrupted block), flushes the history and exits 0 (docs/serve.md).
#include <cstdio>
#include <mutex>

#include "base/clock.h"
#include "base/net.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "config/loader.h"
#include "serve/serve_service.h"

namespace rollgate::cli {

namespace {

// One line per call, whole even when several threads log at once.
void LogLine(const std::string& line) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::string ts = internal::FormatIsoUtc(internal::SystemClock::Get().NowUnixMs());
  std::fprintf(stderr, "%s rollgate serve: %s\n", ts.c_str(), line.c_str());
  std::fflush(stderr);
}

}  // namespace

int RunServeCommand(const ServeArgs& args) {
  Result<Config> config = internal::LoadConfig(args.config);
  if (!config.ok()) return ReportError(config.status());
  std::string listen = !args.listen.empty() ? args.listen
                       : config->serve      ? config->serve->listen
                                            : ServeConfig{}.listen;
  Result<internal::ListenAddress> address = internal::ParseListenAddress(listen);
  if (!address.ok()) {
    return ReportError(Status::InvalidArgument(
        (args.listen.empty() ? args.config + ": serve.listen " : std::string("--listen ")) +
        address.status().message()));
  }

  // Before any thread starts, so every thread inherits the mask and only WaitForSignal sees
  // SIGINT/SIGTERM/SIGHUP.
  sigset_t signals = BlockTerminationSignals();

  internal::ServeOptions options;
  options.listen = args.listen;
  options.evidence_dir = args.evidence_dir;
  options.log = LogLine;
  internal::ServeService service(*config, options);
  Status st = service.Start();
  if (!st.ok()) return ReportError(st);

  if (!address->loopback) {
    LogLine("warning: listening on " + address->host +
            ", beyond loopback: /metrics and /healthz are open to that network");
  }
  std::printf("rollgate serve listening on %s\n", service.url().c_str());
  std::fflush(stdout);

  int sig = WaitForSignal(signals);
  LogLine("received " + SignalName(sig));
  service.Shutdown(sig);
  return 0;
}

}  // namespace rollgate::cli
