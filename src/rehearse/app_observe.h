// What the mock saw each app's own client do (issue 13 item 2): the rehearsal runs the release's
// smoke command once per injected fault, each in its own mock session, and reads back the
// client's identity, its request shape, how many requests one call cost per injected status,
// whether it waited as a Retry-After asked, when it hung up on a stalled answer, and whether
// the app reported a broken answer as an error or as content. Internal to rehearse/.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/secret.h"
#include "gate/consistency.h"
#include "mock/observations.h"
#include "rehearse/app_plan.h"
#include "rehearse/instance_probe.h"
#include "rollgate/cancel.h"
#include "rollgate/config.h"

namespace rollgate::internal {

/// One release's entry in `apps: [...]`.
struct AppReport {
  std::string release;
  std::string through = "direct";  // "app" | "direct"
  std::string reason;              // how it was reached, or why not through the app
  bool observed = false;           // the app ran against the mock (through == "app")
  mock::ClientIdentity client;     // as seen on the wire, on the plain call
  mock::RequestShape request;  // the plain call's shape (the stream call's when it only streams)
  std::vector<std::string> not_in_contract;  // fields the app sends that the contract does not list
  std::vector<std::string> not_sent;  // fields rollgate's direct probe sends and the app does not
  /// Requests the client sent for one call, per injected answer: "400", "401", "403", "404",
  /// "422", "429", "500", "503", "timeout".
  std::map<std::string, int64_t> attempts;
  std::optional<bool> retry_after_honoured;  // nullopt: the client never retried a 429
  std::vector<int64_t> retry_delays_ms;      // between the 429 and the next attempt, each
  /// The client's own timeout as measured: a stall before the headers, mid-body, mid-stream.
  /// nullopt when it never hung up within the stall (stall_limit_ms) or the case was not run.
  std::optional<int64_t> timeout_headers_ms, timeout_body_ms, timeout_stream_ms;
  std::map<std::string, int64_t>
      stall_limit_ms;  // "headers" | "body" | "stream" -> how long the mock held it
  /// A broken answer, as the app reported it: "error", "content" or "no answer", per fault
  /// ("stream-cut", "stream-error", "error-in-200").
  std::map<std::string, std::string> reported_as;
  /// A streaming `probe: http` release through a local instance: what its app did with its
  /// upstream call when rollgate, its user, hung up mid-stream. nullopt: not measured.
  std::optional<DisconnectObservation> disconnect;
  std::vector<std::string> notes;  // cases that could not run, and why
};

/// Statuses a client must not retry, as the retry_policy gate reads them from `report`.
ObservedRetries AsObservedRetries(const AppReport& report);

/// One observation run of the app: `case_name` under mock `scenario` (stream or plain).
struct ObserveCase {
  std::string release;
  std::string name;      // "plain", "401", "stall-headers", "stream-cut", ...
  std::string scenario;  // the mock scenario its session is answered with
  bool stream = false;
};

/// The cases to run for `release` (none unless plan.through_app).
std::vector<ObserveCase> ObserveCases(const ReleaseConfig& release, const AppPlan& plan);

struct ObserveContext {
  const Config* config = nullptr;  // the rehearsal's config (releases as prepared)
  std::map<std::string, AppPlan> plans;
  std::map<std::string, std::string> keys;   // release -> its rehearsal key
  std::vector<std::string> contract_fields;  // the contract's request_fields
  std::string work_dir;
  CancelToken* cancel = nullptr;
  /// Not owned; the rehearsal's. What each app wrote (its smoke command's output, a local
  /// instance's stderr, its route's answer) is scrubbed by it before any note quotes it.
  const Redactor* redactor = nullptr;
};

/// Runs every case on one mock (started here), `parallel` at once, and fills one AppReport per
/// release in config order. Fails only when the mock cannot start.
Status ObserveApps(const ObserveContext& ctx, int parallel, std::vector<AppReport>* reports);

/// "rollback's client sent the 401 request 4 times": the differences between two releases'
/// observed clients (identity, request shape, attempts, timeouts), one phrase each; an SDK
/// version change comes first.
std::vector<std::string> AppDifferences(const AppReport& a, const AppReport& b);

}  // namespace rollgate::internal
