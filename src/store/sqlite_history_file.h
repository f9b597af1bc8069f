// The history's SQLite file: opening it, telling a rollgate history from anything else, and
// creating its schema. The rows themselves are src/store/sqlite_history_store.cc's.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "rollgate/status.h"
#include "store/sqlite_db.h"

namespace rollgate::internal {

/// Every connection waits this long for another writer instead of failing.
inline constexpr int kSqliteBusyTimeoutMs = 10000;

/// Reads the markers of an existing file: InvalidArgument when it is something else, OK with
/// *fresh set when it is an empty database rollgate may initialise.
Status IdentifySqliteHistory(SqliteDb& db, bool* fresh);

/// Opens an existing history for reading; *empty is set for an SQLite file with nothing in it
/// yet (an empty history). NotFound when there is no file.
Result<std::unique_ptr<SqliteDb>> OpenSqliteHistoryForRead(const std::string& path, bool* empty);

/// Switches to WAL, waiting (as long as the busy timeout) while another writer holds the file.
Status EnableSqliteWal(SqliteDb& db);

/// Creates schema version kHistorySchemaVersion and marks the file as rollgate's.
Status CreateSqliteHistorySchema(SqliteDb& db);

}  // namespace rollgate::internal
