// Run history in SQLite (the only file pair that includes <sqlite3.h>): a row per run and per
// release check, the run's gate.json, and the last known good state of each release.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rollgate/report.h"
#include "rollgate/status.h"

namespace rollgate::internal {

struct HistoryRun {
  int64_t id = 0;
  std::string command;        // gate | check | drill
  std::string service;
  std::string decision;       // pass | block
  int64_t started_unix_ms = 0;
  int64_t finished_unix_ms = 0;
  std::string gate_json;      // the run's gate.json (already redacted)
};

struct LastKnownGood {
  std::string release;
  std::string version;
  int64_t run_id = 0;
  int64_t at_unix_ms = 0;     // when that run finished
  std::string key_fingerprint;
  std::string endpoint;
  std::string model;
};

struct HistoryQuery {
  std::string release;  // only runs that probed this release; empty: all
  int last = 20;        // newest first
};

/// Appends `report` (with its rendered gate.json) to the history database at `db_path`,
/// creating it when needed. One transaction: a crash mid-append leaves the history as it was.
Status AppendToHistory(const std::string& db_path, const RunReport& report, const std::string& gate_json);

/// The newest runs matching `query`.
Result<std::vector<HistoryRun>> ListHistory(const std::string& db_path, const HistoryQuery& query);

/// For each release, its newest passing probe (every check passed or skipped).
Result<std::vector<LastKnownGood>> LastKnownGoodReleases(const std::string& db_path);

}  // namespace rollgate::internal
