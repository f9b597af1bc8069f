// The history in SQLite: the rows of a run, written in one transaction and read back for the
// listings (src/store/sqlite_history_file.h opens the file and owns its schema).
#include "store/sqlite_history_store.h"

#include "base/file_util.h"
#include "store/history_rows.h"
#include "store/serve_lock.h"
#include "store/sqlite_db.h"
#include "store/sqlite_history_file.h"

namespace rollgate::internal {

namespace {

Result<int64_t> InsertRun(SqliteDb& db, const RunReport& report, const std::string& gate_json,
                          const AppendOptions& options) {
  ROLLGATE_ASSIGN_OR_RETURN(
      SqliteStatement run,
      db.Prepare(
          "INSERT INTO runs (command, started_by, service, decision, config_file, started_unix_ms, "
          "finished_unix_ms, tokens_used, gate_count, release_count, gate_json) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  run.Bind(1, ToString(report.command))
      .Bind(2, options.trigger)
      .Bind(3, report.service)
      .Bind(4, ToString(report.decision))
      .Bind(5, report.config_file)
      .Bind(6, report.started_unix_ms)
      .Bind(7, report.finished_unix_ms)
      .Bind(8, report.TokensUsed())
      .Bind(9, static_cast<int64_t>(report.gates.size()))
      .Bind(10, static_cast<int64_t>(report.releases.size()))
      .Bind(11, gate_json);
  ROLLGATE_RETURN_IF_ERROR(run.Run());
  const int64_t run_id = db.LastInsertRowId();

  ROLLGATE_ASSIGN_OR_RETURN(SqliteStatement gate,
                            db.Prepare("INSERT INTO gates (run_id, position, gate_id, status, "
                                       "detail) VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (std::size_t i = 0; i < report.gates.size(); ++i) {
    const CheckResult& g = report.gates[i];
    gate.Reset();
    gate.Bind(1, run_id)
        .Bind(2, static_cast<int64_t>(i))
        .Bind(3, g.id)
        .Bind(4, std::string(ToString(g.status)))
        .Bind(5, g.detail);
    ROLLGATE_RETURN_IF_ERROR(gate.Run());
  }

  ROLLGATE_ASSIGN_OR_RETURN(
      SqliteStatement rel,
      db.Prepare("INSERT INTO releases (run_id, name, position, version, probe, endpoint, model, "
                 "key_fingerprint, http_status, latency_ms, probed_unix_ms, passed, check_count) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
  ROLLGATE_ASSIGN_OR_RETURN(
      SqliteStatement check,
      db.Prepare("INSERT INTO checks (run_id, release, position, check_id, status, detail) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  for (std::size_t n = 0; n < report.releases.size(); ++n) {
    const ReleaseReport& r = report.releases[n];
    rel.Reset();
    rel.Bind(1, run_id)
        .Bind(2, r.name)
        .Bind(3, static_cast<int64_t>(n))
        .Bind(4, r.version)
        .Bind(5, ToString(r.probe))
        .Bind(6, r.endpoint)
        .Bind(7, r.model)
        .Bind(8, r.key_fingerprint)
        .Bind(9, static_cast<int64_t>(r.http_status))
        .Bind(10, r.latency_ms)
        .Bind(11, r.timestamp_unix_ms)
        .Bind(12, static_cast<int64_t>(HistoryReleasePassed(r) ? 1 : 0))
        .Bind(13, static_cast<int64_t>(r.checks.size()));
    ROLLGATE_RETURN_IF_ERROR(rel.Run());
    for (std::size_t i = 0; i < r.checks.size(); ++i) {
      const CheckResult& c = r.checks[i];
      check.Reset();
      check.Bind(1, run_id)
          .Bind(2, r.name)
          .Bind(3, static_cast<int64_t>(i))
          .Bind(4, c.id)
          .Bind(5, std::string(ToString(c.status)))
          .Bind(6, c.detail);
      ROLLGATE_RETURN_IF_ERROR(check.Run());
    }
  }
  return run_id;
}

Status LoadReleases(SqliteDb& db, HistoryRun* run) {
  ROLLGATE_ASSIGN_OR_RETURN(
      SqliteStatement rel,
      db.Prepare("SELECT name, version, endpoint, model, key_fingerprint, passed FROM releases "
                 "WHERE run_id = ?1 ORDER BY position"));
  rel.Bind(1, run->id);
  while (true) {
    ROLLGATE_ASSIGN_OR_RETURN(bool row, rel.Step());
    if (!row) break;
    HistoryRelease r;
    r.name = rel.ColumnText(0);
    r.version = rel.ColumnText(1);
    r.endpoint = rel.ColumnText(2);
    r.model = rel.ColumnText(3);
    r.key_fingerprint = rel.ColumnText(4);
    r.passed = rel.ColumnInt(5) != 0;
    run->releases.push_back(std::move(r));
  }
  for (HistoryRelease& r : run->releases) {
    ROLLGATE_ASSIGN_OR_RETURN(
        SqliteStatement failed,
        db.Prepare(
            "SELECT check_id FROM checks WHERE run_id = ?1 AND release = ?2 AND status = 'fail' "
            "ORDER BY position"));
    failed.Bind(1, run->id).Bind(2, r.name);
    while (true) {
      ROLLGATE_ASSIGN_OR_RETURN(bool row, failed.Step());
      if (!row) break;
      r.failed_checks.push_back(failed.ColumnText(0));
    }
  }
  return Status::Ok();
}

HistoryRun ReadRunRow(const SqliteStatement& stmt, bool with_gate_json) {
  HistoryRun run;
  run.id = stmt.ColumnInt(0);
  run.command = stmt.ColumnText(1);
  run.trigger = stmt.ColumnText(2);
  run.service = stmt.ColumnText(3);
  run.decision = ParseHistoryDecision(stmt.ColumnText(4));
  run.started_unix_ms = stmt.ColumnInt(5);
  run.finished_unix_ms = stmt.ColumnInt(6);
  run.tokens_used = stmt.ColumnInt(7);
  if (with_gate_json) run.gate_json = stmt.ColumnText(8);
  return run;
}

constexpr char kRunColumns[] =
    "id, command, started_by, service, decision, started_unix_ms, finished_unix_ms, tokens_used, "
    "gate_json";

// The newest gate or drill run of each service (a `check` probes one release: no verdict on
// the service), ordered by service.
constexpr char kLatestPerServiceSql[] =
    "SELECT id, command, started_by, service, decision, started_unix_ms, finished_unix_ms, "
    "tokens_used, gate_json FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY service "
    "ORDER BY finished_unix_ms DESC, id DESC) AS newest FROM runs WHERE command <> 'check') "
    "WHERE newest = 1 ORDER BY service";

// The gates and every check of a run, with details (webhook reuse, shared metrics).
Status LoadDetails(SqliteDb& db, HistoryRun* run) {
  ROLLGATE_ASSIGN_OR_RETURN(
      SqliteStatement gates,
      db.Prepare("SELECT gate_id, status, detail FROM gates WHERE run_id = ?1 ORDER BY position"));
  gates.Bind(1, run->id);
  while (true) {
    ROLLGATE_ASSIGN_OR_RETURN(bool row, gates.Step());
    if (!row) break;
    run->gates.push_back(
        {gates.ColumnText(0), ParseHistoryStatus(gates.ColumnText(1)), gates.ColumnText(2), false});
  }
  ROLLGATE_ASSIGN_OR_RETURN(
      SqliteStatement checks,
      db.Prepare("SELECT check_id, status, detail FROM checks WHERE run_id = ?1 AND release = ?2 "
                 "ORDER BY position"));
  for (HistoryRelease& r : run->releases) {
    checks.Reset();
    checks.Bind(1, run->id).Bind(2, r.name);
    while (true) {
      ROLLGATE_ASSIGN_OR_RETURN(bool row, checks.Step());
      if (!row) break;
      r.checks.push_back({checks.ColumnText(0), ParseHistoryStatus(checks.ColumnText(1)),
                          checks.ColumnText(2), false});
    }
  }
  return Status::Ok();
}

Result<std::vector<HistoryRun>> ReadRuns(SqliteDb& db, SqliteStatement& stmt, bool with_gate_json) {
  std::vector<HistoryRun> runs;
  while (true) {
    ROLLGATE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    runs.push_back(ReadRunRow(stmt, with_gate_json));
  }
  for (HistoryRun& run : runs) ROLLGATE_RETURN_IF_ERROR(LoadReleases(db, &run));
  return runs;
}

}  // namespace

SqliteHistoryStore::SqliteHistoryStore(std::string path) : path_(std::move(path)) {}

SqliteHistoryStore::~SqliteHistoryStore() { UnlockServeFile(serve_lock_fd_); }

Result<int64_t> SqliteHistoryStore::Append(const RunReport& report, const std::string& gate_json,
                                           const AppendOptions& options) {
  std::string dir = DirName(path_);
  if (!dir.empty() && dir != ".") ROLLGATE_RETURN_IF_ERROR(MakeDirs(dir));
  ROLLGATE_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteDb> opened,
      SqliteDb::Open(path_, SqliteDb::Mode::kReadWriteCreate, kSqliteBusyTimeoutMs));
  SqliteDb& db = *opened;

  // Look before writing anything: the journal-mode switch below would already modify a file
  // that is some other application's database.
  bool fresh = false;
  ROLLGATE_RETURN_IF_ERROR(IdentifySqliteHistory(db, &fresh));
  ROLLGATE_RETURN_IF_ERROR(EnableSqliteWal(db));
  ROLLGATE_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON"));

  ROLLGATE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  // Again under the write lock: another writer may have created the schema meanwhile.
  Status st = IdentifySqliteHistory(db, &fresh);
  if (st.ok() && fresh) st = CreateSqliteHistorySchema(db);
  Result<int64_t> id = st.ok() ? InsertRun(db, report, gate_json, options) : Result<int64_t>(st);
  if (id.ok()) st = db.Exec("COMMIT");
  if (!id.ok() || !st.ok()) {
    (void)db.Exec("ROLLBACK");  // best effort: closing the connection rolls back anyway
    return id.ok() ? st : id.status();
  }
  return id;
}

Result<std::vector<HistoryRun>> SqliteHistoryStore::List(const HistoryQuery& query) {
  bool empty = false;
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> opened,
                            OpenSqliteHistoryForRead(path_, &empty));
  if (empty) return std::vector<HistoryRun>{};
  SqliteDb& db = *opened;
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs";
  if (!query.release.empty()) sql += " WHERE id IN (SELECT run_id FROM releases WHERE name = ?2)";
  sql += " ORDER BY finished_unix_ms DESC, id DESC LIMIT ?1";
  ROLLGATE_ASSIGN_OR_RETURN(SqliteStatement stmt, db.Prepare(sql));
  stmt.Bind(1, static_cast<int64_t>(query.last < 0 ? 0 : query.last));
  if (!query.release.empty()) stmt.Bind(2, query.release);
  return ReadRuns(db, stmt, query.include_gate_json);
}

Result<HistoryRun> SqliteHistoryStore::Get(int64_t id) {
  bool empty = false;
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> opened,
                            OpenSqliteHistoryForRead(path_, &empty));
  if (empty) return Status::NotFound(path_ + ": no run " + std::to_string(id));
  SqliteDb& db = *opened;
  ROLLGATE_ASSIGN_OR_RETURN(SqliteStatement stmt, db.Prepare(std::string("SELECT ") + kRunColumns +
                                                             " FROM runs WHERE id = ?1"));
  stmt.Bind(1, id);
  ROLLGATE_ASSIGN_OR_RETURN(std::vector<HistoryRun> runs,
                            ReadRuns(db, stmt, /*with_gate_json=*/true));
  if (runs.empty()) return Status::NotFound(path_ + ": no run " + std::to_string(id));
  return std::move(runs.front());
}

Result<std::vector<LastKnownGood>> SqliteHistoryStore::LastKnownGoodReleases() {
  bool empty = false;
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> opened,
                            OpenSqliteHistoryForRead(path_, &empty));
  if (empty) return std::vector<LastKnownGood>{};
  // SQLite takes the bare columns of an aggregate query with MAX() from the row holding the
  // maximum, so this is "the newest passing row per (service, release)" in one pass.
  ROLLGATE_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      opened->Prepare(
          "SELECT r.service, rel.name, rel.version, rel.run_id, MAX(r.finished_unix_ms), "
          "rel.key_fingerprint, rel.endpoint, rel.model "
          "FROM releases rel JOIN runs r ON r.id = rel.run_id WHERE rel.passed = 1 "
          "GROUP BY r.service, rel.name ORDER BY r.service, rel.name"));
  std::vector<LastKnownGood> out;
  while (true) {
    ROLLGATE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    LastKnownGood g;
    g.service = stmt.ColumnText(0);
    g.release = stmt.ColumnText(1);
    g.version = stmt.ColumnText(2);
    g.run_id = stmt.ColumnInt(3);
    g.at_unix_ms = stmt.ColumnInt(4);
    g.key_fingerprint = stmt.ColumnText(5);
    g.endpoint = stmt.ColumnText(6);
    g.model = stmt.ColumnText(7);
    out.push_back(std::move(g));
  }
  return out;
}

Result<std::vector<HistoryRun>> SqliteHistoryStore::LatestPerService() {
  bool empty = false;
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> opened,
                            OpenSqliteHistoryForRead(path_, &empty));
  if (empty) return std::vector<HistoryRun>{};
  ROLLGATE_ASSIGN_OR_RETURN(SqliteStatement stmt, opened->Prepare(kLatestPerServiceSql));
  return ReadRuns(*opened, stmt, /*with_gate_json=*/false);
}

Result<HistoryUsage> SqliteHistoryStore::UsageBetween(const std::string& service,
                                                      int64_t from_unix_ms, int64_t to_unix_ms,
                                                      const std::string& trigger_prefix) {
  bool empty = false;
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> opened,
                            OpenSqliteHistoryForRead(path_, &empty));
  if (empty) return HistoryUsage{};
  SqliteDb& db = *opened;
  const std::string where =
      " FROM runs WHERE started_unix_ms >= ?1 AND started_unix_ms < ?2 "
      "AND substr(started_by, 1, length(?3)) = ?3 AND (?4 = '' OR service = ?4)";
  HistoryUsage usage;
  ROLLGATE_ASSIGN_OR_RETURN(SqliteStatement totals,
                            db.Prepare("SELECT COUNT(*), COALESCE(SUM(tokens_used), 0)" + where));
  totals.Bind(1, from_unix_ms).Bind(2, to_unix_ms).Bind(3, trigger_prefix).Bind(4, service);
  ROLLGATE_ASSIGN_OR_RETURN(bool row, totals.Step());
  if (row) {
    usage.runs = static_cast<int>(totals.ColumnInt(0));
    usage.tokens = totals.ColumnInt(1);
  }
  ROLLGATE_ASSIGN_OR_RETURN(
      SqliteStatement last,
      db.Prepare("SELECT tokens_used" + where + " ORDER BY started_unix_ms DESC, id DESC LIMIT 1"));
  last.Bind(1, from_unix_ms).Bind(2, to_unix_ms).Bind(3, trigger_prefix).Bind(4, service);
  ROLLGATE_ASSIGN_OR_RETURN(row, last.Step());
  if (row) usage.last_run_tokens = last.ColumnInt(0);
  return usage;
}

