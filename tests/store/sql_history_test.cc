// The history's SQL (src/store/sql_history.cc) is one text for SQLite and PostgreSQL. These tests
// run it on both, against a real, throw-away PostgreSQL 15 (tests/store/pg_fixture.h), for the
// cases a small history never shows: statements split at the engines' parameter limits, ties,
// and a database whose collation is not byte order. pg_history_store_test.cc compares every
// view of the two stores over the usual runs.
#include "store/sql_history.h"

#include <gtest/gtest.h>

#include "store/history_test_util.h"
#include "store/pg_fixture.h"
#include "store/pg_store_fixture.h"
#include "store/sqlite_db.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

using testing::MakeRun;
using testing::PgServer;

constexpr int64_t kT0 = 1795600800000;  // 2026-11-25T10:00:00Z

// Both stores run the same SQL (src/store/sql_history.cc); these hold both to the cases where
// that SQL is split or ordered in ways a small history never shows.
class BothStoresTest : public PgStoreFixture {
 protected:
  void SetUp() override {
    PgStoreFixture::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    pg_store_ = Open();
    ASSERT_TRUE(pg_store_);
    Result<std::unique_ptr<HistoryStore>> lite =
        OpenHistoryStore(HistoryLocation{HistoryLocation::Kind::kSqlite, dir_.Join("h.db"), ""});
    ASSERT_OK(lite);
    lite_store_ = std::move(*lite);
  }
  std::vector<HistoryStore*> Stores() { return {pg_store_.get(), lite_store_.get()}; }

  std::unique_ptr<HistoryStore> pg_store_;
  std::unique_ptr<HistoryStore> lite_store_;
};

// A release with more checks than one INSERT may bind, and a listing of more runs than one
// read may name: the statements are split, and every row reads back, in order, to its run.
TEST_F(BothStoresTest, ManyChecksAndManyRunsAreSplitAcrossStatementsAndReadBackWhole) {
  constexpr int kRuns = 1100;
  // Runs 2..kRuns copy run 1, each with its own versions: appending them one by one would cost
  // an fsync each.
  const std::string seed =
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
      "WHERE i < " +
      std::to_string(kRuns - 1) +
      ") "
      "INSERT INTO runs (command, started_by, service, decision, config_file, "
      "started_unix_ms, finished_unix_ms, tokens_used, gate_count, "
      "release_count, gate_json) SELECT command, started_by, service, "
      "decision, config_file, started_unix_ms + i, finished_unix_ms + i, "
      "tokens_used, gate_count, release_count, gate_json FROM runs, n "
      "WHERE id = 1; "
      "INSERT INTO releases SELECT r.id, rel.name, rel.position, "
      "'v' || r.id, rel.probe, rel.endpoint, rel.model, rel.key_fingerprint, "
      "rel.http_status, rel.latency_ms, rel.probed_unix_ms, rel.passed, "
      "rel.check_count FROM runs r, releases rel "
      "WHERE r.id > 1 AND rel.run_id = 1; "
      "INSERT INTO checks SELECT r.id, c.release, c.position, c.check_id, "
      "c.status, c.detail FROM runs r, checks c "
      "WHERE r.id > 1 AND c.run_id = 1;";
  RunReport big = MakeRun(kT0 + 5000);
  big.releases[0].checks.clear();
  // 11,000 checks of 6 columns: more parameters than PostgreSQL (65,535) or SQLite (32,766)
  // binds in one statement.
  constexpr int kChecks = 11000;
  std::vector<std::string> failed;
  for (int i = 0; i < kChecks; ++i) {
    CheckResult c;
    c.id = "check_" + std::to_string(i);
    c.status = i % 1000 == 7 ? CheckStatus::kFail : CheckStatus::kPass;
    if (c.status == CheckStatus::kFail) failed.push_back(c.id);
    c.detail = "detail " + std::to_string(i);
    big.releases[0].checks.push_back(c);
  }
  for (HistoryStore* store : Stores()) {
    SCOPED_TRACE(store->name());
    Append(*store, MakeRun(kT0, "", "latency"));
    if (store == pg_store_.get()) {
      ASSERT_OK(pg_.Psql("SET search_path TO rollgate; " + seed));
    } else {
      Result<std::unique_ptr<SqliteDb>> db =
          SqliteDb::Open(store->name(), SqliteDb::Mode::kReadWriteCreate, 1000);
      ASSERT_OK(db);
      ASSERT_OK((*db)->Exec(seed));
    }
    Append(*store, big, "serve:schedule");

    Result<std::optional<HistoryRun>> latest = store->LatestRun("checkout-assistant", "serve:");
    ASSERT_OK(latest);
    ASSERT_TRUE(latest->has_value());
    const HistoryRelease& release = (*latest)->releases.at(0);
    ASSERT_EQ(release.checks.size(), static_cast<std::size_t>(kChecks));
    EXPECT_EQ(release.checks.back().id, "check_10999");
    EXPECT_EQ(release.checks.back().detail, "detail 10999");
    EXPECT_EQ(release.failed_checks, failed);

    HistoryQuery all;
    all.last = kRuns + 5;
    Result<std::vector<HistoryRun>> runs = store->List(all);
    ASSERT_OK(runs);
    ASSERT_EQ(runs->size(), static_cast<std::size_t>(kRuns + 1));
    EXPECT_EQ(runs->front().releases.at(0).failed_checks, failed);
    for (std::size_t n = 1; n < runs->size(); ++n) {
      const HistoryRun& run = (*runs)[n];
      ASSERT_EQ(run.releases.size(), 2u) << "run " << run.id;
      const std::string version = run.id == 1 ? "2.3.1" : "v" + std::to_string(run.id);
      EXPECT_EQ(run.releases[1].version, version);
      EXPECT_EQ(run.releases[1].failed_checks, std::vector<std::string>{"latency"})
          << "run " << run.id;
    }
  }
}

