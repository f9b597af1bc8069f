// Queries run with search_path = rollgate, so they read like the SQLite store's. Text is
// ordered with COLLATE "C" (byte order, as SQLite's BINARY), so both stores list services and
// releases in the same order whatever the database's locale.
#include "store/pg_history_store.h"

#include "base/strings.h"
#include "store/history_rows.h"
#include "store/pg_schema.h"

namespace rollgate::internal {

namespace {

constexpr char kPgRunColumns[] =
    "id, command, started_by, service, decision, started_unix_ms, finished_unix_ms, tokens_used, "
    "gate_json";

// PostgreSQL's text holds valid UTF-8 without NUL bytes; SQLite's holds anything. A detail
// quoting a provider's broken bytes must not make the append fail, so such text is stored
// with '?' for each byte that is not ASCII (the evidence files keep the original).
std::string PgText(const std::string& s) {
  if (s.find('\0') == std::string::npos && IsValidUtf8(s)) return s;
  std::string out;
  for (char c : s) {
    if (c == '\0') continue;
    out += static_cast<unsigned char>(c) < 0x80 ? c : '?';
  }
  return out;
}

std::string PgNum(int64_t v) { return std::to_string(v); }

// INSERT INTO `table_columns` VALUES (...), (...): one statement for every row.
Status PgInsertRows(PgDb& db, const std::string& table_columns, std::size_t width,
                    const std::vector<PgParam>& values) {
  if (values.empty()) return Status::Ok();
  std::string sql = "INSERT INTO " + table_columns + " VALUES ";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i % width == 0) sql += (i == 0 ? "(" : "), (");
    sql += (i % width == 0 ? "$" : ", $") + std::to_string(i + 1);
  }
  sql += ")";
  return db.Query(sql, values).status();
}

HistoryRun PgReadRunRow(const PgRows& rows, int r, bool with_gate_json) {
  HistoryRun run;
  run.id = rows.Int(r, 0);
  run.command = rows.Text(r, 1);
  run.trigger = rows.Text(r, 2);
  run.service = rows.Text(r, 3);
  run.decision = ParseHistoryDecision(rows.Text(r, 4));
  run.started_unix_ms = rows.Int(r, 5);
  run.finished_unix_ms = rows.Int(r, 6);
  run.tokens_used = rows.Int(r, 7);
  if (with_gate_json) run.gate_json = rows.Text(r, 8);
  return run;
}

HistoryRun* PgFindRun(std::vector<HistoryRun>& runs, int64_t id) {
  for (HistoryRun& run : runs) {
    if (run.id == id) return &run;
  }
  return nullptr;
}

HistoryRelease* PgFindRelease(HistoryRun* run, const std::string& name) {
  if (!run) return nullptr;
  for (HistoryRelease& r : run->releases) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

// The releases of `runs` and their failed checks (with every check when `details`), in two
// queries for the whole list rather than two per run.
Status PgLoadReleases(PgDb& db, std::vector<HistoryRun>* runs, bool details) {
  if (runs->empty()) return Status::Ok();
  std::string ids = "{";
  for (const HistoryRun& run : *runs) ids += (ids.size() > 1 ? "," : "") + PgNum(run.id);
  ids += "}";
  ROLLGATE_ASSIGN_OR_RETURN(
      PgRows rel,
      db.Query(
          "SELECT run_id, name, version, endpoint, model, key_fingerprint, passed FROM releases "
          "WHERE run_id = ANY($1::bigint[]) ORDER BY run_id, position",
          {ids}));
  for (int i = 0; i < rel.rows(); ++i) {
    HistoryRun* run = PgFindRun(*runs, rel.Int(i, 0));
    if (!run) continue;
    HistoryRelease r;
    r.name = rel.Text(i, 1);
    r.version = rel.Text(i, 2);
    r.endpoint = rel.Text(i, 3);
    r.model = rel.Text(i, 4);
    r.key_fingerprint = rel.Text(i, 5);
    r.passed = rel.Int(i, 6) != 0;
    run->releases.push_back(std::move(r));
  }
  ROLLGATE_ASSIGN_OR_RETURN(
      PgRows checks,
      db.Query(std::string("SELECT run_id, release, check_id, status, detail FROM checks "
                           "WHERE run_id = ANY($1::bigint[])") +
                   (details ? "" : " AND status = 'fail'") + " ORDER BY run_id, release, position",
               {ids}));
  for (int i = 0; i < checks.rows(); ++i) {
    HistoryRelease* r = PgFindRelease(PgFindRun(*runs, checks.Int(i, 0)), checks.Text(i, 1));
    if (!r) continue;
    CheckResult c{checks.Text(i, 2), ParseHistoryStatus(checks.Text(i, 3)), checks.Text(i, 4),
                  false};
    if (c.status == CheckStatus::kFail) r->failed_checks.push_back(c.id);
    if (details) r->checks.push_back(std::move(c));
  }
  return Status::Ok();
}

Result<std::vector<HistoryRun>> PgReadRuns(PgDb& db, const PgRows& rows, bool with_gate_json) {
  std::vector<HistoryRun> runs;
  runs.reserve(static_cast<std::size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) runs.push_back(PgReadRunRow(rows, i, with_gate_json));
  ROLLGATE_RETURN_IF_ERROR(PgLoadReleases(db, &runs, /*details=*/false));
  return runs;
}

}  // namespace

