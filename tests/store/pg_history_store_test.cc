// The PostgreSQL history against a real, throw-away PostgreSQL 15 (tests/store/pg_fixture.h):
// the same records and the same JSON as the SQLite history, migrations that two processes may
// run at once, slot claims and caps that replicas share, and what a lost or refused connection
// does (an IoError that the retry turns into a bounded wait, with nothing secret in any message).
#include "store/pg_history_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "evidence/evidence.h"
#include "evidence/history_json.h"
#include "store/history_append.h"
#include "store/history_format.h"
#include "store/history_test_util.h"
#include "store/pg_db.h"
#include "store/pg_fixture.h"
#include "store/pg_schema.h"
#include "store/pg_store_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

using testing::MakeRun;
using testing::PgServer;

constexpr int64_t kPgT0 = 1795600800000;  // 2026-11-25T10:00:00Z

class PgHistoryStoreTest : public PgStoreFixture {};

// The runs of the SQLite history's own tests, appended to both stores: every view reads the same,
// and `rollgate history --format json` renders the same bytes (but for the "db" line).
TEST_F(PgHistoryStoreTest, HoldsTheSameRecordsAsTheSqliteHistory) {
  std::unique_ptr<HistoryStore> pg = Open();
  ASSERT_TRUE(pg);
  Result<std::unique_ptr<HistoryStore>> sqlite_store =
      OpenHistoryStore(HistoryLocation{HistoryLocation::Kind::kSqlite, dir_.Join("h.db"), ""});
  ASSERT_OK(sqlite_store);
  HistoryStore& lite = **sqlite_store;
  RunReport expensive = MakeRun(kPgT0 + 6000, "", "");
  expensive.releases[0].parsed.total_tokens = 300;
  RunReport odd = MakeRun(kPgT0 + 7000, "content_sanity", "", "billing-bot");
  odd.gates[0].detail = std::string("bytes \xff\xfe not UTF-8 and a \0 NUL", 31);
  const std::vector<std::pair<RunReport, std::string>> runs = {
      {MakeRun(kPgT0 + 1000), "cli"},
      {MakeRun(kPgT0 + 2000, "", "authentication"), "serve:flagger"},
      {MakeRun(kPgT0 + 3000, "latency", ""), "serve:schedule"},
      {MakeRun(kPgT0 + 500, "", "", "billing-bot"), "cli"},
      {expensive, "serve:api"},
      {odd, "cli"},
  };
  for (const auto& [run, trigger] : runs) {
    Append(*pg, run, trigger);
    Append(lite, run, trigger);
  }

  HistoryQuery all;
  all.last = 100;
  Result<std::vector<HistoryRun>> pg_runs = pg->List(all);
  Result<std::vector<HistoryRun>> lite_runs = lite.List(all);
  ASSERT_OK(pg_runs);
  ASSERT_OK(lite_runs);
  Result<std::vector<LastKnownGood>> pg_good = pg->LastKnownGoodReleases();
  Result<std::vector<LastKnownGood>> lite_good = lite.LastKnownGoodReleases();
  ASSERT_OK(pg_good);
  ASSERT_OK(lite_good);
  EXPECT_EQ(RenderHistoryJson("db", *pg_runs, *pg_good),
            RenderHistoryJson("db", *lite_runs, *lite_good));
  EXPECT_EQ(RenderHistoryTable("db", *pg_runs, *pg_good),
            RenderHistoryTable("db", *lite_runs, *lite_good));

  HistoryQuery rollback;
  rollback.release = "rollback";
  rollback.last = 2;
  Result<std::vector<HistoryRun>> pg_some = pg->List(rollback);
  Result<std::vector<HistoryRun>> lite_some = lite.List(rollback);
  ASSERT_OK(pg_some);
  ASSERT_OK(lite_some);
  EXPECT_EQ(RenderHistoryJson("db", *pg_some, {}), RenderHistoryJson("db", *lite_some, {}));

  Result<std::vector<HistoryRun>> pg_fleet = pg->LatestPerService();
  Result<std::vector<HistoryRun>> lite_fleet = lite.LatestPerService();
  ASSERT_OK(pg_fleet);
  ASSERT_OK(lite_fleet);
  ASSERT_EQ(pg_fleet->size(), 2u);
  EXPECT_EQ(RenderFleetHistoryJson("db", *pg_fleet), RenderFleetHistoryJson("db", *lite_fleet));

  Result<HistoryRun> pg_one = pg->Get(2);
  Result<HistoryRun> lite_one = lite.Get(2);
  ASSERT_OK(pg_one);
  ASSERT_OK(lite_one);
  EXPECT_EQ(pg_one->gate_json, lite_one->gate_json);
  EXPECT_EQ(pg->Get(99).status().code(), Status::Code::kNotFound);

  const int64_t day = kPgT0 - 10 * 3600 * 1000;
  for (const std::string service : {"", "checkout-assistant", "billing-bot"}) {
    Result<HistoryUsage> a = pg->UsageBetween(service, day, day + 86400000, "serve:");
    Result<HistoryUsage> b = lite.UsageBetween(service, day, day + 86400000, "serve:");
    ASSERT_OK(a);
    ASSERT_OK(b);
    EXPECT_EQ(a->runs, b->runs) << service;
    EXPECT_EQ(a->tokens, b->tokens) << service;
    EXPECT_EQ(a->last_run_tokens, b->last_run_tokens) << service;
  }
  Result<std::optional<HistoryRun>> pg_latest = pg->LatestRun("checkout-assistant", "serve:");
  Result<std::optional<HistoryRun>> lite_latest = lite.LatestRun("checkout-assistant", "serve:");
  ASSERT_OK(pg_latest);
  ASSERT_OK(lite_latest);
  ASSERT_TRUE(pg_latest->has_value() && lite_latest->has_value());
  EXPECT_EQ((*pg_latest)->id, (*lite_latest)->id);
  ASSERT_EQ((*pg_latest)->gates.size(), (*lite_latest)->gates.size());
  EXPECT_EQ((*pg_latest)->releases[1].checks.size(), (*lite_latest)->releases[1].checks.size());
  EXPECT_EQ((*pg_latest)->releases[0].checks[6].detail,
            (*lite_latest)->releases[0].checks[6].detail);
}

