// Where the history lives: a file path is SQLite, a postgresql:// URI is PostgreSQL, anything
// else shaped like a URI is refused (it used to become a directory named after the URI,
// password included), and a password inside the URI is refused without being repeated.
#include "store/history_location.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "config/loader.h"
#include "e2e/e2e_util.h"
#include "store/history_append.h"
#include "testutil/fake_environment.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

constexpr char kLocPassword[] = "hunter2-locpw-5e1c";

TEST(HistoryLocationTest, PathsAreSqliteAndPostgresUrisArePostgres) {
  for (const char* path : {"rollgate-history.db", "/var/lib/rollgate/history.db", "./a:b/h.db",
                           "state/postgresql.db", "C:history.db"}) {
    Result<HistoryLocation::Kind> kind = ClassifyHistoryDb(path, "history.db");
    ASSERT_OK(kind) << path;
    EXPECT_EQ(*kind, HistoryLocation::Kind::kSqlite) << path;
  }
  for (const char* uri :
       {"postgresql://rollgate@db:5432/rollgate", "postgres://rollgate@db/rollgate?sslmode=require",
        "POSTGRESQL://rollgate@10.0.0.5/h", "postgresql:///rollgate"}) {
    Result<HistoryLocation::Kind> kind = ClassifyHistoryDb(uri, "history.db");
    ASSERT_OK(kind) << uri;
    EXPECT_EQ(*kind, HistoryLocation::Kind::kPostgres) << uri;
  }
}

TEST(HistoryLocationTest, UnsupportedSchemesAreRefused) {
  for (const char* uri : {"mysql://u@db/h", "file:///tmp/h.db", "sqlite://h.db", "redis://x",
                          "postgresql+psycopg://u@db/h"}) {
    Result<HistoryLocation::Kind> kind = ClassifyHistoryDb(uri, "history.db");
    ASSERT_FALSE(kind.ok()) << uri;
    EXPECT_EQ(kind.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(kind.status().message().find("history.db: the scheme"), std::string::npos)
        << kind.status().message();
    EXPECT_NE(kind.status().message().find("is not supported"), std::string::npos);
  }
  EXPECT_FALSE(ClassifyHistoryDb("", "--db").ok());
}

TEST(HistoryLocationTest, APasswordInTheUriIsRefusedWithoutRepeatingIt) {
  for (const std::string& uri :
       {std::string("postgresql://rollgate:") + kLocPassword + "@db:5432/rollgate",
        std::string("postgresql://rollgate@db/rollgate?sslmode=require&password=") + kLocPassword,
        std::string("postgresql://db/rollgate?pass%77ord=") + kLocPassword,
        std::string("postgres://u:") + kLocPassword + "@[::1]:5432/h"}) {
    Result<HistoryLocation::Kind> kind = ClassifyHistoryDb(uri, "history.db");
    ASSERT_FALSE(kind.ok()) << uri;
    EXPECT_EQ(kind.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(kind.status().message().find("carries a password"), std::string::npos);
    EXPECT_NE(kind.status().message().find("history.password"), std::string::npos);
    EXPECT_EQ(kind.status().message().find(kLocPassword), std::string::npos);
  }
  // A user name alone, or a parameter whose value merely mentions "password", is fine.
  EXPECT_OK(ClassifyHistoryDb("postgresql://rollgate@db/h?application_name=password", "x"));
}

// Before: a postgresql:// value was taken as a relative SQLite path, and the first append made
// directories named after the URI (password included) beside the config.
TEST(HistoryLocationTest, TheLoaderRefusesWhatIsNotAPathOrAPasswordlessPostgresUri) {
  testing::TempDir dir;
  const std::string base =
      "service: s\nreleases:\n"
      "  new: {version: '2', base_url: 'http://127.0.0.1:1', api_key: k, model: m}\n"
      "  rollback: {version: '1', base_url: 'http://127.0.0.1:1', api_key: k, model: m}\n";
  auto load = [&](const std::string& history) {
    return LoadConfig(dir.Write("rollgate.yaml", base + history));
  };

  Result<Config> mysql = load("history: {db: 'mysql://u@db/h'}\n");
  ASSERT_FALSE(mysql.ok());
  EXPECT_EQ(mysql.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(mysql.status().message().find("rollgate.yaml:5: history.db: the scheme mysql:// is "
                                          "not supported"),
            std::string::npos)
      << mysql.status().message();

  Result<Config> secret =
      load(std::string("history: {db: 'postgresql://u:") + kLocPassword + "@db/h'}\n");
  ASSERT_FALSE(secret.ok());
  EXPECT_NE(secret.status().message().find("history.db: the PostgreSQL URI carries a password"),
            std::string::npos);
  EXPECT_EQ(secret.status().message().find(kLocPassword), std::string::npos);

  Result<Config> stray = load("history: {db: h.db, password: {env: PGPW}}\n");
  ASSERT_FALSE(stray.ok());
  EXPECT_NE(stray.status().message().find("history.password: applies only to a postgresql://"),
            std::string::npos);

  Result<Config> pg =
      load("history: {db: 'postgresql://rollgate@db:5432/rollgate', password: {env: PGPW}}\n");
  ASSERT_OK(pg);
  EXPECT_EQ(pg->history->db, "postgresql://rollgate@db:5432/rollgate") << "never a relative path";
  ASSERT_TRUE(pg->history->password.has_value());
  EXPECT_EQ(pg->history->password->name, "PGPW");

  Result<Config> file = load("history: {db: state/h.db}\n");
  ASSERT_OK(file);
  EXPECT_EQ(file->history->db, dir.Join("state/h.db"));
}

TEST(HistoryLocationTest, ThePasswordResolvesFromItsSourceIntoTheRedactor) {
  testing::FakeEnvironment env;
  HistoryConfig history;
  history.db = "postgresql://rollgate@db/h";
  ValueSource source;
  source.kind = ValueSource::Kind::kEnv;
  source.name = "ROLLGATE_HISTORY_PASSWORD";
  history.password = source;

  Redactor redactor;
  Result<HistoryLocation> unset = ResolveHistoryLocation(history, "/", env, &redactor);
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.status().message().find("history.password: env ROLLGATE_HISTORY_PASSWORD"),
            std::string::npos)
      << unset.status().message();

  env.vars["ROLLGATE_HISTORY_PASSWORD"] = kLocPassword;
  Result<HistoryLocation> ok = ResolveHistoryLocation(history, "/", env, &redactor);
  ASSERT_OK(ok);
  EXPECT_TRUE(ok->postgres());
  EXPECT_EQ(ok->password, kLocPassword);
  EXPECT_EQ(redactor.Redact(std::string("x ") + kLocPassword), "x [redacted]");
}

// `rollgate history --db mysql://...` is a usage error naming --db.
TEST(HistoryLocationTest, TheHistoryCommandRefusesAnUnsupportedScheme) {
  testing::TempDir dir;
  testing::CliRun run = testing::RunRollgate({"history", "--db", "mysql://u@db/h"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("--db: the scheme mysql:// is not supported"), std::string::npos)
      << run.err;
  testing::CliRun secret = testing::RunRollgate(
      {"history", "--db", std::string("postgresql://u:") + kLocPassword + "@127.0.0.1:1/h"});
  EXPECT_EQ(secret.exit_code, 2) << secret.err;
  EXPECT_EQ(secret.err.find(kLocPassword), std::string::npos) << secret.err;
  EXPECT_EQ(secret.out.find(kLocPassword), std::string::npos);
}

}  // namespace
}  // namespace rollgate::internal
