// RunCoordinator::Start seeds the caps and each release's last success from the history; a
// history it cannot read is said in the log (or refused when it is not a rollgate history),
// never dropped.
#include "serve/run_coordinator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testutil/status_matchers.h"

namespace rollgate::internal {
namespace {

// A history whose last-known-good query fails with `lkg_error`; today's usage is empty.
class CoordinatorTestStore : public HistoryStore {
 public:
  explicit CoordinatorTestStore(Status lkg_error) : lkg_error_(std::move(lkg_error)) {}
  const std::string& name() const override { return name_; }
  bool shared() const override { return false; }
  Result<int64_t> Append(const RunReport&, const std::string&, const AppendOptions&) override {
    return NotUsed();
  }
  Result<std::vector<HistoryRun>> List(const HistoryQuery&) override { return NotUsed(); }
  Result<HistoryRun> Get(int64_t) override { return NotUsed(); }
  Result<std::vector<LastKnownGood>> LastKnownGoodReleases() override { return lkg_error_; }
  Result<std::vector<HistoryRun>> LatestPerService() override { return NotUsed(); }
  Result<HistoryUsage> UsageBetween(const std::string&, int64_t, int64_t,
                                    const std::string&) override {
    return HistoryUsage{};
  }
  Result<std::optional<HistoryRun>> LatestRun(const std::string&, const std::string&) override {
    return NotUsed();
  }
  Status Prepare() override { return Status::Ok(); }
  Status Checkpoint() override { return Status::Ok(); }
  Status HoldForServe(const std::string&) override { return Status::Ok(); }

 private:
  static Status NotUsed() { return Status::Internal("not used by these tests"); }
  Status lkg_error_;
  std::string name_ = "coordinator-test";
};

struct CoordinatorStart {
  Status status;
  std::vector<std::string> logs;
};

CoordinatorStart StartWithHistory(HistoryStore& history) {
  CoordinatorOptions options;
  options.service = "svc";
  options.history = &history;
  GateMetrics metrics("svc", options.max_runs_per_day, options.max_tokens_per_day);
  Redactor redactor;
  CoordinatorStart out;
  RunCoordinator coordinator(
      options, [](RunControl&, RunReport*, Redactor*) { return Status::Ok(); }, SystemClock::Get(),
      metrics, redactor, [&](const std::string& line) { out.logs.push_back(line); });
  out.status = coordinator.Start();
  return out;
}

TEST(RunCoordinatorTest, UnreadableLastSuccessesAreLoggedNotDropped) {
  CoordinatorTestStore history(Status::IoError("history.db: database is locked"));
  CoordinatorStart started = StartWithHistory(history);
  ASSERT_OK(started.status);
  bool logged = false;
  for (const auto& line : started.logs) {
    if (line.find("last success") != std::string::npos &&
        line.find("history.db: database is locked") != std::string::npos) {
      logged = true;
    }
  }
  EXPECT_TRUE(logged) << ::testing::PrintToString(started.logs);
}

TEST(RunCoordinatorTest, AHistoryThatIsNotRollgatesIsRefusedAtStart) {
  CoordinatorTestStore history(Status::InvalidArgument("history.db: not a rollgate history"));
  CoordinatorStart started = StartWithHistory(history);
  EXPECT_EQ(started.status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(started.status.message(), "history.db: not a rollgate history");
}

TEST(RunCoordinatorTest, NoHistoryYetIsQuiet) {
  CoordinatorTestStore history(Status::NotFound("no history yet"));
  CoordinatorStart started = StartWithHistory(history);
  ASSERT_OK(started.status);
  for (const auto& line : started.logs) EXPECT_EQ(line.find("warning"), std::string::npos) << line;
}

}  // namespace
}  // namespace rollgate::internal
