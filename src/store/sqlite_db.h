// The one adapter over SQLite (Debian's libsqlite3 3.40): a connection as an RAII value that
// runs statements and reports failures as a Status. Nothing of <sqlite3.h> shows through this
// header; only sqlite_db.cc includes it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rollgate/status.h"
#include "store/sql_session.h"

struct sqlite3;

namespace rollgate::internal {

/// One connection. Not thread-safe: use it from one thread at a time.
class SqliteDb final : public SqlSession {
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
  /// Prepares one statement, binds each $N to params[N-1] and steps it to the end: every row,
  /// as text. Internal when a parameter has no value.
  Result<SqlRows> Query(const std::string& sql, const std::vector<SqlValue>& params) override;
  std::string_view ByteOrder() const override { return ""; }  // BINARY, SQLite's default
  const std::string& path() const { return path_; }

  /// True when the last failed Exec or Query failed because the file is not an SQLite database
  /// (SQLITE_NOTADB): some other file at the history path.
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
