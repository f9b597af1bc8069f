// Run history in SQLite: a row per run (with the run's redacted gate.json), per gate, per
// release and per release check, and the last known good state of each release. docs/serve.md
// describes the schema; src/store/sqlite_db.cc is the only file that includes <sqlite3.h>.
//
// Durability: WAL journal, synchronous=FULL, one IMMEDIATE transaction per append. A process
// killed at any instant (kill -9) leaves either the whole run or none of it, and the database
// passes PRAGMA integrity_check. Concurrent writers (CI jobs, `rollgate serve`) wait on the busy
// timeout rather than fail.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rollgate/report.h"
#include "rollgate/status.h"

namespace rollgate::internal {

/// The schema version this build writes and reads (PRAGMA user_version).
inline constexpr int kHistorySchemaVersion = 1;

/// One release of one run, as the history lists it.
struct HistoryRelease {
  std::string name;
  std::string version;
  std::string endpoint;
  std::string model;
  std::string key_fingerprint;
  bool passed = false;                     // every check passed or was skipped
  std::vector<std::string> failed_checks;  // ids of the checks that failed
};

struct HistoryRun {
  int64_t id = 0;
  std::string command;   // gate | check | drill
  std::string trigger;   // cli | schedule | webhook:flagger | webhook:argo | api
  std::string service;
  std::string decision;  // pass | block
  int64_t started_unix_ms = 0;
  int64_t finished_unix_ms = 0;
  int64_t tokens_used = 0;  // usage tokens the provider reported for the whole run
  std::vector<HistoryRelease> releases;
  std::string gate_json;  // the run's gate.json (already redacted); only with include_gate_json
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

struct HistoryQuery {
  std::string release;             // only runs that probed this release; empty: all
  int last = 20;                   // newest first
  bool include_gate_json = false;  // gate.json can be large; list views leave it out
};

struct AppendOptions {
  std::string trigger = "cli";  // who started the run, for the listing and the serve caps
};

/// Appends `report` (with its rendered, redacted gate.json) to the history database at
/// `db_path`, creating the file and its schema when needed. One transaction: a crash
/// mid-append leaves the history as it was. Fails (IoError, naming the file) when the file is
/// not a rollgate history, was written by a newer rollgate, or cannot be written.
Status AppendToHistory(const std::string& db_path, const RunReport& report,
                       const std::string& gate_json);
Status AppendToHistory(const std::string& db_path, const RunReport& report,
                       const std::string& gate_json, const AppendOptions& options);

/// The newest runs matching `query`. Opens the database read-only: NotFound when the file does
/// not exist, InvalidArgument when it is not a rollgate history (another SQLite database, not a
/// database at all, or a newer schema). An SQLite file with no tables yet (left by a writer
/// killed during its first append) is an empty history: no runs, no error.
Result<std::vector<HistoryRun>> ListHistory(const std::string& db_path, const HistoryQuery& query);

/// One run with its gate.json; NotFound when there is no run `id`.
Result<HistoryRun> GetHistoryRun(const std::string& db_path, int64_t id);

/// For each service and release, its newest passing probe (every check passed or skipped),
/// ordered by service and release.
Result<std::vector<LastKnownGood>> LastKnownGoodReleases(const std::string& db_path);

/// Runs and usage tokens of runs whose trigger starts with `trigger_prefix` (empty: all) and
/// that started in [from_unix_ms, to_unix_ms). `rollgate serve` seeds its daily caps from this,
/// so a restart cannot reset them.
struct HistoryUsage {
  int runs = 0;
  int64_t tokens = 0;
  int64_t last_run_tokens = 0;  // of the newest such run; 0 when there is none
};
Result<HistoryUsage> HistoryUsageBetween(const std::string& db_path, int64_t from_unix_ms,
                                         int64_t to_unix_ms, const std::string& trigger_prefix);

/// Copies the write-ahead log into the main file and truncates it (on shutdown, so the
/// database is one self-contained file). A missing database is not an error.
Status CheckpointHistory(const std::string& db_path);

/// PRAGMA integrity_check: "ok", or SQLite's list of problems.
Result<std::string> CheckHistoryIntegrity(const std::string& db_path);

}  // namespace rollgate::internal
