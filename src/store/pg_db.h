// The one adapter over libpq (Debian's libpq5): a connection that runs parameterised queries
// with a deadline and reports failures as a Status. Nothing of <libpq-fe.h> shows through this
// header; only pg_db.cc includes it.
//
// libpq is loaded with dlopen the first time a PostgreSQL history is used, not linked: every
// shared library costs each `rollgate check` its loading (bench/RESULTS.md), and most runs never
// touch PostgreSQL. The build still needs libpq-dev (the header), and the machine libpq5.
//
// Secrets: the password goes to libpq as its own connection parameter, never inside a URI that
// could be logged, and every message from libpq passes through a Redactor that knows it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/secret.h"
#include "rollgate/status.h"
#include "store/sql_session.h"

struct pg_conn;

namespace rollgate::internal {

struct PgConnectOptions {
  std::string uri;               // postgresql://user@host:port/dbname?sslmode=... (no password)
  std::string password;          // empty: libpq's own sources (PGPASSWORD, PGPASSFILE, ~/.pgpass)
  int connect_timeout_s = 10;    // per address libpq tries (libpq's connect_timeout)
  int query_timeout_ms = 30000;  // a query without an answer by then is cancelled: IoError
  std::string application_name = "rollgate";
};

/// One connection. Not thread-safe: use it from one thread at a time.
class PgDb final : public SqlSession {
 public:
  /// Loads libpq (once per process), checks the URI with libpq's own parser (InvalidArgument
  /// when it cannot be parsed or carries a password) and connects (IoError when the server
  /// cannot be reached or refuses the login).
  static Result<std::unique_ptr<PgDb>> Connect(const PgConnectOptions& options);
  ~PgDb();
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;

  /// Runs one statement with $1, $2, ... bound to `params`, sent as text; text that is not
  /// valid UTF-8 or holds a NUL byte, which PostgreSQL's text cannot store, is sent with a
  /// '?' for each byte that is not ASCII (a detail quoting a provider's broken bytes must not
  /// make an append fail; the evidence files keep the original). Rows for a SELECT or
  /// RETURNING, none otherwise. IoError when the connection is lost or the query times out
  /// (the connection is then broken()), or for errors that may pass on a retry (serialization
  /// failures, deadlocks, the server shutting down); InvalidArgument for missing privileges;
  /// Internal for the rest. Messages name the URI and the statement.
  Result<SqlRows> Query(const std::string& sql, const std::vector<SqlValue>& params) override;
  Result<SqlRows> Query(const std::string& sql) { return Query(sql, {}); }
  std::string_view ByteOrder() const override { return " COLLATE \"C\""; }
  /// Runs one or more statements without parameters.
  Status Exec(const std::string& sql);

  /// True once the connection is gone (lost, timed out): open a new one.
  bool broken() const;
  const std::string& uri() const { return uri_; }

 private:
  PgDb(pg_conn* conn, std::string uri, int query_timeout_ms, Redactor redactor)
      : conn_(conn),
        uri_(std::move(uri)),
        query_timeout_ms_(query_timeout_ms),
        redactor_(std::move(redactor)) {}
  Result<SqlRows> Run(const std::string& sql, const std::vector<SqlValue>* params);
  Status Lost(const std::string& what);

  pg_conn* conn_ = nullptr;
  std::string uri_;
  int query_timeout_ms_;
  Redactor redactor_;  // the password, for every message from libpq
  bool broken_ = false;
};

/// Whether libpq can be loaded here: InvalidArgument naming the library and the package
/// otherwise.
Status LoadLibpq();

}  // namespace rollgate::internal
