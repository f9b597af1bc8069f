// The history in SQLite: how a read opens the file and how an append writes it. The queries are
// src/store/sql_history.cc's; src/store/sqlite_history_file.h owns the file's markers and
// schema.
#include "store/sqlite_history_store.h"

#include "base/file_util.h"
#include "store/serve_lock.h"
#include "store/sqlite_db.h"
#include "store/sqlite_history_file.h"

namespace rollgate::internal {

SqliteHistoryStore::SqliteHistoryStore(std::string path) : path_(std::move(path)) {}

SqliteHistoryStore::~SqliteHistoryStore() { UnlockServeFile(serve_lock_fd_); }

Status SqliteHistoryStore::Write(const Body& body) {
  std::string dir = DirName(path_);
  if (!dir.empty() && dir != ".") ROLLGATE_RETURN_IF_ERROR(MakeDirs(dir));
  ROLLGATE_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteDb> opened,
      SqliteDb::Open(path_, SqliteDb::Mode::kReadWriteCreate, kSqliteBusyTimeoutMs));
  SqliteDb& db = *opened;

  // Look before writing anything: the journal-mode switch below would already modify a file
  // that is some other application's database.
  bool fresh = false;
  ROLLGATE_RETURN_IF_ERROR(IdentifySqliteHistory(db, &fresh));
  ROLLGATE_RETURN_IF_ERROR(EnableSqliteWal(db));
  ROLLGATE_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON"));

  ROLLGATE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  // Again under the write lock: another writer may have created the schema meanwhile.
  Status st = IdentifySqliteHistory(db, &fresh);
  if (st.ok() && fresh) st = CreateSqliteHistorySchema(db);
  if (st.ok()) st = body(db);
  if (st.ok()) st = db.Exec("COMMIT");
  if (!st.ok()) (void)db.Exec("ROLLBACK");  // best effort: closing the connection rolls back too
  return st;
}

Status SqliteHistoryStore::Read(const Body& body) {
  bool empty = false;
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, OpenSqliteHistoryForRead(path_, &empty));
  return empty ? Status::Ok() : body(*db);
}

Status SqliteHistoryStore::Prepare() {
  // Nothing to create before the first append; an existing file must be a rollgate history.
  if (!FileExists(path_)) return Status::Ok();
  bool empty = false;
  Result<std::unique_ptr<SqliteDb>> opened = OpenSqliteHistoryForRead(path_, &empty);
  return opened.ok() ? Status::Ok() : opened.status();
}

Status SqliteHistoryStore::Checkpoint() {
  if (!FileExists(path_)) return Status::Ok();
  ROLLGATE_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteDb> opened,
      SqliteDb::Open(path_, SqliteDb::Mode::kReadWriteCreate, kSqliteBusyTimeoutMs));
  bool fresh = false;
  ROLLGATE_RETURN_IF_ERROR(IdentifySqliteHistory(*opened, &fresh));
  return opened->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

Status SqliteHistoryStore::HoldForServe(const std::string& service) {
  if (serve_lock_fd_ >= 0) return Status::Ok();
  ROLLGATE_ASSIGN_OR_RETURN(int fd, LockServeFile(path_, service));
  serve_lock_fd_ = fd;
  return Status::Ok();
}

Result<std::string> CheckHistoryIntegrity(const std::string& db_path) {
  ROLLGATE_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteDb> opened,
      SqliteDb::Open(db_path, SqliteDb::Mode::kReadOnly, kSqliteBusyTimeoutMs));
  ROLLGATE_ASSIGN_OR_RETURN(const SqlRows rows, opened->Query("PRAGMA integrity_check", {}));
  std::string out;
  for (int i = 0; i < rows.rows(); ++i) {
    if (!out.empty()) out += "\n";
    out += rows.Text(i, 0);
  }
  return out;
}

}  // namespace rollgate::internal
