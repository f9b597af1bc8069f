// The public entry points as a program embedding rollgate calls them: the environment, the
// clock and the CI targets come from the options, never from the process.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "base/file_util.h"
#include "rollgate/ci.h"
#include "rollgate/environment.h"
#include "rollgate/history.h"
#include "rollgate/rehearse.h"
#include "rollgate/run.h"
#include "store/pg_fixture.h"
#include "testutil/fake_clock.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

constexpr char kEmbedKey[] = "sk-embed-5d1c8a7e3f9b2046";

// The file's content; "" when it cannot be read (the assertions then say what is missing).
std::string EmbedSlurp(const std::string& path) {
  Result<std::string> text = internal::ReadFileToString(path);
  return text.ok() ? *text : "";
}

class EmbeddingTest : public ::testing::Test {
 protected:
  EmbeddingTest() : mock_(Options()) {}
  static mock::MockOptions Options() {
    mock::MockOptions o;
    o.keys = {kEmbedKey};
    return o;
  }
  void SetUp() override {
    ASSERT_OK(mock_.status());
    ASSERT_EQ(std::getenv("EMBED_BASE_URL"), nullptr);
    ASSERT_EQ(std::getenv("EMBED_KEY"), nullptr);
    // Reviewed the day before the fake clock's day, two days allowed: fresh by the fake clock,
    // stale by the real one (today is days later).
    dir_.Write("svc/contract.yaml", "reviewed_on: 2026-11-24\nmax_age_days: 2\n");
    dir_.Write("svc/embedded.yaml",
               "service: embedded\ncontract: contract.yaml\nreleases:\n"
               "  new: {version: '2', base_url: {env: EMBED_BASE_URL}, api_key: {env: EMBED_KEY},"
               " model: gpt-4o-mini, timeout_ms: 3000}\n"
               "  rollback: {version: '1', base_url: {env: EMBED_BASE_URL}, api_key: {env: "
               "EMBED_KEY}, model: gpt-4o-mini, timeout_ms: 3000}\n");
    env_.vars = {{"EMBED_BASE_URL", mock_.provider().base_url()}, {"EMBED_KEY", kEmbedKey}};
  }

  MockServer mock_;
  TempDir dir_;
  EnvironmentWithVars env_;
  FakeClock clock_;  // 2026-11-25
};

TEST_F(EmbeddingTest, ARunTakesItsValuesAndItsTimeFromItsOptions) {
  RunOptions options;
  options.evidence_dir = dir_.Join("evidence");
  options.env = &env_;
  options.clock = &clock_;
  RunReport report;
  ASSERT_OK(RunFromFile(dir_.Join("svc/embedded.yaml"), options, &report));
  EXPECT_TRUE(report.passed()) << RenderRunConsole(report, false);
  EXPECT_EQ(ExitCodeFor(report), ExitCode::kPass);
  EXPECT_EQ(report.started_unix_ms, clock_.NowUnixMs());
  EXPECT_GT(mock_.provider().stats().requests_total, 0);

  // Without them the same config has neither its values nor a fresh contract.
  RunOptions plain;
  plain.write_evidence = false;
  RunReport without;
  ASSERT_OK(RunFromFile(dir_.Join("svc/embedded.yaml"), plain, &without));
  EXPECT_FALSE(without.passed());
  EXPECT_EQ(ExitCodeFor(without), ExitCode::kBlock);
  const CheckResult* contract = without.FindGate("contract_reviewed");
  ASSERT_NE(contract, nullptr) << RenderRunConsole(without, false);
  EXPECT_NE(contract->detail.find("days old"), std::string::npos) << contract->detail;
}

TEST_F(EmbeddingTest, AFleetAndItsShardTakeTheirEnvironmentFromTheirOptions) {
  FleetOptions options;
  options.clock = &clock_;
  EnvironmentWithVars index_env;
  index_env.vars = env_.vars;
  index_env.vars["JOB_COMPLETION_INDEX"] = "0";
  options.env = &index_env;
  ASSERT_OK(ParseFleetShard("auto/1", &options));
  EXPECT_EQ(options.shard_index, 0);
  index_env.vars.erase("JOB_COMPLETION_INDEX");
  FleetOptions unset = options;
  EXPECT_FALSE(ParseFleetShard("auto/1", &unset).ok()) << "read from the options, not the process";

  FleetReport report;
  ASSERT_OK(RunFleet(dir_.Join("svc"), options, &report));
  ASSERT_EQ(report.runs.size(), 1u);
  EXPECT_TRUE(report.runs[0].passed()) << RenderFleetConsole(report, false);
  EXPECT_EQ(ExitCodeFor(report), ExitCode::kPass);
}

