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

#include "base/clock.h"
#include "base/environment.h"
#include "base/secret.h"
#include "gate/consistency.h"
#include "mock/observations.h"
#include "rehearse/app_plan.h"
#include "rehearse/instance_probe.h"
#include "rollgate/cancel.h"
#include "rollgate/config.h"
#include "rollgate/rehearse.h"

namespace rollgate::internal {

// AppReport is public (rollgate/rehearse.h).
using ::rollgate::AppReport;

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
  /// Not owned; null: the process's. How each app is started (with its variables added), and
  /// the time of its exec probes' records.
  const Environment* env = nullptr;
  const Clock* clock = nullptr;
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