TEST_F(PgHistoryStoreTest, ADatabaseRollgateNeverWroteToReadsAsNoHistory) {
  std::unique_ptr<HistoryStore> store = Open();
  ASSERT_TRUE(store);
  Status st = store->List({}).status();
  EXPECT_EQ(st.code(), Status::Code::kNotFound) << st.message();
  Result<std::optional<HistoryRun>> latest = store->LatestRun("s", "serve:");
  ASSERT_OK(latest);
  EXPECT_FALSE(latest->has_value());
  ASSERT_OK(pg_.Psql("SELECT 1"));
  Result<std::string> schemas =
      pg_.Psql("SELECT count(*) FROM pg_namespace WHERE nspname = 'rollgate'");
  ASSERT_OK(schemas);
  EXPECT_EQ(*schemas, "0\n") << "readers never create the schema";
}

// Two processes starting at once on a fresh database (two CI jobs, two serve replicas): both
// succeed, and each migration is applied once. Repeated on fresh databases so the two really
// race at several points.
TEST_F(PgHistoryStoreTest, MigrationsRunTwiceConcurrentlyApplyOnce) {
  for (int round = 0; round < 4; ++round) {
    const std::string db = "race" + std::to_string(round);
    ASSERT_OK(pg_.CreateDatabase(db));
    std::unique_ptr<HistoryStore> a = Open(db);
    std::unique_ptr<HistoryStore> b = Open(db);
    ASSERT_TRUE(a && b);
    std::latch start(2);
    Status sa, sb;
    std::thread ta([&] {
      start.arrive_and_wait();
      sa = a->Prepare();
    });
    std::thread tb([&] {
      start.arrive_and_wait();
      sb = b->Prepare();
    });
    ta.join();
    tb.join();
    EXPECT_OK(sa);
    EXPECT_OK(sb);
    Result<std::string> versions = pg_.Psql(
        "SELECT string_agg(version::text, ',' ORDER BY version) FROM rollgate.schema_migrations",
        db);
    ASSERT_OK(versions);
    EXPECT_EQ(*versions, "1,2\n");
    Append(*a, MakeRun(kPgT0));
    Append(*b, MakeRun(kPgT0 + 1));
    Result<std::vector<HistoryRun>> runs = a->List({});
    ASSERT_OK(runs);
    EXPECT_EQ(runs->size(), 2u);
  }
}

