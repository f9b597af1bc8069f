#include "store/history_schema.h"

namespace rollgate::internal {

namespace {

// {S} is the schema prefix, {ID} the auto-numbered key, {K} what follows a keyed table.
constexpr char kTables[] = R"sql(
CREATE TABLE {S}runs (
  id {ID},
  command TEXT NOT NULL,
  started_by TEXT NOT NULL,
  service TEXT NOT NULL,
  decision TEXT NOT NULL,
  config_file TEXT NOT NULL,
  started_unix_ms BIGINT NOT NULL,
  finished_unix_ms BIGINT NOT NULL,
  tokens_used BIGINT NOT NULL,
  gate_count INTEGER NOT NULL,
  release_count INTEGER NOT NULL,
  gate_json TEXT NOT NULL
);
CREATE INDEX runs_by_start ON {S}runs (started_unix_ms);
CREATE INDEX runs_by_service ON {S}runs (service, finished_unix_ms);
CREATE TABLE {S}gates (
  run_id BIGINT NOT NULL REFERENCES {S}runs (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  gate_id TEXT NOT NULL,
  status TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (run_id, position)
){K};
CREATE TABLE {S}releases (
  run_id BIGINT NOT NULL REFERENCES {S}runs (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  position INTEGER NOT NULL,
  version TEXT NOT NULL,
  probe TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  model TEXT NOT NULL,
  key_fingerprint TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  latency_ms DOUBLE PRECISION NOT NULL,
  probed_unix_ms BIGINT NOT NULL,
  passed INTEGER NOT NULL,
  check_count INTEGER NOT NULL,
  PRIMARY KEY (run_id, name)
){K};
CREATE INDEX releases_good ON {S}releases (name, passed);
CREATE TABLE {S}checks (
  run_id BIGINT NOT NULL,
  release TEXT NOT NULL,
  position INTEGER NOT NULL,
  check_id TEXT NOT NULL,
  status TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (run_id, release, position),
  FOREIGN KEY (run_id, release) REFERENCES {S}releases (run_id, name) ON DELETE CASCADE
){K};
)sql";

void ReplaceAll(std::string& text, const std::string& token, const std::string& value) {
  for (std::size_t at = text.find(token); at != std::string::npos;
       at = text.find(token, at + value.size())) {
    text.replace(at, token.size(), value);
  }
}

}  // namespace

std::string HistoryTablesSql(SqlDialect dialect) {
  const bool pg = dialect == SqlDialect::kPostgres;
  std::string sql = kTables;
  ReplaceAll(sql, "{S}", pg ? "rollgate." : "");
  // SQLite: only a column declared exactly "INTEGER PRIMARY KEY" is the rowid; AUTOINCREMENT
  // never reuses the id of a deleted run.
  ReplaceAll(
      sql, "{ID}",
      pg ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  ReplaceAll(sql, "{K}", pg ? "" : " WITHOUT ROWID");
  return sql;
}

}  // namespace rollgate::internal
