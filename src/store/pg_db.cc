// libpq behind a Status-returning surface. Queries run in libpq's non-blocking mode and are
// waited for with poll() against a deadline, so a server that stops answering (stopped, cut off
// by the network) costs a bounded time and a "connection lost" IoError, never a hang.
#include "store/pg_db.h"

#include <dlfcn.h>
#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "base/strings.h"

namespace rollgate::internal {

namespace {

// Every libpq function rollgate calls, resolved from libpq.so.5 by name; the types come from
// the header, so a mismatch is a compile error, not a crash.
// clang-format off
#define ROLLGATE_LIBPQ_FUNCTIONS(X)                                                      \
  X(PQconnectdbParams) X(PQstatus) X(PQerrorMessage) X(PQfinish) X(PQsetNoticeProcessor) \
  X(PQconninfoParse) X(PQconninfoFree) X(PQfreemem) X(PQsetnonblocking) X(PQsendQuery)   \
  X(PQsendQueryParams) X(PQflush) X(PQsocket) X(PQconsumeInput) X(PQisBusy)              \
  X(PQgetResult) X(PQresultStatus) X(PQresultErrorField) X(PQresultErrorMessage)         \
  X(PQntuples) X(PQnfields) X(PQgetisnull) X(PQgetvalue) X(PQgetlength) X(PQclear)
// clang-format on

struct Libpq {
// `name` is a declarator here and cannot be parenthesised.
#define ROLLGATE_LIBPQ_FIELD(name) \
  decltype(&::name) name = nullptr;  // NOLINT(bugprone-macro-parentheses)
  ROLLGATE_LIBPQ_FUNCTIONS(ROLLGATE_LIBPQ_FIELD)
#undef ROLLGATE_LIBPQ_FIELD
};

// Loaded once per process and never unloaded (libpq keeps process-wide state, e.g. OpenSSL's).
const Libpq* LoadOnce(std::string* error) {
  static Libpq lib;
  static std::string load_error;
  static bool loaded = false;
  static std::once_flag once;
  std::call_once(once, [] {
    void* handle = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = ::dlerror();
      load_error = why ? why : "libpq.so.5: cannot be loaded";
      return;
    }
#define ROLLGATE_LIBPQ_RESOLVE(name)                                      \
  lib.name = reinterpret_cast<decltype(&::name)>(::dlsym(handle, #name)); \
  if (!lib.name) {                                                        \
    load_error = "libpq.so.5 has no " #name " (libpq older than 15?)";    \
    return;                                                               \
  }
    ROLLGATE_LIBPQ_FUNCTIONS(ROLLGATE_LIBPQ_RESOLVE)
#undef ROLLGATE_LIBPQ_RESOLVE
    loaded = true;
  });
  if (!loaded) {
    *error = load_error;
    return nullptr;
  }
  return &lib;
}

const Libpq& Pq() {
  std::string ignored;
  return *LoadOnce(&ignored);  // only called on a connection, which needed it loaded
}

void IgnoreNotice(void*, const char*) {
}  // NOTICEs (e.g. "already exists, skipping"): not ours to print

// Errors that may pass when the statement is tried again, perhaps on a new connection.
bool Transient(const std::string& sqlstate) {
  const std::string cls = sqlstate.substr(0, 2);
  return cls == "08" || cls == "53" || cls == "58" || cls == "40" || sqlstate == "57P01" ||
         sqlstate == "57P02" || sqlstate == "57P03" || sqlstate == "57014";
}

// The operator's to fix: the role, the database, the login.
bool Configuration(const std::string& sqlstate) {
  const std::string cls = sqlstate.substr(0, 2);
  return sqlstate == "42501" || cls == "28" || sqlstate == "3D000";
}

// A PGRES_TUPLES_OK result's cells, NULL as nullopt.
SqlRows ReadCells(const Libpq& pq, const PGresult* res) {
  SqlRows rows;
  const int n = pq.PQntuples(res);
  const int m = pq.PQnfields(res);
  for (int r = 0; r < n; ++r) {
    SqlRows::Row row;
    row.reserve(static_cast<std::size_t>(m));
    for (int c = 0; c < m; ++c) {
      if (pq.PQgetisnull(res, r, c)) {
        row.emplace_back();
      } else {
        row.emplace_back(std::string(pq.PQgetvalue(res, r, c),
                                     static_cast<std::size_t>(pq.PQgetlength(res, r, c))));
      }
    }
    rows.Add(std::move(row));
  }
  return rows;
}

// PostgreSQL's text holds valid UTF-8 without NUL bytes; SQLite's holds anything. Text that is
// not storable is sent with '?' for each byte that is not ASCII, and without its NUL bytes.
std::string StorableText(const std::string& s) {
  if (s.find('\0') == std::string::npos && IsValidUtf8(s)) return s;
  std::string out;
  for (char c : s) {
    if (c == '\0') continue;
    out += static_cast<unsigned char>(c) < 0x80 ? c : '?';
  }
  return out;
}

// A parameter in libpq's text format ("" for NULL, which is sent as a null pointer). A real
// is written with the fewest digits that read back to the same double.
std::string ParamText(const SqlValue& v) {
  if (const int64_t* integer = v.integer()) return std::to_string(*integer);
  if (const double* real = v.real()) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *real);
    return ec == std::errc() ? std::string(buf, end) : std::to_string(*real);
  }
  if (const std::string* text = v.text()) return StorableText(*text);
  return std::string();
}

// A failed statement's error, by its SQLSTATE: IoError when it may pass on a retry,
// InvalidArgument when the operator must fix the login or rights, else Internal.
Status ResultError(const Libpq& pq, const PGresult* res, const std::string& where,
                   const Redactor& redactor) {
  const char* state = pq.PQresultErrorField(res, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state ? state : "";
  const std::string message = where + ": " + redactor.Redact(Trim(pq.PQresultErrorMessage(res)));
  if (sqlstate.empty() || Transient(sqlstate)) return Status::IoError(message);
  if (Configuration(sqlstate)) return Status::InvalidArgument(message);
  return Status::Internal(message);
}

}  // namespace

Status LoadLibpq() {
  std::string error;
  if (LoadOnce(&error)) return Status::Ok();
  return Status::InvalidArgument("a PostgreSQL history needs libpq, which cannot be loaded (" +
                                 error + "); install libpq5 (apt-get install libpq5)");
}

Result<std::unique_ptr<PgDb>> PgDb::Connect(const PgConnectOptions& options) {
  ROLLGATE_RETURN_IF_ERROR(LoadLibpq());
  const Libpq& pq = Pq();
  Redactor redactor;
  redactor.AddSecret(options.password);

  // libpq's own reading of the URI: what it would connect with, including ?password=.
  char* parse_error = nullptr;
  PQconninfoOption* parsed = pq.PQconninfoParse(options.uri.c_str(), &parse_error);
  if (!parsed) {
    std::string why = parse_error ? Trim(parse_error) : "cannot be parsed";
    if (parse_error) pq.PQfreemem(parse_error);
    return Status::InvalidArgument("the PostgreSQL URI is not valid: " + redactor.Redact(why) +
                                   "; expected postgresql://user@host:port/dbname");
  }
  bool has_password = false;
  for (PQconninfoOption* o = parsed; o->keyword; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val && *o->val) has_password = true;
  }
  pq.PQconninfoFree(parsed);
  if (has_password) {
    return Status::InvalidArgument(
        "the PostgreSQL URI carries a password; give it as history.password or through "
        "PGPASSWORD or PGPASSFILE instead");
  }

