#include "store/pg_schema.h"

#include <array>
#include <chrono>
#include <type_traits>

#include "store/history_schema.h"

namespace rollgate::internal {

namespace {

// The advisory lock every migration takes: "Rght", the SQLite history's application id.
constexpr char kMigrationLock[] = "SELECT pg_advisory_xact_lock(1382508660)";

struct Migration {
  int version;
  const char* what;
  std::string sql;
};

const std::array<Migration, kPgSchemaVersion>& Migrations() {
  static const auto migrations = std::to_array<Migration>({
      {1, "runs, gates, releases, checks", HistoryTablesSql(SqlDialect::kPostgres)},
      {2, "serve replicas: scheduled slots and daily caps", R"sql(
CREATE TABLE rollgate.serve_slots (
  service TEXT NOT NULL,
  slot_start_ms BIGINT NOT NULL,
  holder TEXT NOT NULL,
  claimed_unix_ms BIGINT NOT NULL,
  lease_until_ms BIGINT NOT NULL,
  attempts INTEGER NOT NULL,
  finished_unix_ms BIGINT,
  run_id BIGINT,
  outcome TEXT,
  PRIMARY KEY (service, slot_start_ms)
);
CREATE TABLE rollgate.serve_usage (
  service TEXT NOT NULL,
  day BIGINT NOT NULL,
  runs INTEGER NOT NULL,
  tokens BIGINT NOT NULL,
  last_run_tokens BIGINT NOT NULL,
  PRIMARY KEY (service, day)
);
)sql"},
  });
  // One migration per schema version: a version added without its migration does not build.
  static_assert(std::tuple_size_v<std::remove_cvref_t<decltype(migrations)>> == kPgSchemaVersion);
  return migrations;
}

Status TooNew(const PgDb& db, int version) {
  return Status::InvalidArgument(db.uri() + ": written by a newer rollgate (history schema " +
                                 std::to_string(version) + "; this build knows " +
                                 std::to_string(kPgSchemaVersion) + "); upgrade rollgate");
}

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Everything after BEGIN; the caller commits or rolls back.
Status MigrateLocked(PgDb& db, const std::string& applied_by) {
  ROLLGATE_RETURN_IF_ERROR(db.Query(kMigrationLock).status());
  ROLLGATE_RETURN_IF_ERROR(
      db.Exec("CREATE SCHEMA IF NOT EXISTS rollgate; "
              "CREATE TABLE IF NOT EXISTS rollgate.schema_migrations (version INTEGER PRIMARY KEY, "
              "applied_unix_ms BIGINT NOT NULL, applied_by TEXT NOT NULL, what TEXT NOT NULL)"));
  ROLLGATE_ASSIGN_OR_RETURN(
      SqlRows current,
      db.Query("SELECT COALESCE(MAX(version), 0) FROM rollgate.schema_migrations"));
  const int version = static_cast<int>(current.Int(0, 0));
  if (version > kPgSchemaVersion) return TooNew(db, version);
  for (const Migration& m : Migrations()) {
    if (m.version <= version) continue;
    Status st = db.Exec(m.sql);
    if (!st.ok()) return st.WithContext("migration " + std::to_string(m.version));
    ROLLGATE_RETURN_IF_ERROR(
        db.Query("INSERT INTO rollgate.schema_migrations (version, applied_unix_ms, applied_by, "
                 "what) VALUES ($1, $2, $3, $4)",
                 {std::to_string(m.version), std::to_string(NowUnixMs()), applied_by, m.what})
            .status());
  }
  return Status::Ok();
}

}  // namespace

Result<int> PgSchemaVersion(PgDb& db) {
  ROLLGATE_ASSIGN_OR_RETURN(
      SqlRows exists, db.Query("SELECT to_regclass('rollgate.schema_migrations') IS NOT NULL"));
  if (exists.Text(0, 0) != "t") return 0;
  ROLLGATE_ASSIGN_OR_RETURN(
      SqlRows version,
      db.Query("SELECT COALESCE(MAX(version), 0) FROM rollgate.schema_migrations"));
  const int v = static_cast<int>(version.Int(0, 0));
  if (v > kPgSchemaVersion) return TooNew(db, v);
  return v;
}

Status MigratePgSchema(PgDb& db, const std::string& applied_by) {
  ROLLGATE_ASSIGN_OR_RETURN(int version, PgSchemaVersion(db));
  if (version == kPgSchemaVersion) return Status::Ok();  // the usual case: no lock needed
  ROLLGATE_RETURN_IF_ERROR(db.Exec("BEGIN"));
  Status st = MigrateLocked(db, applied_by);
  if (st.ok()) st = db.Exec("COMMIT");
  if (!st.ok()) {
    if (!db.broken()) (void)db.Exec("ROLLBACK");
    return st;
  }
  return Status::Ok();
}

}  // namespace rollgate::internal
