// `rollgate serve` replicas in-process, with fake gates, fake clocks and fake schedule timers:
//
//  * an SQLite history takes one serve per service (a second is refused at start, naming the
//    holder; the lock goes with the holder), and its caps count this service's runs only;
//  * a PostgreSQL history (a throw-away server, tests/store/pg_fixture.h) is shared: each
//    scheduled slot runs on one replica, a claim whose holder died is taken over when it lapses,
//    the caps are counted across replicas, a webhook reuses another replica's fresh result, and
//    /metrics shows the newest result of any replica.
#include <gtest/gtest.h>

#include "evidence/evidence.h"
#include "serve/serve_test_util.h"
#include "store/history_store.h"
#include "store/pg_fixture.h"
#include "store/serve_lock.h"
#include "testutil/status_matchers.h"

namespace rollgate::testing {
namespace {

constexpr char kReplicaSvc[] = "service=\"checkout-assistant\"";

std::string ReplicaSeries(const std::string& name, const std::string& labels = "") {
  return name + "{" + kReplicaSvc + labels + "}";
}

TEST(ServeSqliteReplicaTest, ASecondServeOfTheServiceOnTheFileIsRefusedUntilTheFirstIsGone) {
  ServeHarness first;
  ServeHarness second;
  second.config().history = first.config().history;
  ASSERT_OK(first.Start());
  Status st = second.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("history " + first.history_db() +
                              " is already served for service checkout-assistant by another "
                              "rollgate serve (pid " +
                              std::to_string(::getpid()) + " on host "),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("give replicas a PostgreSQL history"), std::string::npos)
      << st.message();

  // Another service may share the file: its own lock, its own caps.
  ServeHarness other;
  other.config().history = first.config().history;
  other.config().service = "billing-bot";
  ASSERT_OK(other.Start());

  first.Stop();
  EXPECT_OK(second.Start()) << "the lock goes with its holder";
}

// Before: serve seeded its caps from every service's runs in the history file, so one
// service's runs starved another's caps when they shared a file.
TEST(ServeSqliteReplicaTest, CapsCountOnlyThisServicesRuns) {
  ServeHarness serve;
  serve.Caps(/*max_runs=*/2, /*max_tokens=*/100000);
  for (int i = 0; i < 3; ++i) {
    RunReport other = MakeRun(serve.clock().NowUnixMs() - 1000 + i, "", "", "billing-bot");
    internal::AppendOptions options;
    options.trigger = "serve:schedule";
    ASSERT_OK(internal::AppendToHistory(serve.history_db(), other, internal::RenderGateJson(other),
                                        options));
  }
  ASSERT_OK(serve.Start());
  EXPECT_EQ(SampleValue(serve.Metrics(), ReplicaSeries("rollgate_schedule_runs_today")), 0);
  EXPECT_EQ(serve.Post("/run").status, 200);
  EXPECT_EQ(serve.Post("/run").status, 200);
  EXPECT_EQ(serve.Post("/run").status, 503);
  EXPECT_EQ(serve.gate().calls(), 2);
}

class ServePgReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_PG_STARTED(pg_); }

  // Points `serve` at the shared PostgreSQL history (the password as a literal source).
  void Share(ServeHarness& serve) {
    HistoryConfig history;
    history.db = pg_.Uri();
    ValueSource password;
    password.literal = PgServer::kPassword;
    history.password = password;
    serve.config().history = history;
  }

  // Waits until `serve`'s scheduler sleeps until `deadline`.
  static ::testing::AssertionResult Sleeps(ServeHarness& serve, int64_t deadline) {
    if (WaitUntil([&] { return serve.timer().sleeping_until() == deadline; })) {
      return ::testing::AssertionSuccess();
    }
    std::optional<int64_t> at = serve.timer().sleeping_until();
    return ::testing::AssertionFailure()
           << "sleeps until " << (at ? std::to_string(*at) : "nothing") << ", not " << deadline
           << "; logs:\n"
           << serve.AllLogs();
  }

  int64_t Count(const std::string& sql) {
    Result<std::string> out = pg_.Psql(sql);
    EXPECT_OK(out) << sql;
    return out.ok() ? std::stoll(*out) : -1;
  }

  PgServer pg_;
  ServeHarness a_;
  ServeHarness b_;
};

