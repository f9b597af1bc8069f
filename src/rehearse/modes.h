// The rehearsal's failure modes: what to inject, where, and which check or gate must catch it.
// Internal to rehearse/.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "gate/consistency.h"
#include "mock/mock_provider.h"
#include "rollgate/config.h"
#include "rollgate/report.h"
#include "rollgate/status.h"

namespace rollgate::internal {

/// What "caught" means for a mode.
struct Expectation {
  enum class Where { kCheck, kGate, kDecisionPass } where = Where::kCheck;
  enum class Want { kFail, kWarn, kFailOrWarn } want = Want::kFail;
  std::string id = "";  // check or gate id
  std::string Describe(const std::string& release) const;
};

/// Everything a mode may change before its run.
struct ModeSetup {
  Config* config = nullptr;
  mock::MockOptions* mock = nullptr;
  std::string target;      // the release the fault is injected on
  std::string target_key;  // its key at the mock
  std::string work_dir;    // a private directory for files the mode writes
  std::string sample_app;  // the sample app binary
  // Set by modes that go through the sample app: the rehearsal writes the app's config (which
  // needs the mock's URL) once the mock is up, with these members replacing its defaults.
  bool uses_app = false;
  std::map<std::string, std::string> app_overrides;
  // The target rehearsed through its own app (its smoke command pointed at the mock): counts of
  // requests are then the app client's, reported as observations and judged by retry_policy.
  bool through_app = false;
  std::string app_model;                         // the model the target's app was observed sending
  const ObservedRetries* app_retries = nullptr;  // what the observation pass saw; null: nothing
  mock::Observations app_seen;                   // after the run: what the target's app did in it
};

/// Writes the sample app's config for `setup.target` into setup.work_dir/app.json, pointing at
/// `base_url`; an IoError naming the file when it cannot be written (the row is then missed, not
/// judged against a config cut short).
Status WriteSampleAppConfig(const ModeSetup& setup, const std::string& base_url);

/// One row of the matrix (RehearsalModes). Every field has a default, so the table names only
/// what a mode sets (designated initialisers; g++ 12 warns about a field left out otherwise).
struct Mode {
  std::string name = "";
  std::string scenario = "";  // the mock scenario on the target's key ("" none)
  bool global = false;        // the scenario applies to every request, not just the target's key
  std::string target = "";    // "new", "rollback", or "stream" (the first release that streams)
  Expectation expect = {};
  /// Extra setup (config and mock changes); may mark the mode not applicable by returning a reason.
  std::function<std::string(ModeSetup*)> setup = nullptr;
  /// Extra proof after the run (retry amplification and friends): "" when it holds, else why not.
  std::function<std::string(const RunReport&, const mock::MockStats&, const ModeSetup&)> verify =
      nullptr;
};

/// Every mode in the order the matrix shows them: the baseline, each mock scenario, then the
/// seed's failure list row by row.
std::vector<Mode> RehearsalModes();

}  // namespace rollgate::internal
