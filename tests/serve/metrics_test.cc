// The Prometheus exposition of `rollgate serve`: the registry's text format (escaping,
// cumulative histogram buckets), every family issue 6 names with its labels and values after
// real-shaped runs, and `promtool check metrics` (the real one) accepting all of it.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "serve/gate_metrics.h"
#include "serve/metrics_registry.h"
#include "serve/prometheus_tools.h"
#include "serve/serve_test_util.h"
#include "store/history_test_util.h"

namespace rollgate::internal {
namespace {

using testing::MakeRun;
using testing::SampleValue;
using Type = MetricsRegistry::Type;

constexpr int64_t kMetricsT0 = 1795600800000;

TEST(MetricsRegistryTest, RendersTheTextFormatWithCumulativeBuckets) {
  MetricsRegistry m;
  m.Declare("demo_up", Type::kGauge, "Whether it is up.\nSecond line \\ here.", {"job"});
  m.Declare("demo_events_total", Type::kCounter, "Events.", {});
  m.Declare("demo_seconds", Type::kHistogram, "Durations.", {"phase"}, {0.1, 1});
  m.Set("demo_up", {"a\"b"}, 1);
  m.Add("demo_events_total", {}, 2);
  m.Add("demo_events_total", {}, 0.5);
  m.Observe("demo_seconds", {"total"}, 0.0625);
  m.Observe("demo_seconds", {"total"}, 0.5);
  m.Observe("demo_seconds", {"total"}, 7);
  EXPECT_EQ(m.Render(),
            "# HELP demo_up Whether it is up.\\nSecond line \\\\ here.\n"
            "# TYPE demo_up gauge\n"
            "demo_up{job=\"a\\\"b\"} 1\n"
            "# HELP demo_events_total Events.\n"
            "# TYPE demo_events_total counter\n"
            "demo_events_total 2.5\n"
            "# HELP demo_seconds Durations.\n"
            "# TYPE demo_seconds histogram\n"
            "demo_seconds_bucket{phase=\"total\",le=\"0.1\"} 1\n"
            "demo_seconds_bucket{phase=\"total\",le=\"1\"} 2\n"
            "demo_seconds_bucket{phase=\"total\",le=\"+Inf\"} 3\n"
            "demo_seconds_sum{phase=\"total\"} 7.5625\n"
            "demo_seconds_count{phase=\"total\"} 3\n");
  EXPECT_EQ(m.Value("demo_up", {"a\"b"}), 1);
  EXPECT_EQ(m.Value("demo_up", {"other"}, -1), -1);

  m.Clear("demo_up");  // the family stays announced
  std::string after = m.Render();
  EXPECT_NE(after.find("# TYPE demo_up gauge\n# HELP demo_events_total"), std::string::npos)
      << after;
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndSpellsSpecialValues) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(EscapeLabelValue("caf\xc3\xa9"), "caf\xc3\xa9");  // valid UTF-8 stays
  EXPECT_EQ(EscapeLabelValue("bad\xff\xfe"), "bad??");        // Prometheus would reject it
  EXPECT_EQ(EscapeHelp("a\\b\nc"), "a\\\\b\\nc");
  EXPECT_EQ(FormatSampleValue(3), "3");
  EXPECT_EQ(FormatSampleValue(0.025), "0.025");
  EXPECT_EQ(FormatSampleValue(1795600800.12), "1795600800.12");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
}

class GateMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(testing::RequireProgram("promtool", &promtool_));
  }
  std::string promtool_;
};

TEST_F(GateMetricsTest, PromtoolCatchesABrokenExposition) {
  // The check below is only worth something if promtool, as the tests run it, can fail.
  EXPECT_NE(testing::PromtoolProblems(promtool_, "rollgate_gate_success{service=\"x} 1\n"), "");
  EXPECT_NE(testing::PromtoolProblems(promtool_, "# TYPE rollgate_runs counter\nrollgate_runs 1\n"),
            "");
}

