// The session both history stores run their SQL on, here through SQLite: $N parameters bound
// by number wherever and however often they stand, NULLs both ways, cells as text.
#include "store/sql_session.h"

#include <gtest/gtest.h>

#include "store/sqlite_db.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

class SqlSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<SqliteDb>> db =
        SqliteDb::Open(dir_.Join("s.db"), SqliteDb::Mode::kReadWriteCreate, 1000);
    ASSERT_OK(db);
    db_ = std::move(*db);
    ASSERT_OK(db_->Exec("CREATE TABLE t (a INTEGER, b TEXT, c REAL)"));
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteDb> db_;
};

TEST_F(SqlSessionTest, ParametersBindByTheirNumberInAnyOrderAndAsOftenAsTheyStand) {
  SqlSession& session = *db_;
  ASSERT_OK(session.Query("INSERT INTO t (b, a, c) VALUES ($2, $1, $3)", {7, "seven", 1.5}));
  ASSERT_OK(session.Query("INSERT INTO t (a, b, c) VALUES ($1, $2, $3)", {8, SqlValue(), 2.25}));
  Result<SqlRows> rows =
      session.Query("SELECT a, b, c, $1 || '-' || $1 FROM t WHERE a >= $2 ORDER BY a", {"x", 7});
  ASSERT_OK(rows);
  ASSERT_EQ(rows->rows(), 2);
  EXPECT_EQ(rows->Int(0, 0), 7);
  EXPECT_EQ(rows->Text(0, 1), "seven");
  EXPECT_EQ(rows->Text(0, 2), "1.5");
  EXPECT_EQ(rows->Text(0, 3), "x-x");
  EXPECT_TRUE(rows->IsNull(1, 1));
  EXPECT_EQ(rows->Text(1, 1), "");
  EXPECT_FALSE(rows->IsNull(1, 0));
}

TEST_F(SqlSessionTest, AParameterWithoutAValueIsAnErrorNamingIt) {
  Result<SqlRows> rows = db_->Query("SELECT $1, $3", {1, 2});
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), Status::Code::kInternal);
  EXPECT_NE(rows.status().message().find("$3"), std::string::npos) << rows.status().message();
  Result<SqlRows> named = db_->Query("SELECT :name", {1});
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.status().message().find(":name"), std::string::npos);
}

TEST(SqlRowsTest, IntReadsTheLeadingDecimalsAndIsZeroWithoutAny) {
  SqlRows rows;
  rows.Add({std::string("-42"), std::nullopt, std::string("12abc"), std::string("x")});
  EXPECT_EQ(rows.Int(0, 0), -42);
  EXPECT_EQ(rows.Int(0, 1), 0);
  EXPECT_EQ(rows.Int(0, 2), 12);
  EXPECT_EQ(rows.Int(0, 3), 0);
}

TEST(AbbreviateSqlTest, OneLineCutAtSixtyCharacters) {
  EXPECT_EQ(AbbreviateSql("\n  SELECT a,\n\tb  FROM t"), "SELECT a, b FROM t");
  const std::string long_sql = "SELECT " + std::string(100, 'x');
  const std::string cut = AbbreviateSql(long_sql);
  EXPECT_EQ(cut.size(), 60u);
  EXPECT_EQ(cut.substr(57), "...");
}

}  // namespace
}  // namespace rollgate::internal
