-- The SQLite history's tables as rollgate wrote them before src/store/history_schema.cc
-- (2026-12-01): history files made then must stay readable and writable
-- (tests/store/history_schema_test.cc).
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  command TEXT NOT NULL,
  started_by TEXT NOT NULL,
  service TEXT NOT NULL,
  decision TEXT NOT NULL,
  config_file TEXT NOT NULL,
  started_unix_ms INTEGER NOT NULL,
  finished_unix_ms INTEGER NOT NULL,
  tokens_used INTEGER NOT NULL,
  gate_count INTEGER NOT NULL,
  release_count INTEGER NOT NULL,
  gate_json TEXT NOT NULL
);
CREATE INDEX runs_by_start ON runs(started_unix_ms);
CREATE TABLE gates (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  gate_id TEXT NOT NULL,
  status TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (run_id, position)
) WITHOUT ROWID;
CREATE TABLE releases (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  position INTEGER NOT NULL,
  version TEXT NOT NULL,
  probe TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  model TEXT NOT NULL,
  key_fingerprint TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  latency_ms REAL NOT NULL,
  probed_unix_ms INTEGER NOT NULL,
  passed INTEGER NOT NULL,
  check_count INTEGER NOT NULL,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
CREATE INDEX releases_good ON releases(name, passed);
CREATE TABLE checks (
  run_id INTEGER NOT NULL,
  release TEXT NOT NULL,
  position INTEGER NOT NULL,
  check_id TEXT NOT NULL,
  status TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (run_id, release, position),
  FOREIGN KEY (run_id, release) REFERENCES releases(run_id, name) ON DELETE CASCADE
) WITHOUT ROWID;
