// The one adapter over SQLite (Debian's libsqlite3 3.40): a connection and prepared statements
// as RAII values that report failures as a Status. Nothing of <sqlite3.h> shows through this
// header; only sqlite_db.cc includes it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "rollgate/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rollgate::internal {

/// A prepared statement. Binds are 1-based, columns 0-based (SQLite's convention). A failed
/// bind is remembered and reported by the next Step(), so call sites can chain binds.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, double value);
  SqliteStatement& Bind(int index, const std::string& value);

  /// Advances: true when a row is ready, false when the statement is done.
  Result<bool> Step();
  /// Steps a statement that returns no rows (INSERT, UPDATE, ...).
  Status Run();
  /// Makes the statement ready to run again with new binds.
  void Reset();

  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3_stmt* stmt, std::string context)
      : stmt_(stmt), context_(std::move(context)) {}

  sqlite3_stmt* stmt_ = nullptr;
  std::string context_;  // "<db path>: <sql>" for messages
  Status bind_status_;
};

/// One connection. Not thread-safe: use it from one thread at a time.
class SqliteDb {
 public:
  enum class Mode {
    kReadOnly,         // the file must exist; nothing is ever written
    kReadWriteCreate,  // created when missing
  };

  /// Opens `path`. kReadOnly fails with NotFound when the file does not exist. Every connection
  /// gets a busy timeout, so a second writer (another rollgate) waits instead of failing.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, Mode mode,
                                                int busy_timeout_ms);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  /// Runs one or more statements that return no rows.
  Status Exec(const std::string& sql);
  Result<SqliteStatement> Prepare(const std::string& sql);
  /// The first column of the first row of `sql` as an integer (PRAGMA user_version, COUNT(*)).
  Result<int64_t> QueryInt(const std::string& sql);
  /// Likewise as text.
  Result<std::string> QueryText(const std::string& sql);
  int64_t LastInsertRowId() const;
  const std::string& path() const { return path_; }

  /// True when the last failed call on this connection (not on its statements) failed because
  /// the file is not an SQLite database (SQLITE_NOTADB): some other file at the history path.
  bool last_error_was_not_a_database() const { return last_not_a_db_; }
  /// True when the last failed call on this connection failed with SQLITE_BUSY even though the
  /// busy timeout applies: SQLite answers BUSY at once, without waiting, where waiting could
  /// deadlock (e.g. switching the journal mode while another connection writes).
  bool last_error_was_busy() const { return last_busy_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Error(int rc, const std::string& what) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  mutable bool last_not_a_db_ = false;
  mutable bool last_busy_ = false;
};

}  // namespace rollgate::internal
