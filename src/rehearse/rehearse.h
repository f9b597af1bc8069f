// `rollgate rehearse`: every failure mode an operator fears, injected through the mock, must be
// caught by the gate or check that owns it (docs/rehearse.md). The rehearsal runs the real
// pipeline, once per mode, against an in-process mock provider.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rehearse/app_observe.h"
#include "rollgate/cancel.h"
#include "rollgate/status.h"

namespace rollgate::internal {

struct RehearseOptions {
  std::string config_path;        // empty: the built-in two-release setup
  std::string evidence_dir;       // each mode's evidence under <dir>/<mode>; empty: none written
  std::string sample_app;         // the sample app binary, for the rows that go through an app
  int parallel = 6;               // modes rehearsed at once
  CancelToken* cancel = nullptr;  // not owned; cancelled: modes in flight stop, no new one starts
};

/// How a mode's row ended. The words are the JSON's "result" (docs/rehearse.md); the library
/// compares the enum, and the words live only in ToString/ParseRehearseResult.
enum class RehearseResult {
  kCaught,         // "caught": the check or gate that owns the failure said so
  kMissed,         // "missed": it did not (or the mode could not be run)
  kNotApplicable,  // "not_applicable": the mode does not apply to this setup (the detail says why)
  kInterrupted,    // "interrupted": not rehearsed to the end
};

/// "caught", "missed", "not_applicable", "interrupted"; "" for a value that is none of these.
const char* ToString(RehearseResult result);
/// nullopt when `text` is not one of ToString's words.
std::optional<RehearseResult> ParseRehearseResult(std::string_view text);

struct RehearseRow {
  std::string mode;      // a mock scenario name, or seed:<name> for the seed's failure list
  std::string release;   // where it was injected
  std::string expected;  // "rollback authentication", "gate negative_auth", ...
  RehearseResult result = RehearseResult::kMissed;
  std::string detail;  // what rollgate said (or why the row does not apply); "observed" when judged
                       // from what the app's own client was seen doing
};

struct RehearseReport {
  std::vector<RehearseRow> rows;
  int caught = 0;
  int missed = 0;
  int not_applicable = 0;
  int interrupted_rows = 0;
  bool interrupted = false;  // the rehearsal was cancelled: the rows above are not the whole answer
  std::string signal;        // "SIGINT", ... when a signal cancelled it
  std::vector<AppReport> apps;  // per release: through its app or direct, and what the mock saw
  /// new vs rollback: client identity, request shape, attempts, timeouts (AppDifferences).
  std::vector<std::string> app_differences;
};

Status Rehearse(const RehearseOptions& options, RehearseReport* report);

/// {"modes":[{"mode","release","expected","result","detail"}],"apps":[...],"app_differences":[...],
///  "caught":N,"missed":N,"not_applicable":N} (docs/rehearse.md)
std::string RenderRehearseJson(const RehearseReport& report);
std::string RenderRehearseTable(const RehearseReport& report, bool color);

}  // namespace rollgate::internal
