// The PostgreSQL history's schema: versioned migrations that rollgate applies itself, in the
// schema `rollgate` of the database the URI names. Applying them is idempotent and safe when
// several processes start at once (two CI jobs, two serve replicas): each migration runs in
// one transaction that first takes a transaction-scoped advisory lock, so the second process
// waits, then finds the work done.
//
//   1  runs, gates, releases, checks: the same records as the SQLite history
//   2  serve_slots (one row per service and scheduled slot: who claimed it, until when, which
//      run completed it) and serve_usage (one row per service and UTC day: the daily caps)
//
// rollgate.schema_migrations lists the versions applied, when and by whom.
#pragma once

#include <string>

#include "rollgate/status.h"
#include "store/pg_db.h"

namespace rollgate::internal {

/// The schema version this build writes and reads.
inline constexpr int kPgSchemaVersion = 2;

/// The version the database holds: 0 when rollgate has never written to it. InvalidArgument
/// when it is newer than this build.
Result<int> PgSchemaVersion(PgDb& db);

/// Brings the schema to kPgSchemaVersion (nothing to do when it is there). `applied_by` is
/// recorded with each migration (host and pid).
Status MigratePgSchema(PgDb& db, const std::string& applied_by);

}  // namespace rollgate::internal
