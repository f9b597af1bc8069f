// The run history: a row per run (with the run's redacted gate.json), per gate, per release and
// per release check, and the last known good state of each release. Two stores behind one
// interface: SQLite (a file, the embedded default; src/store/sqlite_history_store.h) and
// PostgreSQL (shared by many runners and `rollgate serve` replicas;
// src/store/pg_history_store.h). docs/serve.md describes the schema.
//
// A shared store (PostgreSQL) also coordinates serve replicas: scheduled slots are claimed in
// it, so each runs once, and the daily caps are counted in it, per service.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rollgate/report.h"
#include "rollgate/status.h"
#include "store/history_location.h"
#include "store/history_records.h"

namespace rollgate::internal {

/// The SQLite schema version this build writes and reads (PRAGMA user_version).
inline constexpr int kHistorySchemaVersion = 1;

struct HistoryQuery {
  std::string release;             // only runs that probed this release; empty: all
  int last = 20;                   // newest first
  bool include_gate_json = false;  // gate.json can be large; list views leave it out
};

struct AppendOptions {
  std::string trigger = "cli";  // who started the run, for the listing and the serve caps
};

/// Runs and usage tokens of one service's runs whose trigger starts with a prefix.
struct HistoryUsage {
  int runs = 0;
  int64_t tokens = 0;
  int64_t last_run_tokens = 0;  // of the newest such run; 0 when there is none
};

/// One service's serve usage on one UTC day, as the daily caps count it across replicas.
struct ServeUsage {
  int runs = 0;                 // runs started (a replica killed mid-run still counts its run)
  int64_t tokens = 0;           // usage tokens of the runs that finished
  int64_t last_run_tokens = 0;  // what the newest finished run cost (carried across days)
};

/// The answer to a claim of one scheduled slot.
struct SlotClaim {
  enum class State {
    kClaimed,  // this replica runs the slot now
    kDone,     // another replica ran it (or decided it: a cap refused it)
    kHeld,     // another replica is running it; its claim lapses at lease_until_ms
  };
  State state = State::kClaimed;
  std::string holder;          // who holds or finished it
  int64_t lease_until_ms = 0;  // kHeld
  int attempts = 1;            // kClaimed: 2 or more when this takes over a lapsed claim
};

class HistoryStore {
 public:
  virtual ~HistoryStore() = default;

  /// The file path or the URI, for messages (never a password).
  virtual const std::string& name() const = 0;
  /// True when other processes on other machines share this store (PostgreSQL): serve
  /// replicas then claim slots and count caps in it.
  virtual bool shared() const = 0;

  /// Appends `report` (with its rendered, redacted gate.json) in one transaction, creating the
  /// store's schema when needed, and returns the run's id. A crash mid-append leaves the
  /// history as it was. IoError for what may pass (a lost connection, a locked file);
  /// InvalidArgument when the target is not a rollgate history or is newer than this build.
  virtual Result<int64_t> Append(const RunReport& report, const std::string& gate_json,
                                 const AppendOptions& options) = 0;

  /// The newest runs matching `query`. NotFound when there is no history yet (no file, no
  /// schema); InvalidArgument when the target is not a rollgate history.
  virtual Result<std::vector<HistoryRun>> List(const HistoryQuery& query) = 0;
  /// One run with its gate.json; NotFound when there is no run `id`.
  virtual Result<HistoryRun> Get(int64_t id) = 0;
  /// For each service and release, its newest passing probe, ordered by service and release.
  virtual Result<std::vector<LastKnownGood>> LastKnownGoodReleases() = 0;
  /// The newest gate or drill run of every service (`rollgate history --fleet`), by service.
  virtual Result<std::vector<HistoryRun>> LatestPerService() = 0;
  /// Runs and tokens of `service`'s runs whose trigger starts with `trigger_prefix` (empty:
  /// all) and that started in [from_unix_ms, to_unix_ms).
  virtual Result<HistoryUsage> UsageBetween(const std::string& service, int64_t from_unix_ms,
                                            int64_t to_unix_ms,
                                            const std::string& trigger_prefix) = 0;
  /// The newest run of `service` whose trigger starts with `trigger_prefix`, with its gates and
  /// every release check (details included); nullopt when there is none, or no history yet.
  virtual Result<std::optional<HistoryRun>> LatestRun(const std::string& service,
                                                      const std::string& trigger_prefix) = 0;

