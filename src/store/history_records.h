// The rows the history lists: one run, its releases, and the last known good release of each
// service. Plain values with no behaviour, in a header of their own so that the writers of the
// history's JSON (evidence/history_json.h) see these and not the store's interface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rollgate/report.h"

namespace rollgate::internal {

/// One release of one run, as the history lists it.
struct HistoryRelease {
  std::string name;
  std::string version;
  std::string endpoint;
  std::string model;
  std::string key_fingerprint;
  bool passed = false;                     // every check passed or was skipped
  std::vector<std::string> failed_checks;  // ids of the checks that failed
  std::vector<CheckResult> checks;         // every check; only from LatestRun()
};

struct HistoryRun {
  int64_t id = 0;
  std::string command;  // gate | check | drill, as stored (only shown, never compared)
  std::string trigger;  // cli | schedule | webhook:flagger | webhook:argo | api
  std::string service;
  Decision decision = Decision::kBlock;  // a row that is not "pass" reads as kBlock
  int64_t started_unix_ms = 0;
  int64_t finished_unix_ms = 0;
  int64_t tokens_used = 0;  // usage tokens the provider reported for the whole run
  std::vector<HistoryRelease> releases;
  std::string gate_json;  // the run's gate.json (already redacted); only with include_gate_json
  std::vector<CheckResult> gates;  // only from LatestRun()
};

struct LastKnownGood {
  std::string service;
  std::string release;
  std::string version;
  int64_t run_id = 0;
  int64_t at_unix_ms = 0;  // when that run finished
  std::string key_fingerprint;
  std::string endpoint;
  std::string model;
};

}  // namespace rollgate::internal
