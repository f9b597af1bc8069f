// The schedule of `rollgate serve` driven by a fake timer: runs every interval, the daily run
// and token caps stop runs and show in /metrics, a new UTC day lifts them, a restart does not
// (they are seeded from the history), runs never overlap, and shutdown finishes and records the
// run in flight. No test waits on wall-clock time except the run_timeout watchdog's own bound.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <thread>

#include "evidence/evidence.h"
#include "serve/serve_test_util.h"
#include "store/history_store.h"
#include "testutil/status_matchers.h"

namespace rollgate::testing {
namespace {

constexpr int64_t kEvery = 600000;  // 10m
constexpr char kSvc[] = "service=\"checkout-assistant\"";

std::string Series(const std::string& name, const std::string& labels = "") {
  return name + "{" + kSvc + labels + "}";
}

class ServeScheduleTest : public ::testing::Test {
 protected:
  // Waits until the scheduler has finished its tick and sleeps until `deadline`.
  ::testing::AssertionResult SleepsUntil(int64_t deadline) {
    if (WaitUntil([&] { return serve_.timer().sleeping_until() == deadline; })) {
      return ::testing::AssertionSuccess();
    }
    std::optional<int64_t> at = serve_.timer().sleeping_until();
    return ::testing::AssertionFailure()
           << "the scheduler does not sleep until " << deadline << " but "
           << (at ? std::to_string(*at) : "is not sleeping") << "; logs:\n"
           << serve_.AllLogs();
  }

  double Metric(const std::string& series) { return SampleValue(serve_.Metrics(), series); }

