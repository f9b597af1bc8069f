// Recording a run never costs its verdict: appends that fail with an IoError are tried again with
// a doubling, bounded backoff; other failures are not retried; and `rollgate gate` whose history
// cannot record the run still exits with the gate's code, evidence written, and warns.
#include "store/history_append.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "e2e/e2e_util.h"
#include "store/history_test_util.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

// A store whose appends fail `failures` times with `error`, then succeed.
class FlakyStore : public HistoryStore {
 public:
  FlakyStore(int failures, Status error) : failures_(failures), error_(std::move(error)) {}
  const std::string& name() const override { return name_; }
  bool shared() const override { return true; }
  Result<int64_t> Append(const RunReport&, const std::string&, const AppendOptions&) override {
    ++appends;
    if (failures_-- > 0) return error_;
    return 42;
  }
  Result<std::vector<HistoryRun>> List(const HistoryQuery&) override { return NotUsed(); }
  Result<HistoryRun> Get(int64_t) override { return NotUsed(); }
  Result<std::vector<LastKnownGood>> LastKnownGoodReleases() override { return NotUsed(); }
  Result<std::vector<HistoryRun>> LatestPerService() override { return NotUsed(); }
  Result<HistoryUsage> UsageBetween(const std::string&, int64_t, int64_t,
                                    const std::string&) override {
    return NotUsed();
  }
  Result<std::optional<HistoryRun>> LatestRun(const std::string&, const std::string&) override {
    return NotUsed();
  }
  Status Prepare() override { return Status::Ok(); }
  Status Checkpoint() override { return Status::Ok(); }
  Status HoldForServe(const std::string&) override { return Status::Ok(); }

  int appends = 0;

 private:
  static Status NotUsed() { return Status::Internal("not used by these tests"); }
  int failures_;
  Status error_;
  std::string name_ = "flaky";
};

TEST(HistoryAppendTest, IoErrorsAreRetriedWithADoublingBoundedBackoff) {
  RunReport run = testing::MakeRun(1795600800000);
  std::vector<int64_t> waits;
  auto sleep = [&](int64_t ms) { waits.push_back(ms); };

  FlakyStore recovers(3, Status::IoError("connection lost"));
  Result<int64_t> id = AppendWithRetry(recovers, run, "{}", {}, {}, sleep);
  ASSERT_OK(id);
  EXPECT_EQ(*id, 42);
  EXPECT_EQ(recovers.appends, 4);
  EXPECT_EQ(waits, (std::vector<int64_t>{250, 500, 1000}));

  waits.clear();
  FlakyStore down(100, Status::IoError("connection refused"));
  HistoryRetryPolicy policy;
  policy.attempts = 7;
  Result<int64_t> gave_up = AppendWithRetry(down, run, "{}", {}, policy, sleep);
  ASSERT_FALSE(gave_up.ok());
  EXPECT_EQ(gave_up.status().message(), "connection refused");
  EXPECT_EQ(down.appends, 7);
  EXPECT_EQ(waits, (std::vector<int64_t>{250, 500, 1000, 2000, 4000, 4000})) << "capped";

  waits.clear();
  HistoryRetryPolicy hurried;
  hurried.max_total_ms = 100;  // less than the first backoff: no second attempt
  FlakyStore slow(100, Status::IoError("connection timed out"));
  EXPECT_FALSE(AppendWithRetry(slow, run, "{}", {}, hurried, sleep).ok());
  EXPECT_EQ(slow.appends, 1);
  EXPECT_TRUE(waits.empty());

  FlakyStore foreign(100, Status::InvalidArgument("not a rollgate history"));
  EXPECT_FALSE(AppendWithRetry(foreign, run, "{}", {}, {}, sleep).ok());
  EXPECT_EQ(foreign.appends, 1) << "what will not pass is not retried";
  EXPECT_TRUE(waits.empty());
}

// Before: an append that failed after the evidence was written made the gate exit 3, and the
// verdict (here a pass) was lost to the pipeline.
TEST(HistoryAppendTest, AGateWhoseHistoryCannotRecordTheRunKeepsItsVerdict) {
  constexpr char kAppendKey[] = "sk-append-test-3c9e1a7b5d2f0846";
  mock::MockOptions options;
  options.keys = {kAppendKey};
  testing::MockServer mock(options);
  ASSERT_OK(mock.status());
  testing::TempDir dir;
  dir.Write("contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 36500\n");
  dir.Write("not-a-history.db", "these bytes are no SQLite database\n");
  std::string config = dir.Write("rollgate.yaml",
                                 "service: s\ncontract: contract.yaml\nreleases:\n"
                                 "  new: {version: '2', base_url: '" +
                                     mock.provider().base_url() +
                                     "', api_key: {env: APPEND_KEY}, model: m}\n"
                                     "  rollback: {version: '1', base_url: '" +
                                     mock.provider().base_url() +
                                     "', api_key: {env: APPEND_KEY}, model: m}\n"
                                     "history: {db: not-a-history.db}\n");
  testing::CliRun run =
      testing::RunRollgate({"gate", "--config", config, "--evidence-dir", dir.Join("ev")},
                           {std::string("APPEND_KEY=") + kAppendKey, "NO_COLOR=1"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(std::filesystem::exists(dir.Join("ev/gate.json")));
  EXPECT_NE(run.err.find("rollgate: warning: the run was not recorded in the history " +
                         dir.Join("not-a-history.db") + ":"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("is not a rollgate history"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(kAppendKey), std::string::npos);
}

}  // namespace
}  // namespace rollgate::internal