  /// Creates or migrates the schema now (serve does at start). Idempotent.
  virtual Status Prepare() = 0;
  /// Folds any write-ahead log into the main file (SQLite); nothing for PostgreSQL.
  virtual Status Checkpoint() = 0;
  /// Makes this process the only `rollgate serve` of `service` on this store until the store
  /// is destroyed (SQLite: a lock file next to the database; shared stores allow replicas).
  /// InvalidArgument naming the holder when another process has it.
  virtual Status HoldForServe(const std::string& service) = 0;

  // --- coordination of serve replicas; shared() stores only -----------------------------------

  /// Claims the scheduled slot starting at `slot_start_ms` for `holder` until `lease_until_ms`
  /// (a claim whose holder died lapses then, and the next claimer takes it over).
  virtual Result<SlotClaim> ClaimSlot(const std::string& service, int64_t slot_start_ms,
                                      const std::string& holder, int64_t now_ms,
                                      int64_t lease_until_ms);
  /// Marks the slot done: `run_id` is the run recorded for it (0: none, e.g. a cap refused it).
  /// An empty `outcome` gives the slot up instead (no verdict: serve stopping, rollgate
  /// failing): its claim lapses now and another replica may run it.
  virtual Status FinishSlot(const std::string& service, int64_t slot_start_ms,
                            const std::string& holder, int64_t now_ms, int64_t run_id,
                            const std::string& outcome);
  /// Reads `service`'s usage of UTC day `day` under a row lock, lets `update` change it, and
  /// writes it back when `update` returns true, all in one transaction: replicas counting at
  /// once are serialised. Returns the usage as stored afterwards.
  virtual Result<ServeUsage> UpdateServeUsage(const std::string& service, int64_t day,
                                              const std::function<bool(ServeUsage*)>& update);
};

/// "<host>:<pid>": who this process is in slot claims and migrations.
std::string HistoryHolderId();

/// Opens the store at `location` (nothing is read or written yet; PostgreSQL connects on
/// first use). InvalidArgument when libpq cannot be loaded for a PostgreSQL location.
Result<std::unique_ptr<HistoryStore>> OpenHistoryStore(const HistoryLocation& location);

/// The location of a bare history.db / --db value (a PostgreSQL password then comes from
/// libpq's PGPASSWORD or PGPASSFILE).
Result<HistoryLocation> LocateHistory(const std::string& db, const std::string& what = "--db");

// --- one-shot helpers over a bare location string (tests, the drill, the history writer) -----

Status AppendToHistory(const std::string& db, const RunReport& report,
                       const std::string& gate_json);
Status AppendToHistory(const std::string& db, const RunReport& report, const std::string& gate_json,
                       const AppendOptions& options);
Result<std::vector<HistoryRun>> ListHistory(const std::string& db, const HistoryQuery& query);
Result<HistoryRun> GetHistoryRun(const std::string& db, int64_t id);
Result<std::vector<LastKnownGood>> LastKnownGoodReleases(const std::string& db);
Result<HistoryUsage> HistoryUsageBetween(const std::string& db, const std::string& service,
                                         int64_t from_unix_ms, int64_t to_unix_ms,
                                         const std::string& trigger_prefix);
Status CheckpointHistory(const std::string& db);

/// SQLite only: PRAGMA integrity_check, "ok" or SQLite's list of problems.
Result<std::string> CheckHistoryIntegrity(const std::string& db_path);

}  // namespace rollgate::internal