  // Defaults first, then the URI (expand_dbname: its settings override the defaults), then
  // the password, which nothing in the URI may override.
  const std::string timeout = std::to_string(options.connect_timeout_s);
  std::vector<const char*> keys = {"connect_timeout", "application_name",    "keepalives",
                                   "keepalives_idle", "keepalives_interval", "keepalives_count",
                                   "dbname"};
  std::vector<const char*> values = {
      timeout.c_str(), options.application_name.c_str(), "1", "10", "5", "3", options.uri.c_str()};
  if (!options.password.empty()) {
    keys.push_back("password");
    values.push_back(options.password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = pq.PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (!conn) return Status::IoError(options.uri + ": cannot connect: out of memory");
  if (pq.PQstatus(conn) != CONNECTION_OK) {
    std::string why = Trim(pq.PQerrorMessage(conn));
    pq.PQfinish(conn);
    return Status::IoError(options.uri + ": cannot connect: " + redactor.Redact(why));
  }
  pq.PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  if (pq.PQsetnonblocking(conn, 1) != 0) {
    std::string why = Trim(pq.PQerrorMessage(conn));
    pq.PQfinish(conn);
    return Status::Internal(options.uri + ": non-blocking mode: " + redactor.Redact(why));
  }
  return std::unique_ptr<PgDb>(
      new PgDb(conn, options.uri, options.query_timeout_ms, std::move(redactor)));
}

PgDb::~PgDb() {
  if (conn_) Pq().PQfinish(conn_);
}

bool PgDb::broken() const { return broken_ || !conn_ || Pq().PQstatus(conn_) != CONNECTION_OK; }

Status PgDb::Lost(const std::string& what) {
  std::string why = conn_ ? Trim(Pq().PQerrorMessage(conn_)) : "";
  broken_ = true;
  if (conn_) Pq().PQfinish(conn_);  // the server aborts whatever transaction was open
  conn_ = nullptr;
  return Status::IoError(uri_ + ": " + what + ": the connection was lost" +
                         (why.empty() ? "" : " (" + redactor_.Redact(why) + ")"));
}

Result<SqlRows> PgDb::Query(const std::string& sql, const std::vector<SqlValue>& params) {
  return Run(sql, &params);
}

Status PgDb::Exec(const std::string& sql) {
  return Run(sql, nullptr).status();  // OK when it ran; the rows are not wanted
}

Result<SqlRows> PgDb::Run(const std::string& sql, const std::vector<SqlValue>* params) {
  const std::string what = AbbreviateSql(sql);
  if (broken()) return Status::IoError(uri_ + ": " + what + ": the connection was lost");
  const Libpq& pq = Pq();
  int sent = 0;
  if (params) {
    std::vector<std::string> text;  // every value as PostgreSQL's text format
    text.reserve(params->size());
    for (const SqlValue& p : *params) text.push_back(ParamText(p));
    std::vector<const char*> values;
    for (std::size_t i = 0; i < params->size(); ++i) {
      values.push_back((*params)[i].is_null() ? nullptr : text[i].c_str());
    }
    sent = pq.PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0);
  } else {
    sent = pq.PQsendQuery(conn_, sql.c_str());
  }
  if (!sent) return Lost(what);

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(query_timeout_ms_);
  // Waits until the socket is ready for `events`; false when the deadline passed.
  auto wait = [&](short events) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd fd{pq.PQsocket(conn_), events, 0};
    return ::poll(&fd, 1, static_cast<int>(left)) > 0;
  };
  const std::string timed_out =
      what + ": no answer within " + FormatDurationMs(static_cast<double>(query_timeout_ms_));
  while (true) {  // the whole query out (large appends do not fit one socket buffer)
    int flushed = pq.PQflush(conn_);
    if (flushed == 0) break;
    if (flushed < 0) return Lost(what);
    if (!wait(POLLOUT | POLLIN)) return Lost(timed_out);
    if (!pq.PQconsumeInput(conn_)) return Lost(what);
  }

  SqlRows rows;
  Status error;
  while (true) {
    while (pq.PQisBusy(conn_)) {
      if (!wait(POLLIN)) return Lost(timed_out);
      if (!pq.PQconsumeInput(conn_)) return Lost(what);
    }
    PGresult* res = pq.PQgetResult(conn_);
    if (!res) break;
    ExecStatusType status = pq.PQresultStatus(res);
    if (status == PGRES_TUPLES_OK) {
      rows = ReadCells(pq, res);
    } else if (status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY && error.ok()) {
      error = ResultError(pq, res, uri_ + ": " + what, redactor_);
    }
    pq.PQclear(res);
  }
  if (pq.PQstatus(conn_) != CONNECTION_OK) {
    Status lost = Lost(what);
    return error.ok() ? lost : error;
  }
  if (!error.ok()) return error;
  return rows;
}

}  // namespace rollgate::internal
