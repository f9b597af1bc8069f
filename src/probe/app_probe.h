// Probes through the app's own client: `probe: exec` runs the release's smoke entrypoint,
// `probe: http` calls its user-facing smoke route (docs/app-probes.md). Both yield what the
// app saw as a ProbeOutcome, so the same checks judge every probe kind.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/environment.h"
#include "base/secret.h"
#include "contract/app_protocol.h"
#include "probe/http_transport.h"
#include "probe/probe.h"
#include "rollgate/config.h"

namespace rollgate::internal {

struct AppProbeRequest {
  bool stream = false;
  std::string correlation_id;
  std::string label = "rollback-smoke";
  int max_tokens = 40;
  std::string release;
  std::string version;  // the release's version: an http route must prove it served it
  /// The invalid-token call: the deliberately invalid key the app must use instead of its own,
  /// passed as ROLLGATE_SMOKE_API_KEY (exec) or X-Rollgate-Smoke-Api-Key (http). "" on every
  /// other call. A secret like any key: the caller's Redactor must hold it.
  std::string smoke_api_key;
};

struct AppProbeOutcome {
  std::string failure;  // the probe itself failed: no protocol answer (command, route, version)
  AppAnswer answer;
  double started_ms = 0;  // on the clock passed in (exec) or the transport's (http)
  double finished_ms = 0;
  int64_t start_unix_ms = 0;
  HttpExchange route;          // http: the call to the app's route
  std::string served_version;  // http: the version header's value
};

/// Runs the smoke command, blocking (call it off the transport's thread), bounded by
/// config.timeout_ms. `dir` is the working directory (the config file's). With a `redactor`,
/// the command's output is scrubbed before it is parsed or quoted.
AppProbeOutcome RunExecProbe(const Environment& env, const Clock& clock,
                             const ExecProbeConfig& config, const AppProbeRequest& request,
                             const std::vector<std::string>& response_fields,
                             const std::string& dir, const Redactor* redactor = nullptr);

/// Calls the smoke route on `transport`; `done` runs from transport->Run().
void LaunchHttpProbe(HttpTransport* transport, const HttpProbeConfig& config,
                     const std::map<std::string, std::string>& headers, int timeout_ms,
                     const AppProbeRequest& request,
                     const std::vector<std::string>& response_fields,
                     std::function<void(AppProbeOutcome)> done);

/// What the app saw, as one attempt: the provider's status, error and timing. A probe failure
/// becomes a transport-level error whose detail is the failure.
ProbeOutcome AsProbeOutcome(const AppProbeOutcome& outcome);

}  // namespace rollgate::internal
