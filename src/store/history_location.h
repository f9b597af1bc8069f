// Where the run history lives: `history.db` (or `rollgate history --db`) is either a file path
// (SQLite, the embedded default) or a `postgresql://` URI. Anything else shaped like a URI
// (`mysql://...`, `file://...`, `postgresql+psycopg://...`) is refused instead of being taken
// as a relative SQLite path: that used to create directories named after the URI, password
// included.
//
// No library here: the loader calls this while reading the config (before anything may load
// libpq), so the URI is checked by hand, and src/store/pg_db.cc checks it again with libpq's
// own parser when it connects.
#pragma once

#include <string>

#include "rollgate/status.h"

namespace rollgate::internal {

struct HistoryLocation {
  enum class Kind { kSqlite, kPostgres };
  Kind kind = Kind::kSqlite;
  std::string db;        // the SQLite file, or the PostgreSQL URI (never with a password in it)
  std::string password;  // PostgreSQL only, from history.password; empty: libpq's own sources
                         // (PGPASSWORD, PGPASSFILE, ~/.pgpass)

  bool postgres() const { return kind == Kind::kPostgres; }
};

/// Classifies `db` (a value of history.db or --db). `what` names it in messages ("history.db",
/// "--db"; empty: no prefix). InvalidArgument for a URI scheme rollgate does not support and for a
/// PostgreSQL URI that carries a password (user:password@ or ?password=); the message never repeats
/// the URI, since it holds the password.
Result<HistoryLocation::Kind> ClassifyHistoryDb(const std::string& db, const std::string& what);

/// The URI's scheme when `db` looks like one ("postgresql" for "postgresql://..."), else "".
std::string HistoryDbScheme(const std::string& db);

}  // namespace rollgate::internal