TEST_F(EmbeddingTest, CiOutputsAreWrittenByTheLibraryAndAFailedFileIsAnError) {
  RunOptions options;
  options.write_evidence = false;
  options.env = &env_;
  options.clock = &clock_;
  env_.vars["EMBED_KEY"] = "sk-embed-rotated-000000000000";  // the gate blocks on it
  RunReport report;
  ASSERT_OK(RunFromFile(dir_.Join("svc/embedded.yaml"), options, &report));
  ASSERT_FALSE(report.passed());

  CiTargets targets;
  targets.github = true;
  targets.step_summary = dir_.Join("summary.md");
  targets.step_outputs = dir_.Join("outputs.txt");
  targets.dotenv = dir_.Join("rollgate.env");
  dir_.Write("summary.md", "another tool's summary\n");
  std::string annotations;
  ASSERT_OK(PublishCiOutputs(targets, report, "ev", &annotations));
  EXPECT_NE(annotations.find("::error title="), std::string::npos) << annotations;
  EXPECT_NE(EmbedSlurp(targets.dotenv).find("ROLLGATE_DECISION=block"), std::string::npos);
  std::string summary = EmbedSlurp(targets.step_summary);
  EXPECT_EQ(summary.rfind("another tool's summary\n", 0), 0u) << "appended, not replaced";
  EXPECT_NE(summary.find("embedded"), std::string::npos);
  EXPECT_NE(EmbedSlurp(targets.step_outputs).find("decision=block"), std::string::npos);
  for (const std::string& out : {annotations, summary, EmbedSlurp(targets.dotenv)})
    EXPECT_EQ(out.find("sk-embed-rotated"), std::string::npos) << "a key in a CI output";

  // A summary file that cannot be appended to: an IoError naming it; the annotations are
  // there to print anyway.
  targets.step_summary = dir_.Join("no-such-dir/summary.md");
  annotations.clear();
  Status st = PublishCiOutputs(targets, report, "ev", &annotations);
  EXPECT_EQ(st.code(), Status::Code::kIoError);
  EXPECT_NE(st.message().find("GITHUB_STEP_SUMMARY"), std::string::npos) << st.message();
  EXPECT_NE(annotations.find("::error title="), std::string::npos);
}

// The row of `field`; null when the diff has none.
const DiffRow* EmbedDiffRow(const DiffReport& report, const std::string& field) {
  for (const auto& row : report.rows) {
    if (row.field == field) return &row;
  }
  return nullptr;
}

TEST_F(EmbeddingTest, DiffAndExplainResolveTheValuesFromTheirOptions) {
  ResolveOptions options;
  options.env = &env_;
  DiffReport diff;
  ASSERT_OK(DiffFromFile(dir_.Join("svc/embedded.yaml"), options, &diff));
  const DiffRow* key = EmbedDiffRow(diff, "key_fingerprint");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->left.rfind("sha256:", 0), 0u) << key->left << " from " << key->left_source;
  EXPECT_FALSE(key->unresolved);
  EXPECT_EQ(diff.gate.status, CheckStatus::kPass) << diff.gate.detail;

  ExplainReport explained;
  ASSERT_OK(ExplainFromFile(dir_.Join("svc/embedded.yaml"), "rollback", options, &explained));
  EXPECT_TRUE(explained.errors.empty()) << RenderExplainConsole(explained, true);
  std::string console = RenderExplainConsole(explained, true);
  EXPECT_NE(console.find(mock_.provider().base_url()), std::string::npos) << console;
  EXPECT_EQ(console.find(kEmbedKey), std::string::npos) << "a key in the explanation";

  // Without them the process has neither variable: nothing resolves.
  DiffReport plain_diff;
  ASSERT_OK(DiffFromFile(dir_.Join("svc/embedded.yaml"), {}, &plain_diff));
  ASSERT_NE(EmbedDiffRow(plain_diff, "key_fingerprint"), nullptr);
  EXPECT_TRUE(EmbedDiffRow(plain_diff, "key_fingerprint")->left.empty());
  ExplainReport plain_explained;
  ASSERT_OK(ExplainFromFile(dir_.Join("svc/embedded.yaml"), "rollback", {}, &plain_explained));
  EXPECT_FALSE(plain_explained.errors.empty());
}

TEST_F(EmbeddingTest, ACancelledResolutionStopsACommandSourceAtOnce) {
  dir_.Write("svc/slow.yaml",
             "service: slow\ncontract: contract.yaml\nreleases:\n"
             "  new: {version: '2', base_url: 'http://127.0.0.1:9', model: m,\n"
             "        api_key: {command: [sleep, '30'], timeout_ms: 30000}}\n"
             "  rollback: {version: '1', base_url: 'http://127.0.0.1:9', api_key: k, model: m}\n");
  CancelToken cancel;
  cancel.Cancel();
  ResolveOptions options;
  options.cancel = &cancel;
  const auto start = std::chrono::steady_clock::now();
  ExplainReport explained;
  ASSERT_OK(ExplainFromFile(dir_.Join("svc/slow.yaml"), "new", options, &explained));
  DiffReport diff;
  ASSERT_OK(DiffFromFile(dir_.Join("svc/slow.yaml"), options, &diff));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_FALSE(explained.errors.empty());
  EXPECT_NE(explained.errors[0].find("interrupted"), std::string::npos) << explained.errors[0];
  ASSERT_NE(EmbedDiffRow(diff, "key_fingerprint"), nullptr);
  EXPECT_TRUE(EmbedDiffRow(diff, "key_fingerprint")->unresolved);
}

