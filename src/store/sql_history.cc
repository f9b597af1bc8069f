// The history's SQL, once for SQLite and PostgreSQL (src/store/sql_history.h).
//
// Reads load a list's releases and checks with two queries per batch of runs, not two per run:
// over a network (PostgreSQL) the round trips, not the rows, are what a listing costs.
#include "store/sql_history.h"

#include <algorithm>
#include <unordered_map>

namespace rollgate::internal {

namespace {

// One statement binds at most this many parameters (SQLite's limit is 32766, PostgreSQL's
// 65535): a run with thousands of checks, or a listing of thousands of runs, takes several
// statements, in the same transaction for a write.
constexpr std::size_t kParamsPerStatement = 999;

// A release passed when it has checks and none failed (skips are fine): its row's `passed`.
bool ReleasePassed(const ReleaseReport& r) {
  if (r.checks.empty()) return false;  // nothing was proven
  return std::none_of(r.checks.begin(), r.checks.end(),
                      [](const CheckResult& c) { return c.status == CheckStatus::kFail; });
}

// "pass" | "fail" | "skip" as stored in the gates and checks tables; anything else: a skip.
CheckStatus ReadStatus(const std::string& text) {
  return ParseCheckStatus(text).value_or(CheckStatus::kSkip);
}

// A run's stored decision. Anything but "pass" or "block" (a row written by hand, or by a
// rollgate that knew other words) reads as kBlock: a run that cannot be read as a pass never
// counts as one (rollgate/vocabulary.h). Not an error: one odd row must not hide the others.
Decision ReadDecision(const std::string& text) {
  return ParseDecision(text).value_or(Decision::kBlock);
}

int64_t Count(std::size_t n) { return static_cast<int64_t>(n); }

// "$1, $2, ..., $n".
std::string Placeholders(std::size_t first, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i == 0 ? "$" : ", $") + std::to_string(first + i);
  return out;
}

// INSERT INTO `table_columns` VALUES (...), (...): `values` holds the rows one after the other,
// each `width` values long.
Status InsertRows(SqlSession& db, const std::string& table_columns, std::size_t width,
                  const std::vector<SqlValue>& values) {
  const std::size_t per_statement = std::max<std::size_t>(1, kParamsPerStatement / width) * width;
  for (std::size_t start = 0; start < values.size(); start += per_statement) {
    const std::size_t end = std::min(values.size(), start + per_statement);
    std::string sql = "INSERT INTO " + table_columns + " VALUES ";
    for (std::size_t row = 0; row < (end - start) / width; ++row) {
      sql += (row == 0 ? "(" : ", (") + Placeholders(row * width + 1, width) + ")";
    }
    const std::vector<SqlValue> chunk(values.begin() + static_cast<std::ptrdiff_t>(start),
                                      values.begin() + static_cast<std::ptrdiff_t>(end));
    ROLLGATE_RETURN_IF_ERROR(db.Query(sql, chunk).status());
  }
  return Status::Ok();
}

Result<int64_t> InsertRun(SqlSession& db, const RunReport& report, const std::string& gate_json,
                          const AppendOptions& options) {
  ROLLGATE_ASSIGN_OR_RETURN(
      const SqlRows run,
      db.Query(
          "INSERT INTO runs (command, started_by, service, decision, config_file, "
          "started_unix_ms, finished_unix_ms, tokens_used, gate_count, release_count, "
          "gate_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
          {ToString(report.command), options.trigger, report.service, ToString(report.decision),
           report.config_file, report.started_unix_ms, report.finished_unix_ms, report.TokensUsed(),
           Count(report.gates.size()), Count(report.releases.size()), gate_json}));
  if (run.rows() != 1) return Status::Internal("INSERT INTO runs returned no id");
  const int64_t run_id = run.Int(0, 0);

  std::vector<SqlValue> gates;
  for (std::size_t i = 0; i < report.gates.size(); ++i) {
    const CheckResult& g = report.gates[i];
    gates.insert(gates.end(), {run_id, Count(i), g.id, ToString(g.status), g.detail});
  }
  ROLLGATE_RETURN_IF_ERROR(
      InsertRows(db, "gates (run_id, position, gate_id, status, detail)", 5, gates));

  std::vector<SqlValue> releases;
  std::vector<SqlValue> checks;
  for (std::size_t n = 0; n < report.releases.size(); ++n) {
    const ReleaseReport& r = report.releases[n];
    releases.insert(releases.end(),
                    {run_id, r.name, Count(n), r.version, ToString(r.probe), r.endpoint, r.model,
                     r.key_fingerprint, r.http_status, r.latency_ms, r.timestamp_unix_ms,
                     ReleasePassed(r) ? 1 : 0, Count(r.checks.size())});
    for (std::size_t i = 0; i < r.checks.size(); ++i) {
      const CheckResult& c = r.checks[i];
      checks.insert(checks.end(), {run_id, r.name, Count(i), c.id, ToString(c.status), c.detail});
    }
  }
  ROLLGATE_RETURN_IF_ERROR(InsertRows(
      db,
      "releases (run_id, name, position, version, probe, endpoint, model, key_fingerprint, "
      "http_status, latency_ms, probed_unix_ms, passed, check_count)",
      13, releases));
  ROLLGATE_RETURN_IF_ERROR(
      InsertRows(db, "checks (run_id, release, position, check_id, status, detail)", 6, checks));
  return run_id;
}

constexpr char kRunColumns[] =
    "id, command, started_by, service, decision, started_unix_ms, finished_unix_ms, tokens_used, "
    "gate_json";

HistoryRun ReadRun(const SqlRows& rows, int r, bool with_gate_json) {
  HistoryRun run;
  run.id = rows.Int(r, 0);
  run.command = rows.Text(r, 1);
  run.trigger = rows.Text(r, 2);
  run.service = rows.Text(r, 3);
  run.decision = ReadDecision(rows.Text(r, 4));
  run.started_unix_ms = rows.Int(r, 5);
  run.finished_unix_ms = rows.Int(r, 6);
  run.tokens_used = rows.Int(r, 7);
  if (with_gate_json) run.gate_json = rows.Text(r, 8);
  return run;
}

HistoryRelease* FindRelease(HistoryRun& run, const std::string& name) {
  for (HistoryRelease& r : run.releases) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

// The releases of `runs` [begin, end) and their failed checks (with every check when
// `details`), in two queries.
Status LoadReleases(SqlSession& db, std::vector<HistoryRun>& runs, std::size_t begin,
                    std::size_t end, bool details) {
  std::unordered_map<int64_t, HistoryRun*> by_id;
  std::vector<SqlValue> ids;
  for (std::size_t i = begin; i < end; ++i) {
    by_id[runs[i].id] = &runs[i];
    ids.emplace_back(runs[i].id);
  }
  const std::string in = " WHERE run_id IN (" + Placeholders(1, ids.size()) + ")";
  ROLLGATE_ASSIGN_OR_RETURN(
      const SqlRows rel,
      db.Query("SELECT run_id, name, version, endpoint, model, key_fingerprint, passed "
               "FROM releases" +
                   in + " ORDER BY run_id, position",
               ids));
  for (int i = 0; i < rel.rows(); ++i) {
    auto run = by_id.find(rel.Int(i, 0));
    if (run == by_id.end()) continue;
    HistoryRelease r;
    r.name = rel.Text(i, 1);
    r.version = rel.Text(i, 2);
    r.endpoint = rel.Text(i, 3);
    r.model = rel.Text(i, 4);
    r.key_fingerprint = rel.Text(i, 5);
    r.passed = rel.Int(i, 6) != 0;
    run->second->releases.push_back(std::move(r));
  }
  ROLLGATE_ASSIGN_OR_RETURN(
      const SqlRows checks,
      db.Query("SELECT run_id, release, check_id, status, detail FROM checks" + in +
                   (details ? "" : " AND status = 'fail'") + " ORDER BY run_id, release, position",
               ids));
  for (int i = 0; i < checks.rows(); ++i) {
    auto run = by_id.find(checks.Int(i, 0));
    HistoryRelease* r = run == by_id.end() ? nullptr : FindRelease(*run->second, checks.Text(i, 1));
    if (!r) continue;
    CheckResult c{checks.Text(i, 2), ReadStatus(checks.Text(i, 3)), checks.Text(i, 4), false};
    if (c.status == CheckStatus::kFail) r->failed_checks.push_back(c.id);
    if (details) r->checks.push_back(std::move(c));
  }
  return Status::Ok();
}

// The runs a query of kRunColumns returned, with their releases.
Status ReadRuns(SqlSession& db, const SqlRows& rows, bool with_gate_json, bool details,
                std::vector<HistoryRun>* out) {
  std::vector<HistoryRun>& runs = *out;
  runs.reserve(static_cast<std::size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) runs.push_back(ReadRun(rows, i, with_gate_json));
  for (std::size_t begin = 0; begin < runs.size(); begin += kParamsPerStatement) {
    const std::size_t end = std::min(runs.size(), begin + kParamsPerStatement);
    ROLLGATE_RETURN_IF_ERROR(LoadReleases(db, runs, begin, end, details));
  }
  return Status::Ok();
}

Status LoadGates(SqlSession& db, HistoryRun* run) {
  ROLLGATE_ASSIGN_OR_RETURN(
      const SqlRows gates,
      db.Query("SELECT gate_id, status, detail FROM gates WHERE run_id = $1 ORDER BY position",
               {run->id}));
  for (int i = 0; i < gates.rows(); ++i) {
    run->gates.push_back({gates.Text(i, 0), ReadStatus(gates.Text(i, 1)), gates.Text(i, 2), false});
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> SqlHistoryStore::Append(const RunReport& report, const std::string& gate_json,
                                        const AppendOptions& options) {
  int64_t id = 0;
  ROLLGATE_RETURN_IF_ERROR(Write([&](SqlSession& db) -> Status {
    ROLLGATE_ASSIGN_OR_RETURN(id, InsertRun(db, report, gate_json, options));
    return Status::Ok();
  }));
  return id;
}

Result<std::vector<HistoryRun>> SqlHistoryStore::List(const HistoryQuery& query) {
  std::vector<HistoryRun> runs;
  ROLLGATE_RETURN_IF_ERROR(Read([&](SqlSession& db) -> Status {
    std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs";
    std::vector<SqlValue> params = {static_cast<int64_t>(std::max(query.last, 0))};
    if (!query.release.empty()) {
      sql += " WHERE id IN (SELECT run_id FROM releases WHERE name = $2)";
      params.emplace_back(query.release);
    }
    sql += " ORDER BY finished_unix_ms DESC, id DESC LIMIT $1";
    ROLLGATE_ASSIGN_OR_RETURN(const SqlRows rows, db.Query(sql, params));
    return ReadRuns(db, rows, query.include_gate_json, /*details=*/false, &runs);
  }));
  return runs;
}

Result<HistoryRun> SqlHistoryStore::Get(int64_t id) {
  std::vector<HistoryRun> runs;
  ROLLGATE_RETURN_IF_ERROR(Read([&](SqlSession& db) -> Status {
    ROLLGATE_ASSIGN_OR_RETURN(
        const SqlRows rows,
        db.Query(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = $1", {id}));
    return ReadRuns(db, rows, /*with_gate_json=*/true, /*details=*/false, &runs);
  }));
  if (runs.empty()) return Status::NotFound(name() + ": no run " + std::to_string(id));
  return std::move(runs.front());
}

Result<std::vector<LastKnownGood>> SqlHistoryStore::LastKnownGoodReleases() {
  std::vector<LastKnownGood> out;
  ROLLGATE_RETURN_IF_ERROR(Read([&](SqlSession& db) -> Status {
    // The newest passing row of each (service, release); a tie on the finish time goes to
    // the run recorded last.
    const std::string byte_order(db.ByteOrder());
    ROLLGATE_ASSIGN_OR_RETURN(
        const SqlRows rows,
        db.Query("SELECT service, name, version, run_id, finished_unix_ms, key_fingerprint, "
                 "endpoint, model FROM (SELECT r.service, rel.name, rel.version, rel.run_id, "
                 "r.finished_unix_ms, rel.key_fingerprint, rel.endpoint, rel.model, "
                 "ROW_NUMBER() OVER (PARTITION BY r.service, rel.name "
                 "ORDER BY r.finished_unix_ms DESC, r.id DESC) AS newest "
                 "FROM releases rel JOIN runs r ON r.id = rel.run_id WHERE rel.passed = 1) "
                 "AS good WHERE newest = 1 ORDER BY service" +
                     byte_order + ", name" + byte_order,
                 {}));
    for (int i = 0; i < rows.rows(); ++i) {
      out.push_back({.service = rows.Text(i, 0),
                     .release = rows.Text(i, 1),
                     .version = rows.Text(i, 2),
                     .run_id = rows.Int(i, 3),
                     .at_unix_ms = rows.Int(i, 4),
                     .key_fingerprint = rows.Text(i, 5),
                     .endpoint = rows.Text(i, 6),
                     .model = rows.Text(i, 7)});
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<HistoryRun>> SqlHistoryStore::LatestPerService() {
  std::vector<HistoryRun> runs;
  ROLLGATE_RETURN_IF_ERROR(Read([&](SqlSession& db) -> Status {
    // The newest gate or drill run of each service (a `check` probes one release: no verdict
    // on the service), ordered by service.
    ROLLGATE_ASSIGN_OR_RETURN(
        const SqlRows rows,
        db.Query(std::string("SELECT ") + kRunColumns +
                     " FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY service "
                     "ORDER BY finished_unix_ms DESC, id DESC) AS newest FROM runs "
                     "WHERE command <> 'check') AS latest WHERE newest = 1 ORDER BY service" +
                     std::string(db.ByteOrder()),
                 {}));
    return ReadRuns(db, rows, /*with_gate_json=*/false, /*details=*/false, &runs);
  }));
  return runs;
}

Result<HistoryUsage> SqlHistoryStore::UsageBetween(const std::string& service, int64_t from_unix_ms,
                                                   int64_t to_unix_ms,
                                                   const std::string& trigger_prefix) {
  HistoryUsage usage;
  ROLLGATE_RETURN_IF_ERROR(Read([&](SqlSession& db) -> Status {
    const std::string where =
        " FROM runs WHERE started_unix_ms >= $1 AND started_unix_ms < $2 "
        "AND substr(started_by, 1, length($3)) = $3 AND ($4 = '' OR service = $4)";
    const std::vector<SqlValue> params = {from_unix_ms, to_unix_ms, trigger_prefix, service};
    ROLLGATE_ASSIGN_OR_RETURN(
        const SqlRows totals,
        db.Query("SELECT COUNT(*), COALESCE(SUM(tokens_used), 0)" + where, params));
    if (totals.rows() > 0) {
      usage.runs = static_cast<int>(totals.Int(0, 0));
      usage.tokens = totals.Int(0, 1);
    }
    ROLLGATE_ASSIGN_OR_RETURN(
        const SqlRows last,
        db.Query("SELECT tokens_used" + where + " ORDER BY started_unix_ms DESC, id DESC LIMIT 1",
                 params));
    if (last.rows() > 0) usage.last_run_tokens = last.Int(0, 0);
    return Status::Ok();
  }));
  return usage;
}

Result<std::optional<HistoryRun>> SqlHistoryStore::LatestRun(const std::string& service,
                                                             const std::string& trigger_prefix) {
  std::vector<HistoryRun> runs;
  Status st = Read([&](SqlSession& db) -> Status {
    ROLLGATE_ASSIGN_OR_RETURN(
        const SqlRows rows,
        db.Query(std::string("SELECT ") + kRunColumns +
                     " FROM runs WHERE service = $1 AND substr(started_by, 1, length($2)) = $2 "
                     "ORDER BY finished_unix_ms DESC, id DESC LIMIT 1",
                 {service, trigger_prefix}));
    ROLLGATE_RETURN_IF_ERROR(ReadRuns(db, rows, /*with_gate_json=*/false, /*details=*/true, &runs));
    return runs.empty() ? Status::Ok() : LoadGates(db, &runs.front());
  });
  if (st.code() == Status::Code::kNotFound) return std::optional<HistoryRun>();  // no history yet
  ROLLGATE_RETURN_IF_ERROR(st);
  if (runs.empty()) return std::optional<HistoryRun>();
  return std::optional<HistoryRun>(std::move(runs.front()));
}

}  // namespace rollgate::internal
