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

#include "store/sql_history.h"

namespace rollgate::internal {

class SqliteHistoryStore final : public SqlHistoryStore {
 public:
  explicit SqliteHistoryStore(std::string path);
  ~SqliteHistoryStore() override;

  const std::string& name() const override { return path_; }
  bool shared() const override { return false; }
  Status Prepare() override;
  Status Checkpoint() override;
  Status HoldForServe(const std::string& service) override;

 private:
  /// A read-only connection per call: another process may be writing.
  Status Read(const Body& body) override;
  /// One connection per append, in WAL mode, in one IMMEDIATE transaction.
  Status Write(const Body& body) override;

  std::string path_;
  int serve_lock_fd_ = -1;  // the flock'ed lock file while this process serves
};

}  // namespace rollgate::internal
