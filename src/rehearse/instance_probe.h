// Calls through a local instance of an `http` release (rehearse: {command:}), for the
// observation pass: the smoke route of an instance started with the session's variables, and
// the client-disconnect case (rollgate hangs up mid-stream on the app's route and the mock
// records whether, and how fast, the app closed its own upstream call). Internal to rehearse/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/secret.h"
#include "mock/mock_provider.h"
#include "probe/app_probe.h"
#include "rehearse/app_plan.h"
#include "rollgate/cancel.h"
#include "rollgate/config.h"
#include "rollgate/rehearse.h"

namespace rollgate::internal {

// DisconnectObservation is public (rollgate/rehearse.h).
using ::rollgate::DisconnectObservation;

/// A bounded poll of the mock's record of `session`: true once `pred` holds for it, false when
/// `within_ms` pass first (or `cancel` is cancelled). Polls every 20 ms.
template <typename Pred>
bool PollSession(const mock::MockProvider& mock, const std::string& session, int64_t within_ms,
                 CancelToken* cancel, Pred pred) {
  CancelToken never;
  CancelToken* waiter = cancel ? cancel : &never;
  int64_t until = mock.now_ms() + within_ms;
  while (true) {
    if (pred(mock.observations(mock::ObservationQuery::Session(session)))) return true;
    if (mock.now_ms() >= until || waiter->WaitFor(20)) return false;
  }
}

/// How long after rollgate hangs up the app has to close its upstream call to count as
/// propagating the disconnect.
inline constexpr int64_t kDisconnectWindowMs = 2000;

/// Starts `plan.instance_command` with `vars`, calls its smoke route (rel.http.url moved onto
/// the instance) once with `request`, and stops it. A failure to start is the outcome's failure.
/// With a `redactor` (not owned), what the app wrote or answered is scrubbed before it is
/// quoted: the end of its stderr in a failure to start, and the route's answer. The instance is
/// found and started through `env` (not owned; null: the process's).
AppProbeOutcome ProbeThroughInstance(const ReleaseConfig& rel, const AppPlan& plan,
                                     const std::vector<std::string>& vars,
                                     const AppProbeRequest& request, const std::string& dir,
                                     CancelToken* cancel, const Redactor* redactor = nullptr,
                                     const Environment* env = nullptr);

/// The disconnect case: starts the instance, opens its smoke route for a stream, waits (bounded
/// by the release's timeout) until the app's upstream stream reached the mock's stall in
/// `session`, hangs up, and watches that session for kDisconnectWindowMs. `problem` is set
/// when the case could not be run as intended (scrubbed by `redactor` as above); `env` as above.
DisconnectObservation MeasureDisconnect(const ReleaseConfig& rel, const AppPlan& plan,
                                        const std::vector<std::string>& vars,
                                        const AppProbeRequest& request,
                                        const mock::MockProvider& mock, const std::string& session,
                                        const std::string& dir, CancelToken* cancel,
                                        std::string* problem, const Redactor* redactor = nullptr,
                                        const Environment* env = nullptr);

}  // namespace rollgate::internal
