// The rehearsal itself: every applicable mode caught on the built-in setup, a gap reported as
// missed, and modes that do not apply said to be so.
#include "rehearse/rehearse.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e/e2e_util.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

const RehearseRow* Row(const RehearseReport& report, const std::string& mode,
                       const std::string& release = "") {
  for (const auto& r : report.rows) {
    if (r.mode == mode && (release.empty() || r.release == release)) return &r;
  }
  return nullptr;
}

TEST(RehearseTest, BuiltInSetupCatchesEveryApplicableMode) {
  RehearseOptions options;
#ifdef ROLLGATE_SAMPLE_APP
  options.sample_app = ROLLGATE_SAMPLE_APP;
#endif
  RehearseReport report;
  ASSERT_OK(Rehearse(options, &report));
  for (const auto& r : report.rows) {
    EXPECT_NE(r.result, RehearseResult::kMissed)
        << r.mode << " on " << r.release << ": " << r.detail;
  }
  EXPECT_EQ(report.missed, 0);
  // Every mock scenario has a row.
  for (const char* mode : {"rotated-key",    "model-missing",       "schema-drift",
                           "truncated",      "prompt-ignored",      "error-in-200",
                           "html-502",       "rate-limited",        "flaky-5xx",
                           "slow",           "slow-body",           "stream-cut",
                           "stream-error",   "stream-no-usage",     "no-request-id",
                           "accept-any-key", "wrong-content-type",  "invalid-utf8",
                           "oversized-body", "reset-mid-body",      "empty-choices",
                           "stream-stall",   "stream-schema-drift", "primary-model-down"}) {
    const RehearseRow* r = Row(report, mode);
    ASSERT_NE(r, nullptr) << mode;
    EXPECT_EQ(r->result, RehearseResult::kCaught) << mode << ": " << r->detail;
  }
  // Retry amplification is proven, not assumed.
  EXPECT_EQ(Row(report, "rotated-key", "rollback")->result, RehearseResult::kCaught);
  EXPECT_NE(Row(report, "rate-limited")->detail.find("429"), std::string::npos);
  EXPECT_NE(Row(report, "flaky-5xx")->detail.find("passed after 1 retry"), std::string::npos);
  EXPECT_EQ(Row(report, "seed:rollback-secret-deleted")->result, RehearseResult::kCaught);
  EXPECT_EQ(Row(report, "seed:retry-non-retryable")->result, RehearseResult::kCaught);
  EXPECT_EQ(Row(report, "seed:smoke-prompt-too-large")->result, RehearseResult::kCaught);
}

// The scratch directory goes where the caller's environment's TMPDIR says, not the process's:
// one that cannot hold it is an error naming it and what to do, before anything runs.
TEST(RehearseTest, TheScratchDirectoryFollowsTheCallersTmpdir) {
  testing::TempDir dir;
  EnvironmentWithVars env;
  env.vars["TMPDIR"] = dir.Join("no-such-dir");
  RehearseOptions options;
  options.env = &env;
  RehearseReport report;
  Status st = Rehearse(options, &report);
  ASSERT_EQ(st.code(), Status::Code::kIoError) << st.message();
  EXPECT_NE(st.message().find(dir.Join("no-such-dir")), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("TMPDIR"), std::string::npos) << st.message();
  EXPECT_TRUE(report.rows.empty());
}

TEST(RehearseTest, AGapInTheGateIsReportedAsMissed) {
  // With the invalid-token call switched off, a gateway that accepts any key goes unnoticed:
  // the rehearsal must say so rather than pass.
  rollgate::testing::TempDir dir;
  dir.Write("contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 36500\n");
  std::string config =
      dir.Write("rollgate.yaml",
                "service: s\ncontract: contract.yaml\nnegative_auth: {enabled: "
                "false}\nexpect_differences: [model, key_fingerprint]\n"
                "defaults: {timeout_ms: 1500, retry: {max_attempts: 2, backoff_ms: 50}}\n"
                "releases:\n  new: {version: '2', base_url: {env: APP_BASE}, api_key: {env: "
                "APP_KEY}, model: gpt-5.4-mini}\n"
                "  rollback: {version: '1', base_url: {env: APP_BASE}, api_key: {env: APP_KEY}, "
                "model: gpt-4o-mini}\n");
  RehearseOptions options;
  options.config_path = config;
  RehearseReport report;
  ASSERT_OK(Rehearse(options, &report));
  const RehearseRow* any_key = Row(report, "accept-any-key");
  ASSERT_NE(any_key, nullptr);
  EXPECT_EQ(any_key->result, RehearseResult::kMissed) << any_key->detail;
  EXPECT_GE(report.missed, 1);
  // Nothing streams here: the streaming rows do not apply.
  EXPECT_EQ(Row(report, "stream-cut")->result, RehearseResult::kNotApplicable);
  EXPECT_EQ(Row(report, "ok")->result, RehearseResult::kCaught) << Row(report, "ok")->detail;
}

TEST(RehearseTest, CliJsonFormatAndExitCode) {
  rollgate::testing::TempDir dir;
  rollgate::testing::CliRun run = rollgate::testing::RunRollgate(
      {"rehearse", "--format", "json", "--evidence-dir", dir.Join("ev")});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json j = nlohmann::json::parse(run.out);
  ASSERT_TRUE(j["modes"].is_array());
  for (const auto& m : j["modes"]) {
    for (const char* k : {"mode", "expected", "result", "detail"}) EXPECT_TRUE(m.contains(k)) << k;
    std::string result = m["result"];
    EXPECT_TRUE(result == "caught" || result == "missed" || result == "not_applicable") << result;
  }
  EXPECT_EQ(j["missed"], 0);
  EXPECT_GT(j["caught"].get<int>(), 25);
}

}  // namespace
}  // namespace rollgate::internal
