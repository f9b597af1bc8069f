// SQLite behind a Status-returning RAII surface. Messages name the database file and what was
// being done ("history.db: prepare INSERT INTO runs ...: database is locked"), since the
// operator's next step depends on which file it is.
#include "store/sqlite_db.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <charconv>
#include <cstring>
#include <utility>

#include "base/file_util.h"

namespace rollgate::internal {

namespace {

// A prepared statement, finalized when it goes out of scope.
struct Statement {
  sqlite3_stmt* stmt = nullptr;
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (stmt) sqlite3_finalize(stmt);
  }
};

// The number N of a "$N" parameter name; 0 for any other name.
std::size_t ParameterNumber(const char* name) {
  if (!name || name[0] != '$') return 0;
  const char* end = name + std::strlen(name);
  std::size_t n = 0;
  auto [rest, ec] = std::from_chars(name + 1, end, n);
  return ec == std::errc() && rest == end ? n : 0;
}

int Bind(sqlite3_stmt* stmt, int index, const SqlValue& v) {
  if (const int64_t* integer = v.integer()) return sqlite3_bind_int64(stmt, index, *integer);
  if (const double* real = v.real()) return sqlite3_bind_double(stmt, index, *real);
  if (const std::string* text = v.text()) {
    // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's string may go away.
    return sqlite3_bind_text64(stmt, index, text->data(), text->size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  }
  return sqlite3_bind_null(stmt, index);
}

SqlRows::Row ReadRow(sqlite3_stmt* stmt) {
  const int columns = sqlite3_column_count(stmt);
  SqlRows::Row row;
  row.reserve(static_cast<std::size_t>(columns));
  for (int c = 0; c < columns; ++c) {
    // The type first: after sqlite3_column_text converts a value, its type is undefined.
    if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
      row.emplace_back();
      continue;
    }
    const unsigned char* text = sqlite3_column_text(stmt, c);
    row.emplace_back(text ? std::string(reinterpret_cast<const char*>(text),
                                        static_cast<std::size_t>(sqlite3_column_bytes(stmt, c)))
                          : std::string());
  }
  return row;
}

}  // namespace

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, Mode mode,
                                                 int busy_timeout_ms) {
  if (mode == Mode::kReadOnly && !FileExists(path)) {
    return Status::NotFound(path + ": no such file");
  }
  // A writer never opens the file through a symbolic link: one planted at the history's path
  // (in a shared directory) would have rollgate create or write a file wherever it points.
  // The check names the link; SQLITE_OPEN_NOFOLLOW closes the gap between the check and the open.
  // SQLite's -wal, -shm and -journal files beside it are refused as links too (by SQLite,
  // under that flag); the check names them.
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string file = path + suffix;
    struct stat st;
    if (mode == Mode::kReadWriteCreate && ::lstat(file.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      return Status::InvalidArgument(
          file +
          " is a symbolic link; rollgate does not write its history through one (someone "
          "may have planted it): " +
          (*suffix ? "remove it" : "point history.db or --db at the file itself"));
    }
  }
  int flags = mode == Mode::kReadOnly
                  ? SQLITE_OPEN_READONLY
                  : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW);
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
  return Status::IoError(path_ + ": " + AbbreviateSql(sql) + ": " + msg);
}

Result<SqlRows> SqliteDb::Query(const std::string& sql, const std::vector<SqlValue>& params) {
  const std::string what = AbbreviateSql(sql);
  Statement st;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st.stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "prepare " + what);
  // SQLite reads "$7" as a named parameter and numbers the names in order of appearance, so
  // each is bound by its name, not its position.
  const int count = sqlite3_bind_parameter_count(st.stmt);
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(st.stmt, i);
    const std::size_t n = ParameterNumber(name);
    if (n == 0 || n > params.size()) {
      return Status::Internal(path_ + ": " + what + ": parameter " + (name ? name : "?") +
                              " has no value (" + std::to_string(params.size()) + " given)");
    }
    rc = Bind(st.stmt, i, params[n - 1]);
    if (rc != SQLITE_OK) return Error(rc, what + ": bind " + (name ? name : "?"));
  }
  SqlRows rows;
  while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW) rows.Add(ReadRow(st.stmt));
  if (rc != SQLITE_DONE) return Error(rc, what);
  return rows;
}

}  // namespace rollgate::internal