Result<std::unique_ptr<PgHistoryStore>> PgHistoryStore::Open(const HistoryLocation& location) {
  ROLLGATE_RETURN_IF_ERROR(LoadLibpq());
  PgConnectOptions options;
  options.uri = location.db;
  options.password = location.password;
  return std::unique_ptr<PgHistoryStore>(new PgHistoryStore(std::move(options)));
}

Result<PgDb*> PgHistoryStore::Connection(Use use) {
  if (!db_ || db_->broken()) {
    db_.reset();
    ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<PgDb> db, PgDb::Connect(options_));
    ROLLGATE_RETURN_IF_ERROR(db->Exec("SET search_path TO rollgate, pg_catalog"));
    db_ = std::move(db);
  }
  if (schema_ready_) return db_.get();
  if (use == Use::kWrite) {
    ROLLGATE_RETURN_IF_ERROR(MigratePgSchema(*db_, HistoryHolderId()));
    schema_ready_ = true;
    return db_.get();
  }
  ROLLGATE_ASSIGN_OR_RETURN(int version, PgSchemaVersion(*db_));
  if (version == 0) {
    return Status::NotFound(options_.uri +
                            ": rollgate has not recorded anything in this "
                            "database yet (no schema rollgate)");
  }
  return db_.get();
}

Status PgHistoryStore::InTransaction(PgDb& db, const std::function<Status()>& body) {
  ROLLGATE_RETURN_IF_ERROR(db.Exec("BEGIN"));
  Status st = body();
  if (st.ok()) st = db.Exec("COMMIT");
  if (!st.ok() && !db.broken()) (void)db.Exec("ROLLBACK");
  return st;
}

Status PgHistoryStore::Prepare() {
  std::lock_guard<std::mutex> lock(mu_);
  return Connection(Use::kWrite).status();
}

Result<int64_t> PgHistoryStore::Append(const RunReport& report, const std::string& gate_json,
                                       const AppendOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  ROLLGATE_ASSIGN_OR_RETURN(PgDb * conn, Connection(Use::kWrite));
  PgDb& db = *conn;
  int64_t run_id = 0;
  Status st = InTransaction(db, [&]() -> Status {
    ROLLGATE_ASSIGN_OR_RETURN(
        const PgRows run,
        db.Query(
            "INSERT INTO runs (command, started_by, service, decision, config_file, "
            "started_unix_ms, finished_unix_ms, tokens_used, gate_count, release_count, gate_json) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            {PgText(ToString(report.command)), PgText(options.trigger), PgText(report.service),
             PgText(ToString(report.decision)), PgText(report.config_file),
             PgNum(report.started_unix_ms), PgNum(report.finished_unix_ms),
             PgNum(report.TokensUsed()), PgNum(static_cast<int64_t>(report.gates.size())),
             PgNum(static_cast<int64_t>(report.releases.size())), PgText(gate_json)}));
    run_id = run.Int(0, 0);
    const std::string id = PgNum(run_id);
    std::vector<PgParam> gates;
    for (std::size_t i = 0; i < report.gates.size(); ++i) {
      const CheckResult& g = report.gates[i];
      for (PgParam v : {PgParam(id), PgParam(PgNum(static_cast<int64_t>(i))), PgParam(PgText(g.id)),
                        PgParam(ToString(g.status)), PgParam(PgText(g.detail))}) {
        gates.push_back(std::move(v));
      }
    }
    ROLLGATE_RETURN_IF_ERROR(
        PgInsertRows(db, "gates (run_id, position, gate_id, status, detail)", 5, gates));
    std::vector<PgParam> releases;
    std::vector<PgParam> checks;
    for (std::size_t n = 0; n < report.releases.size(); ++n) {
      const ReleaseReport& r = report.releases[n];
      for (PgParam v :
           {PgParam(id), PgParam(PgText(r.name)), PgParam(PgNum(static_cast<int64_t>(n))),
            PgParam(PgText(r.version)), PgParam(PgText(ToString(r.probe))),
            PgParam(PgText(r.endpoint)), PgParam(PgText(r.model)),
            PgParam(PgText(r.key_fingerprint)), PgParam(PgNum(r.http_status)),
            PgParam(std::to_string(r.latency_ms)), PgParam(PgNum(r.timestamp_unix_ms)),
            PgParam(HistoryReleasePassed(r) ? "1" : "0"),
            PgParam(PgNum(static_cast<int64_t>(r.checks.size())))}) {
        releases.push_back(std::move(v));
      }
      for (std::size_t i = 0; i < r.checks.size(); ++i) {
        const CheckResult& c = r.checks[i];
        for (PgParam v :
             {PgParam(id), PgParam(PgText(r.name)), PgParam(PgNum(static_cast<int64_t>(i))),
              PgParam(PgText(c.id)), PgParam(ToString(c.status)), PgParam(PgText(c.detail))}) {
          checks.push_back(std::move(v));
        }
      }
    }
    ROLLGATE_RETURN_IF_ERROR(PgInsertRows(
        db,
        "releases (run_id, name, position, version, probe, endpoint, model, key_fingerprint, "
        "http_status, latency_ms, probed_unix_ms, passed, check_count)",
        13, releases));
    return PgInsertRows(db, "checks (run_id, release, position, check_id, status, detail)", 6,
                        checks);
  });
  ROLLGATE_RETURN_IF_ERROR(st);
  return run_id;
}