// Two passing runs of a release that finished in the same millisecond: the one recorded last is
// the last known good, in both stores (SQLite's MAX() once took either).
TEST_F(BothStoresTest, ATieOnTheFinishTimeGoesToTheRunRecordedLast) {
  RunReport older = MakeRun(kT0);
  RunReport newer = MakeRun(kT0);
  newer.releases[1].version = "2.3.2";
  for (HistoryStore* store : Stores()) {
    SCOPED_TRACE(store->name());
    Append(*store, older);
    Append(*store, newer);
    Result<std::vector<LastKnownGood>> good = store->LastKnownGoodReleases();
    ASSERT_OK(good);
    ASSERT_EQ(good->size(), 2u);
    EXPECT_EQ((*good)[1].release, "rollback");
    EXPECT_EQ((*good)[1].version, "2.3.2");
    EXPECT_EQ((*good)[1].run_id, 2);
  }
}

// Services and releases are listed in byte order whatever the database's collation: upper case
// before lower case, as SQLite's BINARY orders them. The PostgreSQL database here sorts text by
// ICU's English rules, which put "alpha" before "Zulu".
TEST_F(BothStoresTest, ServicesAreListedInByteOrderInBothStores) {
  ASSERT_OK(pg_.CreateDatabase(
      "english TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"));
  pg_store_ = Open("english");
  ASSERT_TRUE(pg_store_);
  for (HistoryStore* store : Stores()) {
    SCOPED_TRACE(store->name());
    for (const char* service : {"beta", "Zulu", "alpha"}) {
      Append(*store, MakeRun(kT0, "", "", service));
    }
    Result<std::vector<HistoryRun>> fleet = store->LatestPerService();
    ASSERT_OK(fleet);
    ASSERT_EQ(fleet->size(), 3u);
    EXPECT_EQ((*fleet)[0].service, "Zulu");
    EXPECT_EQ((*fleet)[1].service, "alpha");
    Result<std::vector<LastKnownGood>> good = store->LastKnownGoodReleases();
    ASSERT_OK(good);
    ASSERT_EQ(good->size(), 6u);
    EXPECT_EQ((*good)[0].service, "Zulu");
  }
}

}  // namespace
}  // namespace rollgate::internal
