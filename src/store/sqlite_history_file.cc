// The history in SQLite. Schema version 1 (PRAGMA user_version = 1), marked as rollgate's by
// PRAGMA application_id so a history path pointing at some other SQLite file is refused
// before anything is written to it:
//
//   runs      one row per run: command, started_by, service, decision, times, usage tokens,
//             how many gate and release rows belong to it, and the redacted gate.json
//   gates     (run_id, position): gate id, status, detail
//   releases  (run_id, name): position in the report, version, probe, endpoint, model, key
//             fingerprint, status, latency, passed (every check passed or skipped), how many
//             check rows belong to it
//   checks    (run_id, release, position): check id, status, detail
//
// The tables are src/store/history_schema.cc's, the same as the PostgreSQL history's.
//
// The counts on runs and releases let anyone verify a run is complete; the kill -9 test does.
//
// Why these settings: WAL lets `rollgate history` read while `rollgate serve` writes, and a
// killed writer leaves at most an uncommitted tail in the -wal file, which the next opener
// discards. synchronous=FULL makes a committed run survive a power cut too (one fsync per run
// is nothing at this write rate). BEGIN IMMEDIATE takes the write lock up front, so two writers
// queue on the busy timeout instead of one failing with SQLITE_BUSY halfway through.
#include "store/sqlite_history_file.h"

#include <chrono>
#include <thread>

#include "store/history_schema.h"
#include "store/history_store.h"

namespace rollgate::internal {

namespace {

constexpr int64_t kApplicationId = 0x52676874;  // "Rght": marks a rollgate history

std::string NotAHistory(const std::string& path, const std::string& why) {
  return path + " is not a rollgate history (" + why +
         "); point --db or history.db at the file rollgate gate/serve append to";
}

}  // namespace

// Reads the markers of an existing file: InvalidArgument when it is something else, OK with
// *fresh set when it is an empty database rollgate may initialise.
//
// The three markers are read by one statement, so from one snapshot. Read one by one outside a
// transaction, a first writer committing the schema in between would make a brand-new history
// look like another application's database (application_id still 0, tables already there).
Status IdentifySqliteHistory(SqliteDb& db, bool* fresh) {
  Result<SqlRows> markers = db.Query(
      "SELECT (SELECT application_id FROM pragma_application_id()), "
      "(SELECT user_version FROM pragma_user_version()), (SELECT COUNT(*) FROM sqlite_master)",
      {});
  if (!markers.ok()) {
    if (db.last_error_was_not_a_database()) {
      return Status::InvalidArgument(NotAHistory(db.path(), "not an SQLite database"));
    }
    return markers.status();
  }
  if (markers->rows() != 1) {
    return Status::Internal(db.path() + ": reading the history's markers gave no row");
  }
  const int64_t app_id = markers->Int(0, 0);
  const int64_t version = markers->Int(0, 1);
  const int64_t tables = markers->Int(0, 2);
  *fresh = app_id == 0 && version == 0 && tables == 0;
  if (*fresh) return Status::Ok();
  if (app_id != kApplicationId) {
    return Status::InvalidArgument(
        NotAHistory(db.path(), "an SQLite database of another application"));
  }
  if (version > kHistorySchemaVersion) {
    return Status::InvalidArgument(db.path() + ": written by a newer rollgate (history schema " +
                                   std::to_string(version) + "; this build knows " +
                                   std::to_string(kHistorySchemaVersion) + "); upgrade rollgate");
  }
  if (version < 1) {
    return Status::InvalidArgument(NotAHistory(db.path(), "no schema version"));
  }
  return Status::Ok();
}

// Opens an existing history for reading. *empty is set for an SQLite file with nothing in it
// yet: what a writer killed during its very first append leaves behind (the file is created
// and switched to WAL before the schema's transaction commits). That is an empty history, not
// a foreign file, so readers answer "no runs" and `rollgate serve` can still start.
Result<std::unique_ptr<SqliteDb>> OpenSqliteHistoryForRead(const std::string& path, bool* empty) {
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db,
                            SqliteDb::Open(path, SqliteDb::Mode::kReadOnly, kSqliteBusyTimeoutMs));
  ROLLGATE_RETURN_IF_ERROR(IdentifySqliteHistory(*db, empty));
  return db;
}

// Switching a file to WAL takes an exclusive lock. While another writer holds the file (two
// writers creating a new history at once), SQLite answers "database is locked" at once instead
// of waiting on the busy timeout, so wait here, as long as the busy timeout would. Once the file
// is in WAL mode the switch is a no-op that needs no lock.
Status EnableSqliteWal(SqliteDb& db) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kSqliteBusyTimeoutMs);
  while (true) {
    Status st = db.Exec("PRAGMA journal_mode = WAL");
    if (st.ok() || !db.last_error_was_busy() || std::chrono::steady_clock::now() >= deadline) {
      return st;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Status CreateSqliteHistorySchema(SqliteDb& db) {
  ROLLGATE_RETURN_IF_ERROR(db.Exec(HistoryTablesSql(SqlDialect::kSqlite)));
  ROLLGATE_RETURN_IF_ERROR(db.Exec("PRAGMA application_id = " + std::to_string(kApplicationId)));
  return db.Exec("PRAGMA user_version = " + std::to_string(kHistorySchemaVersion));
}

}  // namespace rollgate::internal