Result<std::vector<HistoryRun>> PgHistoryStore::List(const HistoryQuery& query) {
  std::lock_guard<std::mutex> lock(mu_);
  ROLLGATE_ASSIGN_OR_RETURN(PgDb * conn, Connection(Use::kRead));
  std::string sql = std::string("SELECT ") + kPgRunColumns + " FROM runs";
  std::vector<PgParam> params = {PgNum(query.last < 0 ? 0 : query.last)};
  if (!query.release.empty()) {
    sql += " WHERE id IN (SELECT run_id FROM releases WHERE name = $2)";
    params.push_back(query.release);
  }
  sql += " ORDER BY finished_unix_ms DESC, id DESC LIMIT $1";
  ROLLGATE_ASSIGN_OR_RETURN(PgRows rows, conn->Query(sql, params));
  return PgReadRuns(*conn, rows, query.include_gate_json);
}

Result<HistoryRun> PgHistoryStore::Get(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  ROLLGATE_ASSIGN_OR_RETURN(PgDb * conn, Connection(Use::kRead));
  ROLLGATE_ASSIGN_OR_RETURN(
      PgRows rows, conn->Query(std::string("SELECT ") + kPgRunColumns + " FROM runs WHERE id = $1",
                               {PgNum(id)}));
  ROLLGATE_ASSIGN_OR_RETURN(std::vector<HistoryRun> runs,
                            PgReadRuns(*conn, rows, /*with_gate_json=*/true));
  if (runs.empty()) return Status::NotFound(options_.uri + ": no run " + PgNum(id));
  return std::move(runs.front());
}

Result<std::vector<LastKnownGood>> PgHistoryStore::LastKnownGoodReleases() {
  std::lock_guard<std::mutex> lock(mu_);
  ROLLGATE_ASSIGN_OR_RETURN(PgDb * conn, Connection(Use::kRead));
  ROLLGATE_ASSIGN_OR_RETURN(
      PgRows rows,
      conn->Query(
          "SELECT DISTINCT ON (r.service COLLATE \"C\", rel.name COLLATE \"C\") r.service, "
          "rel.name, "
          "rel.version, rel.run_id, r.finished_unix_ms, rel.key_fingerprint, rel.endpoint, "
          "rel.model "
          "FROM releases rel JOIN runs r ON r.id = rel.run_id WHERE rel.passed = 1 "
          "ORDER BY r.service COLLATE \"C\", rel.name COLLATE \"C\", r.finished_unix_ms DESC, "
          "r.id DESC"));
  std::vector<LastKnownGood> out;
  for (int i = 0; i < rows.rows(); ++i) {
    LastKnownGood g;
    g.service = rows.Text(i, 0);
    g.release = rows.Text(i, 1);
    g.version = rows.Text(i, 2);
    g.run_id = rows.Int(i, 3);
    g.at_unix_ms = rows.Int(i, 4);
    g.key_fingerprint = rows.Text(i, 5);
    g.endpoint = rows.Text(i, 6);
    g.model = rows.Text(i, 7);
    out.push_back(std::move(g));
  }
  return out;
}