TEST_F(GateMetricsTest, AFreshServeExposesEveryFamilyAndPassesPromtool) {
  GateMetrics metrics("checkout-assistant", 144, 20000);
  std::string text = metrics.Render();
  EXPECT_EQ(testing::PromtoolProblems(promtool_, text), "") << text;
  for (const char* family :
       {"rollgate_gate_success gauge", "rollgate_check_success gauge",
        "rollgate_probe_duration_seconds histogram",
        "rollgate_last_success_timestamp_seconds gauge", "rollgate_runs_total counter",
        "rollgate_schedule_runs_today gauge", "rollgate_schedule_tokens_today gauge",
        "rollgate_schedule_max_runs_per_day gauge", "rollgate_schedule_max_tokens_per_day gauge",
        "rollgate_schedule_runs_skipped_total counter", "rollgate_usage_tokens_total counter"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + family + "\n"), std::string::npos) << family;
  }
  // Counters exist at zero from the start, so rate() and alerts work from the first scrape.
  const std::string s = "service=\"checkout-assistant\"";
  for (const char* decision : {"pass", "block", "error"}) {
    EXPECT_EQ(SampleValue(text, "rollgate_runs_total{" + s + ",decision=\"" + decision + "\"}"), 0)
        << decision;
  }
  EXPECT_EQ(SampleValue(text, "rollgate_schedule_runs_skipped_total{" + s +
                                  ",reason=\"max_tokens_per_day\",trigger=\"schedule\"}"),
            0);
  EXPECT_EQ(SampleValue(text, "rollgate_schedule_max_runs_per_day{" + s + "}"), 144);
  EXPECT_EQ(SampleValue(text, "rollgate_schedule_max_tokens_per_day{" + s + "}"), 20000);
  EXPECT_EQ(SampleValue(text, "rollgate_schedule_runs_today{" + s + "}"), 0);
  // Nothing has run: no verdict is claimed.
  EXPECT_EQ(SampleValue(text, "rollgate_gate_success{" + s + "}"), -1);
}

