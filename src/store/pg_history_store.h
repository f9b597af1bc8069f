// The history in PostgreSQL, shared by every runner and `rollgate serve` replica that points
// at the same database. The records are those of the SQLite history (src/store/pg_schema.h has
// the schema); the serve replicas also claim scheduled slots and count the daily caps in it.
//
// One connection per store, opened on first use and opened again after it is lost; calls are
// serialised on it (serve shares one store between its scheduler and its HTTP workers).
// Writers create or migrate the schema on first use; readers never write, and a database
// rollgate has not written to yet reads as "no history" (NotFound).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/pg_db.h"
#include "store/sql_history.h"

namespace rollgate::internal {

class PgHistoryStore final : public SqlHistoryStore {
 public:
  /// Loads libpq (InvalidArgument when it cannot be loaded); connects on first use.
  static Result<std::unique_ptr<PgHistoryStore>> Open(const HistoryLocation& location);

  const std::string& name() const override { return options_.uri; }
  bool shared() const override { return true; }
  Status Prepare() override;
  Status Checkpoint() override { return Status::Ok(); }
  Status HoldForServe(const std::string&) override { return Status::Ok(); }  // replicas welcome

  Result<SlotClaim> ClaimSlot(const std::string& service, int64_t slot_start_ms,
                              const std::string& holder, int64_t now_ms,
                              int64_t lease_until_ms) override;
  Status FinishSlot(const std::string& service, int64_t slot_start_ms, const std::string& holder,
                    int64_t now_ms, int64_t run_id, const std::string& outcome) override;
  Result<ServeUsage> UpdateServeUsage(const std::string& service, int64_t day,
                                      const std::function<bool(ServeUsage*)>& update) override;

 private:
  explicit PgHistoryStore(PgConnectOptions options) : options_(std::move(options)) {}

  /// Under mu_, on the store's connection; NotFound when rollgate has not written here yet.
  Status Read(const Body& body) override;
  /// Under mu_, on the store's connection with the schema migrated, in one transaction.
  Status Write(const Body& body) override;

  enum class Use { kRead, kWrite };
  /// The connection, (re)opened when needed. kWrite creates or migrates the schema; kRead
  /// answers NotFound when rollgate has not written to this database yet. REQUIRES: mu_ held.
  Result<PgDb*> Connection(Use use);
  /// Runs `body` in one transaction (BEGIN, body, COMMIT; ROLLBACK on failure).
  /// REQUIRES: mu_ held.
  static Status InTransaction(PgDb& db, const std::function<Status()>& body);

  PgConnectOptions options_;
  std::mutex mu_;
  std::unique_ptr<PgDb> db_;
  bool schema_ready_ = false;  // migrated by this process (a new connection need not repeat it)
};

}  // namespace rollgate::internal