Result<std::vector<HistoryRun>> PgHistoryStore::LatestPerService() {
  std::lock_guard<std::mutex> lock(mu_);
  ROLLGATE_ASSIGN_OR_RETURN(PgDb * conn, Connection(Use::kRead));
  ROLLGATE_ASSIGN_OR_RETURN(
      PgRows rows,
      conn->Query(std::string("SELECT DISTINCT ON (service COLLATE \"C\") ") + kPgRunColumns +
                  " FROM runs WHERE command <> 'check' "
                  "ORDER BY service COLLATE \"C\", finished_unix_ms DESC, id DESC"));
  return PgReadRuns(*conn, rows, /*with_gate_json=*/false);
}

Result<HistoryUsage> PgHistoryStore::UsageBetween(const std::string& service, int64_t from_unix_ms,
                                                  int64_t to_unix_ms,
                                                  const std::string& trigger_prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  ROLLGATE_ASSIGN_OR_RETURN(PgDb * conn, Connection(Use::kRead));
  const std::string where =
      " FROM runs WHERE started_unix_ms >= $1 AND started_unix_ms < $2 "
      "AND starts_with(started_by, $3) AND ($4 = '' OR service = $4)";
  const std::vector<PgParam> params = {PgNum(from_unix_ms), PgNum(to_unix_ms), trigger_prefix,
                                       service};
  ROLLGATE_ASSIGN_OR_RETURN(
      PgRows totals, conn->Query("SELECT COUNT(*), COALESCE(SUM(tokens_used), 0)" + where, params));
  HistoryUsage usage;
  usage.runs = static_cast<int>(totals.Int(0, 0));
  usage.tokens = totals.Int(0, 1);
  ROLLGATE_ASSIGN_OR_RETURN(
      PgRows last,
      conn->Query("SELECT tokens_used" + where + " ORDER BY started_unix_ms DESC, id DESC LIMIT 1",
                  params));
  if (last.rows() > 0) usage.last_run_tokens = last.Int(0, 0);
  return usage;
}

Result<std::optional<HistoryRun>> PgHistoryStore::LatestRun(const std::string& service,
                                                            const std::string& trigger_prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<PgDb*> conn = Connection(Use::kRead);
  if (!conn.ok()) {
    if (conn.status().code() == Status::Code::kNotFound) return std::optional<HistoryRun>();
    return conn.status();
  }
  PgDb& db = **conn;
  ROLLGATE_ASSIGN_OR_RETURN(
      PgRows rows, db.Query(std::string("SELECT ") + kPgRunColumns +
                                " FROM runs WHERE service = $1 AND starts_with(started_by, "
                                "$2) ORDER BY finished_unix_ms DESC, id DESC LIMIT 1",
                            {service, trigger_prefix}));
  if (rows.rows() == 0) return std::optional<HistoryRun>();
  std::vector<HistoryRun> runs = {PgReadRunRow(rows, 0, /*with_gate_json=*/false)};
  ROLLGATE_RETURN_IF_ERROR(PgLoadReleases(db, &runs, /*details=*/true));
  ROLLGATE_ASSIGN_OR_RETURN(
      PgRows gates,
      db.Query("SELECT gate_id, status, detail FROM gates WHERE run_id = $1 ORDER BY position",
               {PgNum(runs[0].id)}));
  for (int i = 0; i < gates.rows(); ++i) {
    runs[0].gates.push_back(
        {gates.Text(i, 0), ParseHistoryStatus(gates.Text(i, 1)), gates.Text(i, 2), false});
  }
  return std::optional<HistoryRun>(std::move(runs[0]));
}