TEST_F(GateMetricsTest, RunsFillEveryFamilyWithTheirLabelsAndPassPromtool) {
  GateMetrics metrics("checkout-assistant", 144, 20000);
  const std::string s = "service=\"checkout-assistant\"";
  RunReport pass = MakeRun(kMetricsT0);
  metrics.RecordRun(pass);
  RunReport block = MakeRun(kMetricsT0 + 600000, "", "authentication");
  metrics.RecordRun(block);
  metrics.RecordSkip("max_tokens_per_day", "flagger");
  metrics.SetUsageToday(2, 160);
  metrics.AddUsageTokens(160);
  std::string text = metrics.Render();
  EXPECT_EQ(testing::PromtoolProblems(promtool_, text), "") << text;

  EXPECT_EQ(SampleValue(text, "rollgate_gate_success{" + s + "}"), 0);
  const std::string check = "rollgate_check_success{" + s;
  EXPECT_EQ(SampleValue(text, check + ",release=\"rollback\",check=\"authentication\"}"), 0);
  EXPECT_EQ(SampleValue(text, check + ",release=\"rollback\",check=\"latency\"}"), 1);
  EXPECT_EQ(SampleValue(text, check + ",release=\"new\",check=\"content_sanity\"}"), 1);
  EXPECT_EQ(SampleValue(text, check + ",release=\"new\",check=\"streaming\"}"), -1)
      << "a skipped check is absent, not a failure";

  // Two runs: each release has two samples per phase. Timings are 1, 2, 3, 10, 12.5 ms.
  const std::string h = "rollgate_probe_duration_seconds";
  for (const char* release : {"new", "rollback"}) {
    for (const char* phase : {"dns", "connect", "tls", "ttfb", "total"}) {
      std::string labels = s + ",release=\"" + release + "\",phase=\"" + phase + "\"";
      EXPECT_EQ(SampleValue(text, h + "_count{" + labels + "}"), 2) << release << phase;
      EXPECT_EQ(SampleValue(text, h + "_bucket{" + labels + ",le=\"+Inf\"}"), 2);
    }
  }
  const std::string total = s + ",release=\"new\",phase=\"total\"";
  EXPECT_EQ(SampleValue(text, h + "_bucket{" + total + ",le=\"0.01\"}"), 0);
  EXPECT_EQ(SampleValue(text, h + "_bucket{" + total + ",le=\"0.025\"}"), 2);
  EXPECT_EQ(SampleValue(text, h + "_bucket{" + total + ",le=\"60\"}"), 2);
  EXPECT_DOUBLE_EQ(SampleValue(text, h + "_sum{" + total + "}"), 0.025);

  // new passed in both runs, rollback only in the first.
  const std::string last = "rollgate_last_success_timestamp_seconds{" + s;
  EXPECT_DOUBLE_EQ(SampleValue(text, last + ",release=\"new\"}"), (kMetricsT0 + 600000) / 1000.0);
  EXPECT_DOUBLE_EQ(SampleValue(text, last + ",release=\"rollback\"}"), kMetricsT0 / 1000.0);

  EXPECT_EQ(SampleValue(text, "rollgate_runs_total{" + s + ",decision=\"pass\"}"), 1);
  EXPECT_EQ(SampleValue(text, "rollgate_runs_total{" + s + ",decision=\"block\"}"), 1);
  EXPECT_EQ(SampleValue(text, "rollgate_schedule_runs_skipped_total{" + s +
                                  ",reason=\"max_tokens_per_day\",trigger=\"flagger\"}"),
            1);
  EXPECT_EQ(SampleValue(text, "rollgate_schedule_runs_today{" + s + "}"), 2);
  EXPECT_EQ(SampleValue(text, "rollgate_schedule_tokens_today{" + s + "}"), 160);
  EXPECT_EQ(SampleValue(text, "rollgate_usage_tokens_total{" + s + "}"), 160);

  metrics.RecordRunError();
  text = metrics.Render();
  EXPECT_EQ(SampleValue(text, "rollgate_runs_total{" + s + ",decision=\"error\"}"), 1);
  EXPECT_EQ(SampleValue(text, "rollgate_gate_success{" + s + "}"), 0);
  metrics.RecordRun(pass);
  EXPECT_EQ(SampleValue(metrics.Render(), "rollgate_gate_success{" + s + "}"), 1);
}

TEST_F(GateMetricsTest, AReleaseThatNeverCalledHasNoDurationSamples) {
  GateMetrics metrics("svc", 1, 1);
  RunReport run = MakeRun(kMetricsT0, "configuration", "");
  run.releases[0].attempts.clear();  // its key did not resolve: no call was made
  metrics.RecordRun(run);
  std::string text = metrics.Render();
  EXPECT_EQ(text.find("release=\"new\",phase="), std::string::npos) << text;
  EXPECT_NE(text.find("release=\"rollback\",phase=\"total\""), std::string::npos);
  EXPECT_EQ(testing::PromtoolProblems(promtool_, text), "") << text;
}

TEST_F(GateMetricsTest, ConfigNamesWithQuotesOrOddBytesStillMakeAValidExposition) {
  GateMetrics metrics("team \"a\"\\ops\nx\xff", 144, 20000);
  RunReport run = MakeRun(kMetricsT0);
  run.releases[0].name = "new \"canary\"";
  run.releases[0].checks[0].id = "configuration";
  metrics.RecordRun(run);
  std::string text = metrics.Render();
  EXPECT_EQ(testing::PromtoolProblems(promtool_, text), "") << text;
  EXPECT_NE(text.find("service=\"team \\\"a\\\"\\\\ops\\nx?\""), std::string::npos) << text;
}

}  // namespace
}  // namespace rollgate::internal