TEST_F(EmbeddingTest, HistoryReadsItsPasswordSourceFromTheRequest) {
  ASSERT_EQ(std::getenv("EMBED_HISTORY_PASSWORD"), nullptr);
  PgServer pg;
  ASSERT_PG_STARTED(pg);
  dir_.Write("svc/recorded.yaml", EmbedSlurp(dir_.Join("svc/embedded.yaml")) + "history: {db: '" +
                                      pg.Uri() + "', password: {env: EMBED_HISTORY_PASSWORD}}\n");
  env_.vars["EMBED_HISTORY_PASSWORD"] = PgServer::kPassword;
  RunOptions run;
  run.write_evidence = false;
  run.env = &env_;
  run.clock = &clock_;
  RunReport report;
  ASSERT_OK(RunFromFile(dir_.Join("svc/recorded.yaml"), run, &report));
  ASSERT_TRUE(report.warnings.empty()) << report.warnings[0];

  HistoryRequest request;
  request.config = dir_.Join("svc/recorded.yaml");
  request.env = &env_;
  std::string out;
  ASSERT_OK(ShowHistory(request, &out));
  EXPECT_NE(out.find("2026-11-25"), std::string::npos) << out;  // the run's (fake) time
  EXPECT_EQ(out.find(PgServer::kPassword), std::string::npos) << "the password in the listing";

  // Without it the process has no such variable: the history cannot be located.
  request.env = nullptr;
  Status st = ShowHistory(request, &out);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("EMBED_HISTORY_PASSWORD"), std::string::npos) << st.message();
}

// The fixture's variables, counting the commands started through it (from rollgate's threads).
class EmbedCountingEnvironment : public EnvironmentWithVars {
 public:
  Result<CommandResult> Run(const std::vector<std::string>& argv,
                            const CommandOptions& options) const override {
    ++runs;
    return EnvironmentWithVars::Run(argv, options);
  }
  mutable std::atomic<int> runs{0};
};

TEST_F(EmbeddingTest, ARehearsalTakesItsValuesItsAppsAndItsTimeFromItsOptions) {
  ASSERT_EQ(std::getenv("EMBED_ORG"), nullptr);
  // A header only options.env holds (unresolved, the configuration check fails every mode's
  // gate) and the contract fresh only by the fake clock: the control row passes with both.
  dir_.Write("svc/rehearsed.yaml",
             "service: rehearsed\ncontract: contract.yaml\nexpect_differences: [model]\n"
             "defaults: {timeout_ms: 1500, connect_timeout_ms: 1000, retry: {max_attempts: 2, "
             "backoff_ms: 100}, headers: {X-Embed-Org: {env: EMBED_ORG}}}\n"
             "releases:\n"
             "  new: {version: '2', base_url: {env: EMBED_BASE_URL}, api_key: {env: EMBED_KEY},"
             " model: gpt-5.4-mini}\n"
             "  rollback: {version: '1', base_url: {env: EMBED_BASE_URL}, api_key: {env: "
             "EMBED_KEY}, model: gpt-4o-mini}\n"
             "thresholds: {max_latency_ms: 3000}\n");
  EmbedCountingEnvironment env;
  env.vars = env_.vars;
  env.vars["EMBED_ORG"] = "org-embedded";
  RehearseOptions options;
  options.config_path = dir_.Join("svc/rehearsed.yaml");
  options.env = &env;
  options.clock = &clock_;
#ifdef ROLLGATE_SAMPLE_APP
  options.sample_app = ROLLGATE_SAMPLE_APP;  // the modes that swap a release for it run it
#endif
  RehearseReport report;
  ASSERT_OK(Rehearse(options, &report));
  const RehearseRow* control = nullptr;
  for (const auto& row : report.rows) {
    if (row.mode == "ok") control = &row;
  }
  ASSERT_NE(control, nullptr) << RenderRehearseTable(report, false);
  EXPECT_EQ(control->result, RehearseResult::kCaught) << control->detail;
#ifdef ROLLGATE_SAMPLE_APP
  EXPECT_GT(env.runs.load(), 0) << "the sample app was not started through options.env";
#endif
}

}  // namespace
}  // namespace rollgate::testing
