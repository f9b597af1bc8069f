// Launching every probe of a run: each release's smoke call by its probe kind (direct on the
// transport, http on the transport, exec on a worker thread), its streaming call, the fallback
// production would take, and the invalid-token calls. Internal to run/.
#pragma once

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/environment.h"
#include "base/secret.h"
#include "checks/release_checks.h"
#include "config/profile.h"
#include "contract/app_protocol.h"
#include "probe/app_probe.h"
#include "probe/http_transport.h"
#include "probe/probe.h"
#include "rollgate/report.h"

namespace rollgate::internal {

struct ReleaseRun {
  ReleaseProfile profile;
  ReleaseProbes probes;
  std::string chat_request_id;  // correlation ids (X-Client-Request-Id / ROLLGATE_CORRELATION_ID)
  std::string stream_request_id;
  std::optional<ProbeOutcome> primary;  // the failed primary call, when a fallback was taken
  std::string primary_request_id;
};

struct NegativeRun {
  std::string release;  // the first release that calls this endpoint
  std::string endpoint;
  std::string client_request_id;
  std::optional<ProbeOutcome> outcome;
};

/// The request a provider call of release `p` sends (the smoke, stream and fallback calls, and
/// with `invalid_credentials` the invalid-token call); the body is the caller's.
HttpRequest ProviderRequest(const ReleaseProfile& p, const std::string& token,
                            const std::string& client_id, bool invalid_credentials = false);

/// The invalid-token call through one exec/http release's own client.
struct AppNegativeRun {
  std::string release;
  bool http = false;
  std::string client_request_id;
  std::optional<AppProbeOutcome> outcome;  // scrubbed by the context's Redactor
};

struct ProbeContext {
  HttpTransport* transport = nullptr;
  const Environment* env = nullptr;
  const Clock* clock = nullptr;
  JitterFn jitter;
  std::string config_dir;
  std::vector<std::string> response_fields;  // the contract's
  /// Scrubs every answer as it arrives, before any check reads it. REQUIRES: set, and holding
  /// every secret of the run, before the first Launch.
  const Redactor* redactor = nullptr;
};

/// Starts every probe of `run`. Exec probes run on threads appended to `threads`; the caller
/// joins them after transport->Run(). REQUIRES: `run` outlives both.
void LaunchReleaseProbes(const ProbeContext& ctx, ReleaseRun* run,
                         std::vector<std::thread>* threads);

/// A fresh, deliberately invalid key for one run's invalid-token calls: shaped like a key
/// ("sk-rollgate-negative-auth-invalid-" + 32 random hex digits) so a format check lets it
/// through to auth, never a real one. A secret like any other: add it to the Redactor.
std::string NewInvalidKey();

/// One invalid-token call per distinct provider endpoint among the usable releases.
std::vector<NegativeRun> PlanNegativeAuth(const std::vector<ReleaseRun>& runs);
void LaunchNegativeAuth(const ProbeContext& ctx, const ReleaseProfile& profile,
                        const std::string& invalid_key, NegativeRun* run);

/// One invalid-token call through each usable exec/http release's own client.
std::vector<AppNegativeRun> PlanAppNegativeAuth(const std::vector<ReleaseRun>& runs);
/// Runs the release's smoke once more with `invalid_key` as ROLLGATE_SMOKE_API_KEY (exec, on a
/// thread appended to `threads`) or X-Rollgate-Smoke-Api-Key (http, on the transport), with
/// the same timeout and cancellation as its smoke call. REQUIRES: `run` outlives both.
void LaunchAppNegativeAuth(const ProbeContext& ctx, const ReleaseProfile& profile,
                           const std::string& invalid_key, AppNegativeRun* run,
                           std::vector<std::thread>* threads);

/// Every attempt of a probe as evidence records.
std::vector<AttemptRecord> AttemptRecords(AttemptKind kind, const ProbeOutcome& outcome,
                                          const std::string& client_request_id,
                                          const std::string& model = "");

}  // namespace rollgate::internal
