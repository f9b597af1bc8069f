// The history in one SQLite file: the embedded default. One process at a time may serve a
// service from it (HoldForServe); any number of `rollgate gate`/`check`/`drill` may append.
//
// Durability: WAL journal, synchronous=FULL, one IMMEDIATE transaction per append. A process
// killed at any instant (kill -9) leaves either the whole run or none of it, and the database
// passes PRAGMA integrity_check. Concurrent writers (CI jobs, `rollgate serve`) wait on the busy
// timeout rather than fail.
#pragma once

#include <memory>
#include <string>

#include "store/history_store.h"

namespace rollgate::internal {

class SqliteHistoryStore : public HistoryStore {
 public:
  explicit SqliteHistoryStore(std::string path);
  ~SqliteHistoryStore() override;

  const std::string& name() const override { return path_; }
  bool shared() const override { return false; }
  Result<int64_t> Append(const RunReport& report, const std::string& gate_json,
                         const AppendOptions& options) override;
  Result<std::vector<HistoryRun>> List(const HistoryQuery& query) override;
  Result<HistoryRun> Get(int64_t id) override;
  Result<std::vector<LastKnownGood>> LastKnownGoodReleases() override;
  Result<std::vector<HistoryRun>> LatestPerService() override;
  Result<HistoryUsage> UsageBetween(const std::string& service, int64_t from_unix_ms,
                                    int64_t to_unix_ms, const std::string& trigger_prefix) override;
  Result<std::optional<HistoryRun>> LatestRun(const std::string& service,
                                              const std::string& trigger_prefix) override;
  Status Prepare() override;
  Status Checkpoint() override;
  Status HoldForServe(const std::string& service) override;

 private:
  std::string path_;
  int serve_lock_fd_ = -1;  // the flock'ed lock file while this process serves
};

}  // namespace rollgate::internal