Result<std::optional<HistoryRun>> SqliteHistoryStore::LatestRun(const std::string& service,
                                                                const std::string& trigger_prefix) {
  bool empty = false;
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> opened,
                            OpenSqliteHistoryForRead(path_, &empty));
  if (empty) return std::optional<HistoryRun>();
  SqliteDb& db = *opened;
  ROLLGATE_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      db.Prepare(std::string("SELECT ") + kRunColumns +
                 " FROM runs WHERE service = ?1 AND substr(started_by, 1, length(?2)) = ?2 "
                 "ORDER BY finished_unix_ms DESC, id DESC LIMIT 1"));
  stmt.Bind(1, service).Bind(2, trigger_prefix);
  ROLLGATE_ASSIGN_OR_RETURN(std::vector<HistoryRun> runs,
                            ReadRuns(db, stmt, /*with_gate_json=*/false));
  if (runs.empty()) return std::optional<HistoryRun>();
  ROLLGATE_RETURN_IF_ERROR(LoadDetails(db, &runs.front()));
  return std::optional<HistoryRun>(std::move(runs.front()));
}

Status SqliteHistoryStore::Prepare() {
  // Nothing to create before the first append; an existing file must be a rollgate history.
  if (!FileExists(path_)) return Status::Ok();
  bool empty = false;
  Result<std::unique_ptr<SqliteDb>> opened = OpenSqliteHistoryForRead(path_, &empty);
  return opened.ok() ? Status::Ok() : opened.status();
}

