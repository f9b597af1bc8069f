// The history in PostgreSQL: its one connection, and the coordination of serve replicas. The
// history's queries are src/store/sql_history.cc's; they run with search_path = rollgate, so
// they name the tables as in SQLite.
#include "store/pg_history_store.h"

#include "store/pg_schema.h"

namespace rollgate::internal {

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

Status PgHistoryStore::Read(const Body& body) {
  std::lock_guard<std::mutex> lock(mu_);
  ROLLGATE_ASSIGN_OR_RETURN(PgDb * conn, Connection(Use::kRead));
  return body(*conn);
}

Status PgHistoryStore::Write(const Body& body) {
  std::lock_guard<std::mutex> lock(mu_);
  ROLLGATE_ASSIGN_OR_RETURN(PgDb * conn, Connection(Use::kWrite));
  return InTransaction(*conn, [&] { return body(*conn); });
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
      SqlRows claimed,
      conn->Query(
          "INSERT INTO serve_slots AS s (service, slot_start_ms, holder, claimed_unix_ms, "
          "lease_until_ms, attempts) VALUES ($1, $2, $3, $4, $5, 1) "
          "ON CONFLICT (service, slot_start_ms) DO UPDATE SET holder = EXCLUDED.holder, "
          "claimed_unix_ms = EXCLUDED.claimed_unix_ms, lease_until_ms = EXCLUDED.lease_until_ms, "
          "attempts = s.attempts + 1 "
          "WHERE s.finished_unix_ms IS NULL AND s.lease_until_ms <= EXCLUDED.claimed_unix_ms "
          "RETURNING attempts",
          {service, slot_start_ms, holder, now_ms, lease_until_ms}));
  SlotClaim claim;
  if (claimed.rows() > 0) {
    claim.state = SlotClaim::State::kClaimed;
    claim.holder = holder;
    claim.lease_until_ms = lease_until_ms;
    claim.attempts = static_cast<int>(claimed.Int(0, 0));
    return claim;
  }
  ROLLGATE_ASSIGN_OR_RETURN(
      SqlRows row,
      conn->Query("SELECT holder, lease_until_ms, finished_unix_ms IS NOT NULL FROM serve_slots "
                  "WHERE service = $1 AND slot_start_ms = $2",
                  {service, slot_start_ms}));
  if (row.rows() == 0) {
    return Status::IoError(options_.uri + ": the claim of slot " + std::to_string(slot_start_ms) +
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
          {service, slot_start_ms, holder, now_ms, run_id > 0 ? SqlValue(run_id) : SqlValue(),
           outcome})
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
                 {service, day})
            .status());
    ROLLGATE_ASSIGN_OR_RETURN(
        SqlRows row,
        db.Query(
            "SELECT runs, tokens, last_run_tokens FROM serve_usage WHERE service = $1 AND day = $2 "
            "FOR UPDATE",
            {service, day}));
    usage.runs = static_cast<int>(row.Int(0, 0));
    usage.tokens = row.Int(0, 1);
    usage.last_run_tokens = row.Int(0, 2);
    if (!update(&usage)) return Status::Ok();
    return db
        .Query(
            "UPDATE serve_usage SET runs = $3, tokens = $4, last_run_tokens = $5 "
            "WHERE service = $1 AND day = $2",
            {service, day, usage.runs, usage.tokens, usage.last_run_tokens})
        .status();
  });
  ROLLGATE_RETURN_IF_ERROR(st);
  return usage;
}

}  // namespace rollgate::internal