  ServeHarness serve_;
};

TEST_F(ServeScheduleTest, RunsEveryIntervalUntilTheDailyRunCapThenSkipsUntilTheNextUtcDay) {
  serve_.Schedule(kEvery, /*max_runs=*/3, /*max_tokens=*/1000000);
  const int64_t t0 = serve_.clock().NowUnixMs();  // 10:00Z
  ASSERT_OK(serve_.Start());
  // The first run comes after the jitter alone (0 here), then one per interval.
  ASSERT_TRUE(SleepsUntil(t0 + kEvery));
  EXPECT_EQ(serve_.gate().calls(), 1);
  for (int k = 2; k <= 3; ++k) {
    serve_.timer().Advance(kEvery);
    ASSERT_TRUE(SleepsUntil(t0 + k * kEvery));
    EXPECT_EQ(serve_.gate().calls(), k);
  }
  serve_.timer().Advance(kEvery);  // the fourth tick: refused
  ASSERT_TRUE(SleepsUntil(t0 + 4 * kEvery));
  EXPECT_EQ(serve_.gate().calls(), 3);

  std::string m = serve_.Metrics();
  EXPECT_EQ(SampleValue(m, Series("rollgate_schedule_runs_today")), 3);
  EXPECT_EQ(SampleValue(m, Series("rollgate_schedule_max_runs_per_day")), 3);
  EXPECT_EQ(SampleValue(m, Series("rollgate_schedule_runs_skipped_total",
                                  ",reason=\"max_runs_per_day\",trigger=\"schedule\"")),
            1);
  EXPECT_EQ(SampleValue(m, Series("rollgate_runs_total", ",decision=\"pass\"")), 3);
  EXPECT_NE(serve_.AllLogs().find("run skipped (schedule): daily run cap reached: 3 of 3 runs"),
            std::string::npos)
      << serve_.AllLogs();

  // 14 hours later it is 00:30Z the next day: the cap starts over.
  serve_.timer().Advance(14 * 3600 * 1000LL);
  ASSERT_TRUE(SleepsUntil(t0 + 3 * kEvery + 14 * 3600 * 1000LL + kEvery));
  EXPECT_EQ(serve_.gate().calls(), 4);
  EXPECT_EQ(Metric(Series("rollgate_schedule_runs_today")), 1);
}

TEST_F(ServeScheduleTest, TheTokenCapStopsARunThatWouldCrossIt) {
  serve_.Schedule(kEvery, /*max_runs=*/100, /*max_tokens=*/200);
  serve_.gate().SetTokensPerRelease(40);  // 80 usage tokens per run
  const int64_t t0 = serve_.clock().NowUnixMs();
  ASSERT_OK(serve_.Start());
  ASSERT_TRUE(SleepsUntil(t0 + kEvery));
  serve_.timer().Advance(kEvery);
  ASSERT_TRUE(SleepsUntil(t0 + 2 * kEvery));
  EXPECT_EQ(serve_.gate().calls(), 2);
  // 160 used; the last run cost 80, and 160 + 80 > 200: the third run is not started.
  serve_.timer().Advance(kEvery);
  ASSERT_TRUE(SleepsUntil(t0 + 3 * kEvery));
  EXPECT_EQ(serve_.gate().calls(), 2);

  std::string m = serve_.Metrics();
  EXPECT_EQ(SampleValue(m, Series("rollgate_schedule_tokens_today")), 160);
  EXPECT_EQ(SampleValue(m, Series("rollgate_schedule_max_tokens_per_day")), 200);
  EXPECT_EQ(SampleValue(m, Series("rollgate_usage_tokens_total")), 160);
  EXPECT_EQ(SampleValue(m, Series("rollgate_schedule_runs_skipped_total",
                                  ",reason=\"max_tokens_per_day\",trigger=\"schedule\"")),
            1);

  // The caps hold for webhooks too; Flagger sees a failure, with the reason in the body.
  TestResponse flagger = serve_.Flagger();
  EXPECT_EQ(flagger.status, 503);
  EXPECT_NE(flagger.body.find("\"reason\":\"max_tokens_per_day\""), std::string::npos)
      << flagger.body;
  EXPECT_EQ(serve_.gate().calls(), 2);
  EXPECT_EQ(Metric(Series("rollgate_schedule_runs_skipped_total",
                          ",reason=\"max_tokens_per_day\",trigger=\"flagger\"")),
            1);
}

TEST_F(ServeScheduleTest, CapsAndLastSuccessAreSeededFromTheHistoryAfterARestart) {
  serve_.Caps(/*max_runs=*/3, /*max_tokens=*/100000);
  ASSERT_OK(serve_.Start());
  ASSERT_EQ(serve_.Post("/run").status, 200);
  serve_.clock().Advance(1000);
  ASSERT_EQ(serve_.Post("/run").status, 200);
  const int64_t last_pass_ms = serve_.clock().NowUnixMs();
  serve_.Stop();
  // A run of `rollgate gate` (not serve's) appended today does not count against serve's caps.
  RunReport cli_run = MakeRun(serve_.clock().NowUnixMs());
  ASSERT_OK(
      internal::AppendToHistory(serve_.history_db(), cli_run, internal::RenderGateJson(cli_run)));

  serve_.clock().Advance(1000);
  ASSERT_OK(serve_.Start());
  std::string m = serve_.Metrics();
  EXPECT_EQ(SampleValue(m, Series("rollgate_schedule_runs_today")), 2) << m;
  EXPECT_EQ(SampleValue(m, Series("rollgate_schedule_tokens_today")), 160);
  // The CLI run is newer and passed too: last success is about releases, whoever ran them.
  EXPECT_EQ(
      SampleValue(m, Series("rollgate_last_success_timestamp_seconds", ",release=\"rollback\"")),
      static_cast<double>(last_pass_ms) / 1000);
  EXPECT_NE(serve_.AllLogs().find("today's usage from the history: 2 runs, 160 tokens"),
            std::string::npos)
      << serve_.AllLogs();
  EXPECT_EQ(serve_.Post("/run").status, 200);
  TestResponse capped = serve_.Post("/run");
  EXPECT_EQ(capped.status, 503);
  EXPECT_NE(capped.body.find("max_runs_per_day"), std::string::npos);
  EXPECT_EQ(serve_.gate().calls(), 3);

  // A restart on the next UTC day starts from zero.
  serve_.clock().Advance(86400000);
  ASSERT_OK(serve_.Start());
  EXPECT_EQ(Metric(Series("rollgate_schedule_runs_today")), 0);
  EXPECT_EQ(serve_.Post("/run").status, 200);
}

TEST_F(ServeScheduleTest, AWebhookDuringAScheduledRunWaitsForItInsteadOfRunningASecondGate) {
  serve_.Schedule(kEvery, 100, 1000000);
  serve_.gate().Hold();
  ASSERT_OK(serve_.Start());
  ASSERT_TRUE(serve_.gate().WaitForCalls(1));  // the scheduled run is in the gate

  // Nine webhooks arrive during it. Eight may wait for the run in flight; the ninth is told
  // to come back later. Seeing that 503 proves the other eight are waiting.
  constexpr int kRequests = 9;
  std::mutex mu;
  std::vector<TestResponse> responses;
  std::vector<std::thread> callers;
  for (int i = 0; i < kRequests; ++i) {
    callers.emplace_back([&] {
      TestResponse r = serve_.Flagger();
      std::lock_guard<std::mutex> lock(mu);
      responses.push_back(std::move(r));
    });
  }
  const bool one_answered = WaitUntil([&] {
    std::lock_guard<std::mutex> lock(mu);
    return !responses.empty();
  });
  serve_.gate().Release();
  for (auto& t : callers) t.join();
  ASSERT_TRUE(one_answered);

  ASSERT_EQ(responses.size(), static_cast<std::size_t>(kRequests));
  EXPECT_EQ(responses.front().status, 503) << responses.front().body;
  EXPECT_NE(responses.front().body.find("\"decision\":\"busy\""), std::string::npos);
  ASSERT_NE(responses.front().Header("Retry-After"), nullptr);
  int joined = 0;
  for (std::size_t i = 1; i < responses.size(); ++i) {
    EXPECT_EQ(responses[i].status, 200) << responses[i].body;
    if (responses[i].body.find("\"result\":\"joined\"") != std::string::npos) ++joined;
  }
  EXPECT_EQ(joined, kRequests - 1);
  EXPECT_EQ(serve_.gate().calls(), 1) << "one run served them all";
  EXPECT_EQ(serve_.gate().max_active(), 1) << "two gates ran at once";

  serve_.Stop();
  Result<std::vector<internal::HistoryRun>> runs = internal::ListHistory(serve_.history_db(), {});
  ASSERT_OK(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].trigger, "serve:schedule");
}

TEST_F(ServeScheduleTest, ScheduledTicksAndWebhooksInterleavedNeverRunConcurrently) {
  serve_.Schedule(kEvery, 1000, 100000000);
  serve_.config().serve->max_result_age_ms = 0;  // webhooks do not reuse older results
  ASSERT_OK(serve_.Start());
  // Twenty scheduled ticks, each as soon as the scheduler sleeps again, while four callers
  // send ten POST /run each.
  std::atomic<int> ticks{0};
  std::thread ticker([&] {
    for (int i = 0; i < 20; ++i) {
      if (!WaitUntil([&] { return serve_.timer().sleeping_until().has_value(); })) return;
      serve_.timer().Advance(kEvery);
      ++ticks;
    }
  });
  std::vector<std::thread> callers;
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&] {
      for (int k = 0; k < 10; ++k) {
        TestResponse r = serve_.Post("/run");
        EXPECT_EQ(r.status, 200) << r.body;
      }
    });
  }
  for (auto& t : callers) t.join();
  ticker.join();
  EXPECT_EQ(ticks, 20);
  EXPECT_GE(serve_.gate().calls(), 2);
  EXPECT_EQ(serve_.gate().max_active(), 1) << "two gates ran at once";
}

