// The history's records in an SQL database, written once for both engines: the rows of a run,
// appended in one transaction, and the queries of the listings, the serve caps and the fleet
// view. An engine's store (SQLite: src/store/sqlite_history_store.h, PostgreSQL:
// src/store/pg_history_store.h) says only how it opens a session to read and how it runs a
// write transaction, with its schema created or migrated first.
//
// The SQL is what SQLite 3.40 and PostgreSQL 15 both run unchanged (window functions, multi-row
// VALUES, RETURNING, $N parameters); the one difference, how text is ordered byte by byte, is
// SqlSession::ByteOrder(). So both stores list the same runs in the same order.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/history_store.h"
#include "store/sql_session.h"

namespace rollgate::internal {

class SqlHistoryStore : public HistoryStore {
 public:
  Result<int64_t> Append(const RunReport& report, const std::string& gate_json,
                         const AppendOptions& options) final;
  Result<std::vector<HistoryRun>> List(const HistoryQuery& query) final;
  Result<HistoryRun> Get(int64_t id) final;
  Result<std::vector<LastKnownGood>> LastKnownGoodReleases() final;
  Result<std::vector<HistoryRun>> LatestPerService() final;
  Result<HistoryUsage> UsageBetween(const std::string& service, int64_t from_unix_ms,
                                    int64_t to_unix_ms, const std::string& trigger_prefix) final;
  Result<std::optional<HistoryRun>> LatestRun(const std::string& service,
                                              const std::string& trigger_prefix) final;

 protected:
  using Body = std::function<Status(SqlSession&)>;

  /// Runs `body` on a session that reads the history. NotFound when there is no history (no
  /// file, no schema), without running `body`; OK without running it when the history exists
  /// but holds nothing yet (an SQLite file whose first append was killed).
  virtual Status Read(const Body& body) = 0;
  /// Runs `body` in one write transaction, the schema created or migrated first: committed
  /// when `body` returns OK, rolled back otherwise.
  virtual Status Write(const Body& body) = 0;
};

}  // namespace rollgate::internal
