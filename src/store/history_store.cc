// The store-independent half of the history: opening the right store for a location and the
// one-shot helpers over a location string.
#include "store/history_store.h"

#include <unistd.h>

#include "store/pg_history_store.h"
#include "store/sqlite_history_store.h"

namespace rollgate::internal {

Result<SlotClaim> HistoryStore::ClaimSlot(const std::string&, int64_t, const std::string&, int64_t,
                                          int64_t) {
  return Status::Internal(name() + ": slots are claimed only in a shared (PostgreSQL) history");
}

Status HistoryStore::FinishSlot(const std::string&, int64_t, const std::string&, int64_t, int64_t,
                                const std::string&) {
  return Status::Internal(name() + ": slots are claimed only in a shared (PostgreSQL) history");
}

Result<ServeUsage> HistoryStore::UpdateServeUsage(const std::string&, int64_t,
                                                  const std::function<bool(ServeUsage*)>&) {
  return Status::Internal(name() + ": caps are counted only in a shared (PostgreSQL) history");
}

std::string HistoryHolderId() {
  char host[256] = {};
  std::string name = ::gethostname(host, sizeof host - 1) == 0 ? host : "unknown";
  return name + ":" + std::to_string(::getpid());
}

Result<std::unique_ptr<HistoryStore>> OpenHistoryStore(const HistoryLocation& location) {
  if (location.postgres()) {
    ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<PgHistoryStore> pg, PgHistoryStore::Open(location));
    return std::unique_ptr<HistoryStore>(std::move(pg));
  }
  return std::unique_ptr<HistoryStore>(std::make_unique<SqliteHistoryStore>(location.db));
}

Result<HistoryLocation> LocateHistory(const std::string& db, const std::string& what) {
  ROLLGATE_ASSIGN_OR_RETURN(HistoryLocation::Kind kind, ClassifyHistoryDb(db, what));
  HistoryLocation location;
  location.kind = kind;
  location.db = db;
  return location;
}

namespace {

Result<std::unique_ptr<HistoryStore>> OpenBare(const std::string& db) {
  ROLLGATE_ASSIGN_OR_RETURN(HistoryLocation location, LocateHistory(db));
  return OpenHistoryStore(location);
}

}  // namespace

Status AppendToHistory(const std::string& db, const RunReport& report,
                       const std::string& gate_json) {
  return AppendToHistory(db, report, gate_json, AppendOptions{});
}

Status AppendToHistory(const std::string& db, const RunReport& report, const std::string& gate_json,
                       const AppendOptions& options) {
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<HistoryStore> store, OpenBare(db));
  Result<int64_t> id = store->Append(report, gate_json, options);
  return id.ok() ? Status::Ok() : id.status();
}

Result<std::vector<HistoryRun>> ListHistory(const std::string& db, const HistoryQuery& query) {
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<HistoryStore> store, OpenBare(db));
  return store->List(query);
}

Result<HistoryRun> GetHistoryRun(const std::string& db, int64_t id) {
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<HistoryStore> store, OpenBare(db));
  return store->Get(id);
}

Result<std::vector<LastKnownGood>> LastKnownGoodReleases(const std::string& db) {
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<HistoryStore> store, OpenBare(db));
  return store->LastKnownGoodReleases();
}

Result<HistoryUsage> HistoryUsageBetween(const std::string& db, const std::string& service,
                                         int64_t from_unix_ms, int64_t to_unix_ms,
                                         const std::string& trigger_prefix) {
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<HistoryStore> store, OpenBare(db));
  return store->UsageBetween(service, from_unix_ms, to_unix_ms, trigger_prefix);
}

Status CheckpointHistory(const std::string& db) {
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<HistoryStore> store, OpenBare(db));
  return store->Checkpoint();
}

}  // namespace rollgate::internal