Result<SlotClaim> PgHistoryStore::ClaimSlot(const std::string& service, int64_t slot_start_ms,
                                            const std::string& holder, int64_t now_ms,
                                            int64_t lease_until_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  ROLLGATE_ASSIGN_OR_RETURN(PgDb * conn, Connection(Use::kWrite));
  // One statement decides: a new row is this replica's claim, and so is taking over a claim
  // whose holder let its lease lapse without finishing (it died mid-run). The unique key makes
  // two replicas claiming at once queue on the row; the second sees the first's claim.
  ROLLGATE_ASSIGN_OR_RETURN(
      PgRows claimed,
      conn->Query(
          "INSERT INTO serve_slots AS s (service, slot_start_ms, holder, claimed_unix_ms, "
          "lease_until_ms, attempts) VALUES ($1, $2, $3, $4, $5, 1) "
          "ON CONFLICT (service, slot_start_ms) DO UPDATE SET holder = EXCLUDED.holder, "
          "claimed_unix_ms = EXCLUDED.claimed_unix_ms, lease_until_ms = EXCLUDED.lease_until_ms, "
          "attempts = s.attempts + 1 "
          "WHERE s.finished_unix_ms IS NULL AND s.lease_until_ms <= EXCLUDED.claimed_unix_ms "
          "RETURNING attempts",
          {service, PgNum(slot_start_ms), holder, PgNum(now_ms), PgNum(lease_until_ms)}));
  SlotClaim claim;
  if (claimed.rows() > 0) {
    claim.state = SlotClaim::State::kClaimed;
    claim.holder = holder;
    claim.lease_until_ms = lease_until_ms;
    claim.attempts = static_cast<int>(claimed.Int(0, 0));
    return claim;
  }
  ROLLGATE_ASSIGN_OR_RETURN(
      PgRows row,
      conn->Query("SELECT holder, lease_until_ms, finished_unix_ms IS NOT NULL FROM serve_slots "
                  "WHERE service = $1 AND slot_start_ms = $2",
                  {service, PgNum(slot_start_ms)}));
  if (row.rows() == 0) {
    return Status::IoError(options_.uri + ": the claim of slot " + PgNum(slot_start_ms) +
                           " vanished; try again");
  }
  claim.holder = row.Text(0, 0);
  claim.lease_until_ms = row.Int(0, 1);
  claim.state = row.Text(0, 2) == "t" ? SlotClaim::State::kDone : SlotClaim::State::kHeld;
  return claim;
}

Status PgHistoryStore::FinishSlot(const std::string& service, int64_t slot_start_ms,
                                  const std::string& holder, int64_t now_ms, int64_t run_id,
                                  const std::string& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  ROLLGATE_ASSIGN_OR_RETURN(PgDb * conn, Connection(Use::kWrite));
  return conn
      ->Query(
          "UPDATE serve_slots SET "
          "finished_unix_ms = CASE WHEN $6 = '' THEN NULL ELSE $4::bigint END, "
          "lease_until_ms = CASE WHEN $6 = '' THEN $4::bigint ELSE lease_until_ms END, "
          "run_id = $5, outcome = NULLIF($6, '') "
          "WHERE service = $1 AND slot_start_ms = $2 AND holder = $3 "
          "AND finished_unix_ms IS NULL",
          {service, PgNum(slot_start_ms), holder, PgNum(now_ms),
           run_id > 0 ? PgParam(PgNum(run_id)) : PgParam(), PgText(outcome)})
      .status();
}

Result<ServeUsage> PgHistoryStore::UpdateServeUsage(
    const std::string& service, int64_t day, const std::function<bool(ServeUsage*)>& update) {
  std::lock_guard<std::mutex> lock(mu_);
  ROLLGATE_ASSIGN_OR_RETURN(PgDb * conn, Connection(Use::kWrite));
  PgDb& db = *conn;
  ServeUsage usage;
  Status st = InTransaction(db, [&]() -> Status {
    // The day's row, created on first use with the newest run's cost carried over (the token
    // cap's estimate of the next run survives midnight); then locked for this transaction.
    ROLLGATE_RETURN_IF_ERROR(
        db.Query("INSERT INTO serve_usage (service, day, runs, tokens, last_run_tokens) "
                 "VALUES ($1, $2, 0, 0, COALESCE((SELECT last_run_tokens FROM serve_usage "
                 "WHERE service = $1 AND day < $2 ORDER BY day DESC LIMIT 1), 0)) "
                 "ON CONFLICT (service, day) DO NOTHING",
                 {service, PgNum(day)})
            .status());
    ROLLGATE_ASSIGN_OR_RETURN(
        PgRows row,
        db.Query(
            "SELECT runs, tokens, last_run_tokens FROM serve_usage WHERE service = $1 AND day = $2 "
            "FOR UPDATE",
            {service, PgNum(day)}));
    usage.runs = static_cast<int>(row.Int(0, 0));
    usage.tokens = row.Int(0, 1);
    usage.last_run_tokens = row.Int(0, 2);
    if (!update(&usage)) return Status::Ok();
    return db
        .Query(
            "UPDATE serve_usage SET runs = $3, tokens = $4, last_run_tokens = $5 "
            "WHERE service = $1 AND day = $2",
            {service, PgNum(day), PgNum(usage.runs), PgNum(usage.tokens),
             PgNum(usage.last_run_tokens)})
        .status();
  });
  ROLLGATE_RETURN_IF_ERROR(st);
  return usage;
}

}  // namespace rollgate::internal
