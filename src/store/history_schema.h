// The tables of the history's run records (runs, gates, releases, checks), written once for
// both engines. SQLite reads the PostgreSQL types by their affinity (BIGINT is an INTEGER column,
// DOUBLE PRECISION a REAL one), so only three things differ: PostgreSQL keeps the tables in the
// schema `rollgate`, the two engines spell an auto-numbered key differently, and SQLite stores
// the tables keyed by their primary key (WITHOUT ROWID), as PostgreSQL's indexes would.
#pragma once

#include <string>

namespace rollgate::internal {

enum class SqlDialect { kSqlite, kPostgres };

/// The CREATE TABLE and CREATE INDEX statements of the run records in `dialect`.
std::string HistoryTablesSql(SqlDialect dialect);

}  // namespace rollgate::internal