TEST_F(PgHistoryStoreTest, ASchemaFromANewerRollgateIsRefused) {
  std::unique_ptr<HistoryStore> store = Open();
  ASSERT_OK(store->Prepare());
  ASSERT_OK(pg_.Psql("INSERT INTO rollgate.schema_migrations VALUES (99, 0, 'future', 'later')"));
  std::unique_ptr<HistoryStore> fresh = Open();
  RunReport run = MakeRun(kPgT0);
  Result<int64_t> id = fresh->Append(run, RenderGateJson(run), {});
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(id.status().message().find("written by a newer rollgate (history schema 99"),
            std::string::npos)
      << id.status().message();
  EXPECT_EQ(fresh->List({}).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(PgHistoryStoreTest, RefusedAndLostConnectionsAreIoErrorsWithoutThePassword) {
  std::unique_ptr<HistoryStore> store = Open();
  Append(*store, MakeRun(kPgT0));
  ASSERT_OK(pg_.Stop());

  // The open connection is gone; so is the server: an IoError, retried, then given up.
  RunReport run = MakeRun(kPgT0 + 1000);
  int sleeps = 0;
  HistoryRetryPolicy policy;
  policy.attempts = 3;
  Result<int64_t> lost =
      AppendWithRetry(*store, run, RenderGateJson(run), {}, policy, [&](int64_t) { ++sleeps; });
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), Status::Code::kIoError) << lost.status().message();
  EXPECT_EQ(sleeps, 2);
  EXPECT_EQ(lost.status().message().find(PgServer::kPassword), std::string::npos);
  EXPECT_NE(lost.status().message().find(pg_.Uri()), std::string::npos) << lost.status().message();

  // Back up: the same store connects again and the next append lands.
  ASSERT_OK(pg_.Restart());
  Result<int64_t> again =
      AppendWithRetry(*store, run, RenderGateJson(run), {}, policy, [&](int64_t) { ++sleeps; });
  ASSERT_OK(again);
  Result<std::vector<HistoryRun>> runs = store->List({});
  ASSERT_OK(runs);
  EXPECT_EQ(runs->size(), 2u);

  // A wrong password: refused by the server, and the message does not quote it.
  HistoryLocation wrong = Location();
  wrong.password = "not-the-pw-0c6f1b2e9a47";
  Result<std::unique_ptr<HistoryStore>> bad = OpenHistoryStore(wrong);
  ASSERT_OK(bad);
  Status refused = (*bad)->List({}).status();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("password authentication failed"), std::string::npos)
      << refused.message();
  EXPECT_EQ(refused.message().find("not-the-pw-0c6f1b2e9a47"), std::string::npos);
}

// libpq reads sslmode from the URI: `require` against this server (no TLS) is refused by
// libpq itself, `disable` connects.
TEST_F(PgHistoryStoreTest, SslmodeIsPassedThroughToLibpq) {
  HistoryLocation tls = Location();
  tls.db += "?sslmode=require";
  Result<std::unique_ptr<HistoryStore>> a = OpenHistoryStore(tls);
  ASSERT_OK(a);
  Status st = (*a)->Prepare();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("SSL"), std::string::npos) << st.message();
  HistoryLocation plain = Location();
  plain.db += "?sslmode=disable&application_name=rollgate-test";
  Result<std::unique_ptr<HistoryStore>> b = OpenHistoryStore(plain);
  ASSERT_OK(b);
  EXPECT_OK((*b)->Prepare());
}

