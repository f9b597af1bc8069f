// SQLite behind a Status-returning RAII surface. Messages name the database file and what was
// being done ("history.db: prepare INSERT INTO runs ...: database is locked"), since the
// operator's next step depends on which file it is.
#include "store/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

#include "base/file_util.h"

namespace rollgate::internal {

namespace {

// The start of a statement, enough to recognise it in a message.
std::string Abbreviate(const std::string& sql) {
  std::string one_line;
  for (char c : sql) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && !one_line.empty() && one_line.back() == ' ') continue;
    one_line += c;
  }
  return one_line.size() > 60 ? one_line.substr(0, 57) + "..." : one_line;
}

}  // namespace

SqliteStatement::~SqliteStatement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      context_(std::move(other.context_)),
      bind_status_(std::move(other.bind_status_)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    context_ = std::move(other.context_);
    bind_status_ = std::move(other.bind_status_);
  }
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ =
        Status::Internal(context_ + ": bind " + std::to_string(index) + ": " + sqlite3_errstr(rc));
  }
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ =
        Status::Internal(context_ + ": bind " + std::to_string(index) + ": " + sqlite3_errstr(rc));
  }
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, const std::string& value) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's string may go away.
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ =
        Status::Internal(context_ + ": bind " + std::to_string(index) + ": " + sqlite3_errstr(rc));
  }
  return *this;
}

Result<bool> SqliteStatement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Status::IoError(context_ + ": " + sqlite3_errmsg(sqlite3_db_handle(stmt_)));
}

Status SqliteStatement::Run() {
  ROLLGATE_RETURN_IF_ERROR(Step().status());
  return Status::Ok();
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_status_ = Status::Ok();
}

int64_t SqliteStatement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

double SqliteStatement::ColumnDouble(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string SqliteStatement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (!text) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, Mode mode,
                                                 int busy_timeout_ms) {
  if (mode == Mode::kReadOnly && !FileExists(path)) {
    return Status::NotFound(path + ": no such file");
  }
  int flags =
      mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (db) sqlite3_close(db);
    return Status::IoError(path + ": cannot open: " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::unique_ptr<SqliteDb>(new SqliteDb(db, path));
}

SqliteDb::~SqliteDb() {
  // sqlite3_close_v2 defers the close until every statement is finalized, so a statement
  // outliving its connection by mistake cannot crash.
  if (db_) sqlite3_close_v2(db_);
}

Status SqliteDb::Error(int rc, const std::string& what) const {
  last_not_a_db_ = (rc & 0xff) == SQLITE_NOTADB;
  last_busy_ = (rc & 0xff) == SQLITE_BUSY;
  return Status::IoError(path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

Status SqliteDb::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  last_not_a_db_ = (rc & 0xff) == SQLITE_NOTADB;
  last_busy_ = (rc & 0xff) == SQLITE_BUSY;
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return Status::IoError(path_ + ": " + Abbreviate(sql) + ": " + msg);
}

Result<SqliteStatement> SqliteDb::Prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (stmt) sqlite3_finalize(stmt);
    return Error(rc, "prepare " + Abbreviate(sql));
  }
  return SqliteStatement(stmt, path_ + ": " + Abbreviate(sql));
}

Result<int64_t> SqliteDb::QueryInt(const std::string& sql) {
  ROLLGATE_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(sql));
  int rc = sqlite3_step(stmt.stmt_);
  if (rc == SQLITE_ROW) return stmt.ColumnInt(0);
  if (rc == SQLITE_DONE) return Status::Internal(path_ + ": " + Abbreviate(sql) + ": no row");
  return Error(rc, Abbreviate(sql));
}

Result<std::string> SqliteDb::QueryText(const std::string& sql) {
  ROLLGATE_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(sql));
  int rc = sqlite3_step(stmt.stmt_);
  if (rc == SQLITE_ROW) return stmt.ColumnText(0);
  if (rc == SQLITE_DONE) return Status::Internal(path_ + ": " + Abbreviate(sql) + ": no row");
  return Error(rc, Abbreviate(sql));
}

int64_t SqliteDb::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

}  // namespace rollgate::internal
