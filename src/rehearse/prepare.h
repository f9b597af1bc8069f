// What the rehearsal makes of the user's (or the built-in) setup once, before any mode: each
// release's rehearsal key, whether it is rehearsed through its app or as a direct probe, the
// values that resolve here, and every secret it met. Internal to rehearse/.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/secret.h"
#include "gate/consistency.h"
#include "rehearse/app_observe.h"
#include "rehearse/app_plan.h"
#include "rollgate/config.h"

namespace rollgate::internal {

struct PreparedRehearsal {
  Config config;  // every release pointed at "the mock" (base URL filled in per mode)
  bool any_stream = false;
  std::string first_stream;
  std::vector<std::string> notes;           // what the rehearsal changed in the user's setup
  std::map<std::string, AppPlan> plans;     // release -> through its app, or direct and why
  std::map<std::string, std::string> keys;  // release -> its key at the mock
  bool any_app = false;
  std::vector<std::string> contract_fields;
  std::vector<AppReport> apps;                      // the observation pass
  std::map<std::string, ObservedRetries> observed;  // release -> its client's observed retries
  /// Every secret the rehearsal resolved (each release's own key and secret headers, and the
  /// rehearsal keys), and the Redactor that knows them: an app, a local instance or its route
  /// may write any of them out, and nothing it writes is shown unscrubbed.
  std::vector<std::string> secrets;
  Redactor redactor;
};

/// Resolves what can be resolved (model, version) once, and decides per release whether it is
/// rehearsed through its app (exec, its variables pointed at the mock) or as a direct probe, so
/// each mode only swaps the base URL and injects its fault. Releases that read the same key get
/// the same rehearsal key (else config_consistency would block the control row on it). Values
/// are read from `env`.
PreparedRehearsal PrepareRehearsal(const Config& loaded, const Environment& env);

/// A mock session name for one release: "a-" for its app's calls, "d-" for rollgate's own.
std::string SessionFor(const std::string& prefix, const std::string& release);

/// A value source holding `value` itself.
ValueSource LiteralValue(const std::string& value);

}  // namespace rollgate::internal
