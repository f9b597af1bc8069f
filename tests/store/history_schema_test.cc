// The history's tables, written once for both engines (src/store/history_schema.cc): each
// dialect's text runs, the SQLite id stays the rowid, and a history file written with the
// tables as they were spelled before still reads and takes new runs.
#include "store/history_schema.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "store/history_store.h"
#include "store/history_test_util.h"
#include "store/sqlite_db.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

constexpr int64_t kSchemaT0 = 1795600800000;  // 2026-11-25T10:00:00Z

TEST(HistorySchemaTest, EachDialectHasItsOwnSpellingAndNoTokenLeftOver) {
  const std::string lite = HistoryTablesSql(SqlDialect::kSqlite);
  const std::string pg = HistoryTablesSql(SqlDialect::kPostgres);
  for (const std::string& sql : {lite, pg}) {
    EXPECT_EQ(sql.find('{'), std::string::npos) << sql;
    EXPECT_EQ(sql.find('}'), std::string::npos) << sql;
  }
  EXPECT_NE(lite.find("id INTEGER PRIMARY KEY AUTOINCREMENT"), std::string::npos);
  EXPECT_NE(lite.find(") WITHOUT ROWID;"), std::string::npos);
  EXPECT_EQ(lite.find("rollgate."), std::string::npos);
  EXPECT_NE(pg.find("CREATE TABLE rollgate.checks"), std::string::npos);
  EXPECT_NE(pg.find("REFERENCES rollgate.releases (run_id, name)"), std::string::npos);
  EXPECT_EQ(pg.find("WITHOUT ROWID"), std::string::npos);
}

TEST(HistorySchemaTest, TheSqliteTablesRunAndNumberRunsFromOne) {
  testing::TempDir dir;
  Result<std::unique_ptr<SqliteDb>> db =
      SqliteDb::Open(dir.Join("t.db"), SqliteDb::Mode::kReadWriteCreate, 1000);
  ASSERT_OK(db);
  ASSERT_OK((*db)->Exec(HistoryTablesSql(SqlDialect::kSqlite)));
  ASSERT_OK((*db)->Exec(
      "INSERT INTO runs (command, started_by, service, decision, config_file, started_unix_ms, "
      "finished_unix_ms, tokens_used, gate_count, release_count, gate_json) "
      "VALUES ('gate', 'cli', 's', 'pass', 'f', 1, 2, 3, 0, 0, '{}')"));
  Result<SqlRows> ids = (*db)->Query("SELECT id, rowid FROM runs", {});
  ASSERT_OK(ids);
  ASSERT_EQ(ids->rows(), 1);
  EXPECT_EQ(ids->Int(0, 0), 1);
  EXPECT_EQ(ids->Int(0, 1), 1) << "the id is the rowid";
}

// A history.db made by an earlier rollgate: its tables spelled as tests/data/history/
// v1_sqlite.sql has them (INTEGER and REAL columns, no runs_by_service index).
TEST(HistorySchemaTest, AFileWithTheEarlierSpellingOfTheTablesReadsAndTakesNewRuns) {
  testing::TempDir dir;
  const std::string path = dir.Join("history.db");
  Result<std::string> v1 =
      ReadFileToString(std::string(ROLLGATE_SOURCE_DIR) + "/tests/data/history/v1_sqlite.sql");
  ASSERT_OK(v1);
  {
    Result<std::unique_ptr<SqliteDb>> db =
        SqliteDb::Open(path, SqliteDb::Mode::kReadWriteCreate, 1000);
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec(*v1));
    ASSERT_OK((*db)->Exec("PRAGMA application_id = 1382508660; PRAGMA user_version = 1"));
  }
  const RunReport run = testing::MakeRun(kSchemaT0, "", "latency");
  ASSERT_OK(AppendToHistory(path, run, "{\"decision\":\"block\"}"));
  ASSERT_OK(AppendToHistory(path, testing::MakeRun(kSchemaT0 + 1000), "{}"));
  HistoryQuery query;
  Result<std::vector<HistoryRun>> runs = ListHistory(path, query);
  ASSERT_OK(runs);
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ(runs->back().releases.at(1).failed_checks, std::vector<std::string>{"latency"});
  Result<HistoryRun> first = GetHistoryRun(path, 1);
  ASSERT_OK(first);
  EXPECT_EQ(first->gate_json, "{\"decision\":\"block\"}");
  Result<std::string> integrity = CheckHistoryIntegrity(path);
  ASSERT_OK(integrity);
  EXPECT_EQ(*integrity, "ok");
}

}  // namespace
}  // namespace rollgate::internal