TEST_F(PgHistoryStoreTest, LibpqItselfRefusesAPasswordInTheUri) {
  PgConnectOptions options;
  options.uri = pg_.Uri() + "?password=" + PgServer::kPassword;
  Result<std::unique_ptr<PgDb>> db = PgDb::Connect(options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(db.status().message().find(PgServer::kPassword), std::string::npos);
}

// Two replicas claim the same slot: one runs it, the other learns who holds it and until when;
// once done it stays done; a claim whose holder died lapses and the next claimer takes it over;
// a slot given up without a verdict is free at once.
TEST_F(PgHistoryStoreTest, EachSlotIsClaimedByOneReplica) {
  std::unique_ptr<HistoryStore> a = Open();
  std::unique_ptr<HistoryStore> b = Open();
  const int64_t slot = kPgT0;
  Result<SlotClaim> ca = a->ClaimSlot("svc", slot, "host-a:1", kPgT0 + 10, kPgT0 + 7000);
  Result<SlotClaim> cb = b->ClaimSlot("svc", slot, "host-b:2", kPgT0 + 20, kPgT0 + 7000);
  ASSERT_OK(ca);
  ASSERT_OK(cb);
  EXPECT_EQ(ca->state, SlotClaim::State::kClaimed);
  EXPECT_EQ(cb->state, SlotClaim::State::kHeld);
  EXPECT_EQ(cb->holder, "host-a:1");
  EXPECT_EQ(cb->lease_until_ms, kPgT0 + 7000);
  // Another service's slot of the same time is its own.
  Result<SlotClaim> other = b->ClaimSlot("svc-2", slot, "host-b:2", kPgT0 + 20, kPgT0 + 7000);
  ASSERT_OK(other);
  EXPECT_EQ(other->state, SlotClaim::State::kClaimed);

  ASSERT_OK(a->FinishSlot("svc", slot, "host-a:1", kPgT0 + 900, 1, "ran"));
  Result<SlotClaim> after = b->ClaimSlot("svc", slot, "host-b:2", kPgT0 + 9000, kPgT0 + 16000);
  ASSERT_OK(after);
  EXPECT_EQ(after->state, SlotClaim::State::kDone);

  // host-a dies holding the next slot: before the lease lapses it is held, after it b takes over.
  const int64_t next = slot + 10000;
  ASSERT_EQ(a->ClaimSlot("svc", next, "host-a:1", next, next + 7000)->state,
            SlotClaim::State::kClaimed);
  EXPECT_EQ(b->ClaimSlot("svc", next, "host-b:2", next + 6999, next + 13999)->state,
            SlotClaim::State::kHeld);
  Result<SlotClaim> takeover = b->ClaimSlot("svc", next, "host-b:2", next + 7000, next + 14000);
  ASSERT_OK(takeover);
  EXPECT_EQ(takeover->state, SlotClaim::State::kClaimed);
  EXPECT_EQ(takeover->attempts, 2);
  // The dead holder's late finish (it was not dead after all) does not overwrite the new claim.
  ASSERT_OK(a->FinishSlot("svc", next, "host-a:1", next + 7100, 5, "ran"));
  EXPECT_EQ(a->ClaimSlot("svc", next, "host-a:1", next + 7200, next + 9000)->state,
            SlotClaim::State::kHeld);

  // Given up without a verdict: free for the next claimer at once.
  const int64_t third = slot + 20000;
  ASSERT_EQ(a->ClaimSlot("svc", third, "host-a:1", third, third + 7000)->state,
            SlotClaim::State::kClaimed);
  ASSERT_OK(a->FinishSlot("svc", third, "host-a:1", third + 10, 0, ""));
  EXPECT_EQ(b->ClaimSlot("svc", third, "host-b:2", third + 20, third + 7000)->state,
            SlotClaim::State::kClaimed);
}

// Replicas counting at once never exceed the cap: the day's row is locked while one counts.
TEST_F(PgHistoryStoreTest, UsageCountedByManyReplicasAtOnceStaysWithinTheCap) {
  constexpr int kPgReplicas = 4;
  constexpr int kPgTries = 15;
  std::vector<std::unique_ptr<HistoryStore>> stores;
  for (int i = 0; i < kPgReplicas; ++i) stores.push_back(Open());
  std::atomic<int> allowed{0};
  std::latch start(kPgReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kPgReplicas; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      for (int k = 0; k < kPgTries; ++k) {
        Result<ServeUsage> u = stores[i]->UpdateServeUsage("svc", 20417, [&](ServeUsage* usage) {
          if (usage->runs >= 25) return false;
          ++usage->runs;
          ++allowed;
          return true;
        });
        EXPECT_OK(u);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 25);
  Result<ServeUsage> today =
      stores[0]->UpdateServeUsage("svc", 20417, [](ServeUsage*) { return false; });
  ASSERT_OK(today);
  EXPECT_EQ(today->runs, 25);
  // Per service: another service starts from zero.
  Result<ServeUsage> other =
      stores[0]->UpdateServeUsage("svc-2", 20417, [](ServeUsage*) { return false; });
  ASSERT_OK(other);
  EXPECT_EQ(other->runs, 0);
  // The next day starts from zero runs but keeps the last run's cost as its estimate.
  ASSERT_OK(stores[0]->UpdateServeUsage("svc", 20417, [](ServeUsage* u) {
    u->last_run_tokens = 77;
    return true;
  }));
  Result<ServeUsage> tomorrow =
      stores[1]->UpdateServeUsage("svc", 20418, [](ServeUsage*) { return false; });
  ASSERT_OK(tomorrow);
  EXPECT_EQ(tomorrow->runs, 0);
  EXPECT_EQ(tomorrow->last_run_tokens, 77);
}

}  // namespace
}  // namespace rollgate::internal