Status SqliteHistoryStore::Checkpoint() {
  if (!FileExists(path_)) return Status::Ok();
  ROLLGATE_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteDb> opened,
      SqliteDb::Open(path_, SqliteDb::Mode::kReadWriteCreate, kSqliteBusyTimeoutMs));
  bool fresh = false;
  ROLLGATE_RETURN_IF_ERROR(IdentifySqliteHistory(*opened, &fresh));
  return opened->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

Status SqliteHistoryStore::HoldForServe(const std::string& service) {
  if (serve_lock_fd_ >= 0) return Status::Ok();
  ROLLGATE_ASSIGN_OR_RETURN(int fd, LockServeFile(path_, service));
  serve_lock_fd_ = fd;
  return Status::Ok();
}

Result<std::string> CheckHistoryIntegrity(const std::string& db_path) {
  ROLLGATE_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteDb> opened,
      SqliteDb::Open(db_path, SqliteDb::Mode::kReadOnly, kSqliteBusyTimeoutMs));
  ROLLGATE_ASSIGN_OR_RETURN(SqliteStatement stmt, opened->Prepare("PRAGMA integrity_check"));
  std::string out;
  while (true) {
    ROLLGATE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (!out.empty()) out += "\n";
    out += stmt.ColumnText(0);
  }
  return out;
}

}  // namespace rollgate::internal
