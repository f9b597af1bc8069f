// What the history's queries (src/store/sql_history.h) need of a database connection, whatever
// the engine: run one statement with parameters and read its rows as text. SqliteDb and PgDb
// implement it, so every query of the history is written once, in the SQL both engines speak.
//
// Parameters are written $1, $2, ... in both engines (PostgreSQL's own notation; SQLite reads
// "$1" as a named parameter, and SqliteDb binds it by that name), so one number may stand in
// several places of a statement and in any order.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "rollgate/status.h"

namespace rollgate::internal {

/// One bound parameter: NULL, an integer, a real or text.
class SqlValue {
 public:
  SqlValue() = default;                                 // NULL
  SqlValue(int64_t v) : value_(v) {}                    // NOLINT(google-explicit-constructor)
  SqlValue(int v) : value_(static_cast<int64_t>(v)) {}  // NOLINT(google-explicit-constructor)
  SqlValue(double v) : value_(v) {}                     // NOLINT(google-explicit-constructor)
  SqlValue(std::string v) : value_(std::move(v)) {}     // NOLINT(google-explicit-constructor)
  SqlValue(const char* v) : value_(std::string(v)) {}   // NOLINT(google-explicit-constructor)

  bool is_null() const { return std::holds_alternative<std::monostate>(value_); }
  const int64_t* integer() const { return std::get_if<int64_t>(&value_); }
  const double* real() const { return std::get_if<double>(&value_); }
  const std::string* text() const { return std::get_if<std::string>(&value_); }

 private:
  std::variant<std::monostate, int64_t, double, std::string> value_;
};

/// The rows of one query, every cell as text (an integer as its decimals); a NULL is nullopt.
class SqlRows {
 public:
  using Row = std::vector<std::optional<std::string>>;

  int rows() const { return static_cast<int>(cells_.size()); }
  bool IsNull(int row, int column) const { return !cells_[row][column].has_value(); }
  std::string Text(int row, int column) const { return cells_[row][column].value_or(""); }
  /// The cell's leading decimal integer; 0 for NULL or text that does not start with one.
  int64_t Int(int row, int column) const {
    const std::optional<std::string>& cell = cells_[row][column];
    int64_t value = 0;
    if (cell) std::from_chars(cell->data(), cell->data() + cell->size(), value);
    return value;
  }

  void Add(Row row) { cells_.push_back(std::move(row)); }

 private:
  std::vector<Row> cells_;
};

/// One connection of an SQL engine. Not thread-safe: use it from one thread at a time.
class SqlSession {
 public:
  /// Runs one statement with $1, $2, ... bound to `params`: its rows for a SELECT or a
  /// RETURNING clause, none otherwise. Messages name the database and the statement.
  virtual Result<SqlRows> Query(const std::string& sql, const std::vector<SqlValue>& params) = 0;
  /// What follows a text expression in ORDER BY to order it byte by byte whatever the
  /// database's locale: "" for SQLite (BINARY is its default), ` COLLATE "C"` for PostgreSQL.
  virtual std::string_view ByteOrder() const = 0;

 protected:
  ~SqlSession() = default;
};

/// The start of a statement on one line, enough to recognise it in a message.
std::string AbbreviateSql(const std::string& sql);

}  // namespace rollgate::internal
