// A throw-away PostgreSQL 15 for tests (Debian's postgresql-15): its own data directory in a
// temp dir, listening on 127.0.0.1 on a free port with its unix socket in the temp dir,
// scram-sha-256 password logins only, stopped and removed by the destructor (so also when a test
// fails). Tests run as root and initdb refuses root, so the server runs as the `postgres` user.
//
// initdb costs seconds on a busy machine, so the first test of a build makes a template once
// (under a lock file, in /tmp/rollgate-pg-template-15-<hash of the build directory>/: a data
// directory with the test role and database already created) and every server starts from a
// copy of it.
//
//   PgServer pg;
//   ASSERT_PG_STARTED(pg);                 // or skips, saying what to install
//   std::string uri = pg.Uri();            // postgresql://rollgate_test@127.0.0.1:PORT/rollgate
//   setenv... or HistoryLocation{kPostgres, uri, PgServer::kPassword}
#pragma once

#include <string>

#include "rollgate/status.h"
#include "store/history_location.h"
#include "testutil/skip_or_fail.h"

namespace rollgate::testing {

class PgServer {
 public:
  /// A recognisable fake password: leak scans look for it.
  static constexpr char kPassword[] = "pgpw-fixture-9b4e2c7a1f6d3805";
  static constexpr char kUser[] = "rollgate_test";
  static constexpr char kDatabase[] = "rollgate";

  PgServer() = default;
  ~PgServer();  // Stop() and remove the data directory
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  /// Why PostgreSQL tests cannot run here ("" when they can): postgresql-15 missing, or no
  /// `postgres` user to run it as root.
  static std::string Unavailable();

  /// Makes the data directory (from the template) and starts the server.
  Status Start();
  /// Stops it at once (pg_ctl -m immediate: like a crash, connections dropped). Idempotent.
  Status Stop();
  /// Starts it again on the same port and data.
  Status Restart();
  bool running() const { return running_; }

  int port() const { return port_; }
  /// postgresql://rollgate_test@127.0.0.1:PORT/<db> (no password in it).
  std::string Uri(const std::string& db = kDatabase) const;
  /// Where a history in database `db` is, with the password: what OpenHistoryStore takes.
  internal::HistoryLocation Location(const std::string& db = kDatabase) const;
  /// NAME=VALUE for a child process: PGPASSWORD, so libpq finds the password itself.
  static std::string PasswordEnv() { return std::string("PGPASSWORD=") + kPassword; }

  /// Runs SQL with psql as the test user (tuples only, unaligned); the output.
  Result<std::string> Psql(const std::string& sql, const std::string& db = kDatabase) const;
  /// pg_dump of `db` as plain SQL.
  Result<std::string> Dump(const std::string& db = kDatabase) const;
  /// A fresh database owned by the test user.
  Status CreateDatabase(const std::string& name) const;
  /// The server's log so far (for failure messages).
  std::string Log() const;

 private:
  Status StartOn(int port);

  std::string dir_;  // owned by postgres: data/, the socket, the log
  int port_ = 0;
  bool running_ = false;
};

}  // namespace rollgate::testing

/// Starts `pg` or skips the test when PostgreSQL is not installed; fails when it is installed
/// but does not start.
#define ASSERT_PG_STARTED(pg)                                                             \
  do {                                                                                    \
    std::string rollgate_pg_unavailable = ::rollgate::testing::PgServer::Unavailable();   \
    if (!rollgate_pg_unavailable.empty()) ROLLGATE_SKIP_OR_FAIL(rollgate_pg_unavailable); \
    ::rollgate::Status rollgate_pg_status = (pg).Start();                                 \
    ASSERT_TRUE(rollgate_pg_status.ok()) << rollgate_pg_status.message();                 \
  } while (0)