// Both replicas tick every slot; the slot's claim lets one run it. The clocks start on a slot
// boundary (10:00:00Z, every minute).
TEST_F(ServePgReplicaTest, EachScheduledSlotRunsOnOneReplica) {
  constexpr int64_t kSlot = 60000;
  for (ServeHarness* s : {&a_, &b_}) {
    Share(*s);
    s->Schedule(kSlot, 1000, 100000000);
  }
  const int64_t t0 = a_.clock().NowUnixMs();
  ASSERT_OK(a_.Start());
  ASSERT_TRUE(Sleeps(a_, t0 + kSlot));  // a ran the current slot at once
  ASSERT_OK(b_.Start());
  ASSERT_TRUE(Sleeps(b_, t0 + kSlot));  // b found it done
  EXPECT_EQ(a_.gate().calls(), 1);
  EXPECT_EQ(b_.gate().calls(), 0);
  EXPECT_TRUE(b_.WaitForLog("schedule: the slot of 2026-11-25T10:00:00.000Z was run by "));

  for (int k = 1; k <= 5; ++k) {
    a_.timer().Advance(kSlot);
    b_.timer().Advance(kSlot);
    ASSERT_TRUE(Sleeps(a_, t0 + (k + 1) * kSlot));
    ASSERT_TRUE(Sleeps(b_, t0 + (k + 1) * kSlot));
    EXPECT_EQ(a_.gate().calls() + b_.gate().calls(), k + 1) << "slot " << k;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM rollgate.runs WHERE started_by = 'serve:schedule'"), 6);
  EXPECT_EQ(Count("SELECT count(*) FROM rollgate.serve_slots WHERE run_id IS NOT NULL"), 6);
}

// A replica died holding a slot (its claim is in the history, its run never finished): the
// other asks again when the claim lapses, takes the slot over and runs it.
TEST_F(ServePgReplicaTest, ASlotWhoseHolderDiedIsTakenOverWhenTheClaimLapses) {
  constexpr int64_t kSlot = 60000;
  Share(b_);
  b_.Schedule(kSlot, 1000, 100000000);
  const int64_t t0 = b_.clock().NowUnixMs();
  {
    Result<std::unique_ptr<internal::HistoryStore>> ghost =
        internal::OpenHistoryStore(pg_.Location());
    ASSERT_OK(ghost);
    Result<internal::SlotClaim> claim =
        (*ghost)->ClaimSlot("checkout-assistant", t0, "dead-host:42", t0 - 100, t0 + 20000);
    ASSERT_OK(claim);
    ASSERT_EQ(claim->state, internal::SlotClaim::State::kClaimed);
  }
  ASSERT_OK(b_.Start());
  ASSERT_TRUE(Sleeps(b_, t0 + 20000));  // held: it asks again when the claim lapses
  EXPECT_EQ(b_.gate().calls(), 0);
  EXPECT_TRUE(b_.WaitForLog("is being run by dead-host:42; its claim lapses at "));
  b_.timer().Advance(20000);
  ASSERT_TRUE(Sleeps(b_, t0 + kSlot));
  EXPECT_EQ(b_.gate().calls(), 1);
  EXPECT_TRUE(
      b_.WaitForLog("taking over the slot of 2026-11-25T10:00:00.000Z from a replica "
                    "that did not finish it (attempt 2)"));
  EXPECT_EQ(Count("SELECT attempts FROM rollgate.serve_slots WHERE run_id IS NOT NULL"), 2);
}

TEST_F(ServePgReplicaTest, TheDailyCapsAreCountedAcrossReplicasAndPerService) {
  for (ServeHarness* s : {&a_, &b_}) {
    Share(*s);
    s->Caps(/*max_runs=*/3, /*max_tokens=*/100000);
  }
  ASSERT_OK(a_.Start());
  ASSERT_OK(b_.Start());
  EXPECT_EQ(a_.Post("/run").status, 200);
  EXPECT_EQ(b_.Post("/run").status, 200);
  EXPECT_EQ(a_.Post("/run").status, 200);
  TestResponse capped = b_.Post("/run");
  EXPECT_EQ(capped.status, 503) << capped.body;
  EXPECT_NE(capped.body.find("daily run cap reached: 3 of 3 runs today"), std::string::npos)
      << capped.body;
  EXPECT_EQ(a_.Post("/run").status, 503);
  EXPECT_EQ(a_.gate().calls() + b_.gate().calls(), 3);
  for (ServeHarness* s : {&a_, &b_}) {
    std::string m = s->Metrics();
    EXPECT_EQ(SampleValue(m, ReplicaSeries("rollgate_schedule_runs_today")), 3) << m;
    EXPECT_EQ(SampleValue(m, ReplicaSeries("rollgate_schedule_tokens_today")), 240) << m;
  }

  // Another service on the same database has caps of its own.
  ServeHarness other;
  Share(other);
  other.config().service = "billing-bot";
  other.Caps(3, 100000);
  ASSERT_OK(other.Start());
  EXPECT_EQ(other.Post("/run").status, 200);
}

TEST_F(ServePgReplicaTest, AWebhookReusesAFreshResultAnotherReplicaRecorded) {
  Share(a_);
  Share(b_);
  ASSERT_OK(a_.Start());
  ASSERT_OK(b_.Start());
  a_.gate().BlockOnRollback();
  EXPECT_EQ(a_.Post("/run").status, 412);
  TestResponse reused = b_.Flagger();
  EXPECT_EQ(reused.status, 412) << reused.body;
  EXPECT_NE(reused.body.find("\"result\":\"reused\""), std::string::npos) << reused.body;
  EXPECT_NE(
      reused.body.find("\"failed_checks\":[{\"release\":\"rollback\",\"id\":\"authentication\""),
      std::string::npos)
      << reused.body;
  EXPECT_EQ(reused.body.find(kFakeRunKey), std::string::npos) << "the detail stays redacted";
  EXPECT_EQ(b_.gate().calls(), 0);

  // Older than serve.max_result_age: b runs its own gate.
  b_.clock().Advance(b_.config().serve->max_result_age_ms + 1000);
  EXPECT_EQ(b_.Flagger().status, 200);
  EXPECT_EQ(b_.gate().calls(), 1);
}

TEST_F(ServePgReplicaTest, MetricsOnEveryReplicaShowTheNewestResultOfAny) {
  Share(a_);
  Share(b_);
  ASSERT_OK(a_.Start());
  ASSERT_OK(b_.Start());
  a_.gate().BlockOnRollback();
  ASSERT_EQ(a_.Post("/run").status, 412);
  std::string m = b_.Metrics();
  EXPECT_EQ(SampleValue(m, ReplicaSeries("rollgate_gate_success")), 0) << m;
  EXPECT_EQ(SampleValue(m, ReplicaSeries("rollgate_check_success",
                                         ",release=\"rollback\",check=\"authentication\"")),
            0)
      << m;
  EXPECT_EQ(SampleValue(m, ReplicaSeries("rollgate_runs_total", ",decision=\"block\"")), 0)
      << "counters stay this replica's own";

  // b's own newer run shows; then a's newer one again.
  b_.gate().Pass();
  b_.clock().Advance(1000);
  ASSERT_EQ(b_.Post("/run").status, 200);
  EXPECT_EQ(SampleValue(b_.Metrics(), ReplicaSeries("rollgate_gate_success")), 1);
  a_.clock().Advance(2000);
  a_.gate().BlockOnRollback();
  ASSERT_EQ(a_.Post("/run").status, 412);
  EXPECT_TRUE(WaitUntil(
      [&] { return SampleValue(b_.Metrics(), ReplicaSeries("rollgate_gate_success")) == 0; },
      std::chrono::seconds(5)));
}

}  // namespace
}  // namespace rollgate::testing