// A stop does not wait out the run in flight (issue 12: it said it was exiting, then blocked
// until the run ended): it cancels it at once, and the run is still recorded, as an
// interrupted block carrying the signal.
TEST_F(ServeScheduleTest, ShutdownCancelsTheRunInFlightAtOnceAndRecordsIt) {
  serve_.Schedule(kEvery, 100, 1000000);
  serve_.gate().Hold();  // only a cancel ends this run
  ASSERT_OK(serve_.Start());
  ASSERT_TRUE(serve_.gate().WaitForCalls(1));
  double ms = ElapsedMs([&] { serve_.service().Shutdown(SIGTERM); });
  EXPECT_LT(ms, 2000) << serve_.AllLogs();
  EXPECT_NE(serve_.AllLogs().find("stopping: cancelling the run in flight"), std::string::npos)
      << serve_.AllLogs();
  EXPECT_NE(serve_.AllLogs().find("\nstopped\n"), std::string::npos) << serve_.AllLogs();

  internal::HistoryQuery query;
  query.include_gate_json = true;
  Result<std::vector<internal::HistoryRun>> runs =
      internal::ListHistory(serve_.history_db(), query);
  ASSERT_OK(runs);
  ASSERT_EQ(runs->size(), 1u) << "the run in flight was recorded";
  EXPECT_EQ((*runs)[0].decision, Decision::kBlock);
  EXPECT_NE((*runs)[0].gate_json.find("\"interrupted\": true"), std::string::npos)
      << (*runs)[0].gate_json;
  EXPECT_NE((*runs)[0].gate_json.find("\"signal\": \"SIGTERM\""), std::string::npos)
      << (*runs)[0].gate_json;
  Result<std::string> integrity = internal::CheckHistoryIntegrity(serve_.history_db());
  ASSERT_OK(integrity);
  EXPECT_EQ(*integrity, "ok");
}

TEST_F(ServeScheduleTest, ARunOutlivingRunTimeoutIsCancelledAndCountsAsABlock) {
  serve_.Schedule(kEvery, 100, 1000000);
  serve_.config().serve->run_timeout_ms = 300;
  serve_.gate().Hold();  // only a cancel ends this run
  ASSERT_OK(serve_.Start());
  ASSERT_TRUE(WaitUntil([&] {
    return Metric(Series("rollgate_runs_total", ",decision=\"block\"")) == 1;
  })) << serve_.AllLogs();
  EXPECT_NE(serve_.AllLogs().find("run exceeded serve.run_timeout"), std::string::npos);
  EXPECT_EQ(Metric(Series("rollgate_gate_success")), 0);
  serve_.gate().Release();
}

}  // namespace
}  // namespace rollgate::testing
