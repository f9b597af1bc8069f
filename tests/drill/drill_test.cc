// The drill's order of operations and its safety rule (never leave the route on a release that
// failed), with a small in-test router in front of two fake app releases. The same drill
// through a real nginx and the sample app is in nginx_drill_test.cc.
#include "drill/drill.h"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <mutex>

#include "base/file_util.h"
#include "config/loader.h"
#include "http_server/http_server.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/test_http_client.h"

namespace rollgate::internal {
namespace {

constexpr char kDrillKey[] = "sk-drill-test-0123456789";
constexpr char kSmokeOk[] =
    R"({"status":200,"content":"{\"ok\":true,\"label\":\"rollback-smoke\"}","finish_reason":"stop",)"
    R"("fields_present":["choices.0.message.content","choices.0.finish_reason"]})";
constexpr char kSmokeRotated[] =
    R"({"status":401,"error":{"message":"invalid token","type":"comet_api_error"}})";

// One release of "the app": answers the smoke protocol with its version header.
class FakeApp {
 public:
  explicit FakeApp(std::string version)
      : version_(std::move(version)), server_(HttpServerOptions{}) {
    auto answer = [this](const std::string& body) {
      ServerResponse r = ServerResponse::Make(200, "application/json", body);
      r.headers.emplace_back("X-Release-Version", version_);
      return r;
    };
    server_.Handle("GET", "/smoke", [this, answer](const ServerRequest&) {
      return answer(broken_ ? kSmokeRotated : kSmokeOk);
    });
    server_.Handle("GET", "/version", [answer](const ServerRequest&) { return answer("{}"); });
    status_ = server_.Start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  void set_broken(bool b) { broken_ = b; }
  const Status& status() const { return status_; }

 private:
  std::string version_;
  std::atomic<bool> broken_{false};
  HttpServer server_;
  Status status_;
};

// The route: forwards /smoke and /version to the current release; POST /route switches it.
class Router {
 public:
  Router(const FakeApp* rollback, const FakeApp* next)
      : current_(rollback), rollback_(rollback), next_(next), server_(HttpServerOptions{}) {
    auto forward = [this](const std::string& path) {
      std::string target;
      {
        std::lock_guard<std::mutex> lock(mu_);
        target = current_->url();
        if (path == "/smoke" && draining_ > 0) {
          --draining_;
          target = previous_->url();
        }
      }
      testing::TestResponse r = testing::HttpGet(target + path);
      ServerResponse out =
          ServerResponse::Make(static_cast<int>(r.status), "application/json", r.body);
      if (const std::string* v = r.Header("X-Release-Version"))
        out.headers.emplace_back("X-Release-Version", *v);
      return out;
    };
    server_.Handle("GET", "/smoke", [forward](const ServerRequest&) { return forward("/smoke"); });
    server_.Handle("GET", "/version",
                   [forward](const ServerRequest&) { return forward("/version"); });
    server_.Handle("POST", "/route", [this](const ServerRequest& req) {
      if (fail_switch_)
        return ServerResponse::Make(500, "text/plain", "route controller unavailable");
      std::lock_guard<std::mutex> lock(mu_);
      if (!stuck_) {
        previous_ = current_;
        current_ = req.body == "new" ? next_ : rollback_;
        draining_ = drain_smokes_;
      }
      ++switches_;
      return ServerResponse::Make(200, "text/plain", "ok");
    });
    status_ = server_.Start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  bool on_rollback() {
    std::lock_guard<std::mutex> lock(mu_);
    return current_ == rollback_;
  }
  std::atomic<bool> fail_switch_{false};
  std::atomic<bool> stuck_{false};  // accepts switches but never moves: the route never converges
  std::atomic<int> switches_{0};
  // After a switch, this many /smoke calls still reach the previous release (a graceful switch
  // draining, as nginx does for ~100 ms after a reload) while /version already names the new one.
  std::atomic<int> drain_smokes_{0};
  const Status& status() const { return status_; }

 private:
  std::mutex mu_;
  const FakeApp* current_;
  const FakeApp* previous_ = nullptr;
  int draining_ = 0;  // guarded by mu_
  const FakeApp* rollback_;
  const FakeApp* next_;
  HttpServer server_;
  Status status_;
};

class DrillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mock::MockOptions o;
    o.keys = {kDrillKey};
    provider_ = std::make_unique<testing::MockServer>(o);
    ASSERT_OK(provider_->status());
    ASSERT_OK(old_.status());
    ASSERT_OK(new_.status());
    ASSERT_OK(router_.status());
  }

  RunReport Drill(const std::string& to_new_action = "", const std::string& to_rollback_action = "",
                  CancelToken* cancel = nullptr, const DrillHooks& hooks = DrillHooks{}) {
    dir_.Write("contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 36500\n");
    std::string base = provider_->provider().base_url();
    std::string to_new = to_new_action.empty()
                             ? "{method: POST, url: '" + router_.url() + "/route', body: new}"
                             : to_new_action;
    std::string yaml =
        "service: s\ncontract: contract.yaml\n"
        "releases:\n"
        "  new: {version: '2.0.0', base_url: '" +
        base + "', api_key: " + kDrillKey +
        ", model: m}\n"
        "  rollback: {version: '1.0.0', base_url: '" +
        base + "', api_key: " + kDrillKey +
        ", model: m}\n"
        "drill:\n"
        "  switch:\n"
        "    to_new: " +
        to_new +
        "\n"
        "    to_rollback: " +
        (to_rollback_action.empty()
             ? "{method: POST, url: '" + router_.url() + "/route', body: rollback}"
             : to_rollback_action) +
        "\n"
        "  user_facing: {url: '" +
        router_.url() +
        "/smoke'}\n"
        "  settle: {url: '" +
        router_.url() + "/version', timeout_ms: 600, poll_ms: 20}\n";
    Result<Config> cfg = ParseConfig(yaml, dir_.Join("rollgate.yaml"));
    EXPECT_OK(cfg);
    RunOptions options;
    options.evidence_dir = dir_.Join("evidence");
    options.cancel = cancel;
    RunReport report;
    EXPECT_OK(RunDrill(*cfg, options, RunSeams{}, hooks, &report));
    return report;
  }

  static const DrillStep* FirstFailed(const RunReport& r) {
    for (const auto& s : r.drill_steps) {
      if (s.status == CheckStatus::kFail) return &s;
    }
    return nullptr;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::MockServer> provider_;
  FakeApp old_{"1.0.0"};
  FakeApp new_{"2.0.0"};
  Router router_{&old_, &new_};
};

// A contract that cannot be understood is a usage error naming the file before step 1 starts,
// not a drill that judges the user-facing path by the built-in contract.
TEST(DrillContractTest, MalformedContractStopsTheDrillBeforeStepOneNamingTheFile) {
  testing::TempDir dir;
  const std::string contract = dir.Write("contract.yaml", "reviewed_on: [not, a, date\n");
  const std::string yaml =
      "service: s\ncontract: contract.yaml\n"
      "releases:\n"
      "  new: {version: '2.0.0', base_url: 'http://127.0.0.1:9', api_key: k, model: m}\n"
      "  rollback: {version: '1.0.0', base_url: 'http://127.0.0.1:9', api_key: k, model: m}\n"
      "drill:\n"
      "  switch: {to_new: [true], to_rollback: [true]}\n"
      "  user_facing: {url: 'http://127.0.0.1:9/smoke'}\n";
  Result<Config> cfg = ParseConfig(yaml, dir.Join("rollgate.yaml"));
  ASSERT_OK(cfg);
  int steps = 0;
  DrillHooks hooks;
  hooks.on_step = [&](const DrillStep&, bool) { ++steps; };
  RunOptions options;
  options.write_evidence = false;
  RunReport report;
  Status st = RunDrill(*cfg, options, RunSeams{}, hooks, &report);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.message().rfind(contract + ":", 0), 0u) << st.message();
  EXPECT_EQ(steps, 0) << "no step may start on a config that cannot be understood";
}

TEST_F(DrillTest, AllEightStepsPassAndTheRouteEndsOnRollback) {
  RunReport r = Drill();
  EXPECT_EQ(r.decision, Decision::kPass);
  ASSERT_EQ(r.drill_steps.size(), 8u);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(r.drill_steps[i].number, i + 1);
    EXPECT_EQ(r.drill_steps[i].status, CheckStatus::kPass)
        << r.drill_steps[i].name << ": " << r.drill_steps[i].detail;
    EXPECT_LE(r.drill_steps[i].started_unix_ms, r.drill_steps[i].finished_unix_ms);
  }
  EXPECT_EQ(r.FindGate("rollback_switch_drill")->status, CheckStatus::kPass);
  EXPECT_EQ(r.route_left_on, "rollback");
  EXPECT_TRUE(router_.on_rollback());
  EXPECT_EQ(router_.switches_.load(), 2);
}

TEST_F(DrillTest, NewBrokenThroughTheRouteStopsAtStepFiveAndRestoresRollback) {
  new_.set_broken(true);
  RunReport r = Drill();
  EXPECT_EQ(r.decision, Decision::kBlock);
  const DrillStep* failed = FirstFailed(r);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->number, 5);
  EXPECT_NE(failed->detail.find("authentication"), std::string::npos) << failed->detail;
  EXPECT_TRUE(r.drill_steps.back().recovery);
  EXPECT_EQ(r.drill_steps.back().status,
            CheckStatus::kPass);  // rollback verified through the route
  EXPECT_TRUE(router_.on_rollback());
  EXPECT_NE(
      r.FindGate("rollback_switch_drill")->detail.find("switched back to rollback, which serves"),
      std::string::npos);
}

TEST_F(DrillTest, FailingSwitchStopsAndNeverLeavesTheRouteOnNew) {
  RunReport r = Drill("[false]");
  EXPECT_EQ(r.decision, Decision::kBlock);
  const DrillStep* failed = FirstFailed(r);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->number, 4);
  // The command as it ran: `false` looked up on PATH, by its absolute path.
  EXPECT_NE(failed->detail.find("/false` failed: exit code 1"), std::string::npos)
      << failed->detail;
  EXPECT_TRUE(router_.on_rollback());
}

TEST_F(DrillTest, RouteThatNeverConvergesTimesOutBounded) {
  router_.stuck_ = true;
  RunReport r = Drill();
  const DrillStep* failed = FirstFailed(r);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->number, 5);
  EXPECT_NE(failed->detail.find("did not converge"), std::string::npos) << failed->detail;
  EXPECT_NE(failed->detail.find("still served by 1.0.0"), std::string::npos);
  EXPECT_EQ(r.route_left_on, "rollback");
}

TEST_F(DrillTest, RollbackBrokenAfterTheFlipBackIsLoud) {
  // The rollback is healthy at the provider (steps 1-2) but broken through its own app.
  old_.set_broken(true);
  RunReport r = Drill();
  EXPECT_EQ(r.decision, Decision::kBlock);
  const DrillStep* failed = FirstFailed(r);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->number, 7);
  EXPECT_EQ(r.FindGate("rollback_switch_drill")->detail.rfind("ROLLBACK IS NOT SAFE", 0), 0u);
}

TEST_F(DrillTest, SmokeAnswerFromThePreviousReleaseWhileTheSwitchDrainsIsRetried) {
  router_.drain_smokes_ = 1;
  RunReport r = Drill();
  EXPECT_EQ(r.decision, Decision::kPass);
  ASSERT_EQ(r.drill_steps.size(), 8u);
  EXPECT_NE(r.drill_steps[4].detail.find("1 earlier smoke call reached 1.0.0 although"),
            std::string::npos)
      << r.drill_steps[4].detail;
  EXPECT_NE(r.drill_steps[6].detail.find("1 earlier smoke call reached 2.0.0"), std::string::npos)
      << r.drill_steps[6].detail;
}

TEST_F(DrillTest, SmokeThatKeepsReachingTheOtherReleaseFailsAfterThreeCalls) {
  router_.drain_smokes_ = 1000;  // /version says new, /smoke never gets there
  RunReport r = Drill();
  EXPECT_EQ(r.decision, Decision::kBlock);
  const DrillStep* failed = FirstFailed(r);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->number, 5);
  EXPECT_NE(failed->detail.find("served by version 1.0.0, expected 2.0.0"), std::string::npos)
      << failed->detail;
  EXPECT_NE(failed->detail.find("2 earlier smoke calls reached 1.0.0 although"), std::string::npos)
      << failed->detail;
}

TEST_F(DrillTest, SwitchControllerDownMeansRouteStateUnknown) {
  router_.fail_switch_ = true;
  RunReport r = Drill("{method: POST, url: '" + router_.url() + "/route', body: new}");
  EXPECT_EQ(r.route_left_on, "unknown");
  EXPECT_EQ(r.FindGate("rollback_switch_drill")->detail.rfind("ROUTE STATE UNKNOWN", 0), 0u);
}

// A switch back that exits 0 and moves nothing: the drill says what it saw (issue 12).
TEST_F(DrillTest, SwitchBackThatChangesNothingLeavesTheRouteOnNew) {
  RunReport r = Drill("", "[true]");
  EXPECT_EQ(r.decision, Decision::kBlock);
  const DrillStep* failed = FirstFailed(r);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->number, 7);
  EXPECT_EQ(r.route_left_on, "new");
  EXPECT_FALSE(router_.on_rollback());
  const CheckResult* gate = r.FindGate("rollback_switch_drill");
  ASSERT_NE(gate, nullptr);
  EXPECT_EQ(gate->detail.rfind("ROUTE STATE: still on new — switch it by hand: true", 0), 0u)
      << gate->detail;
}

// Cancelled right after the route moved to new: the drill does not go on to step 5, switches
// back, verifies rollback through the route, and reports the run as interrupted (a block).
TEST_F(DrillTest, CancelRightAfterTheSwitchToNewRestoresAndVerifiesRollback) {
  CancelToken cancel;
  DrillHooks hooks;
  hooks.on_step = [&](const DrillStep& s, bool finished) {
    if (finished && s.number == 4) cancel.Cancel(SIGHUP);
  };
  RunReport r = Drill("", "", &cancel, hooks);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.signal, "SIGHUP");
  EXPECT_EQ(r.decision, Decision::kBlock);
  EXPECT_EQ(r.route_left_on, "rollback");
  EXPECT_TRUE(router_.on_rollback());
  ASSERT_GE(r.drill_steps.size(), 2u);
  const DrillStep& last = r.drill_steps.back();
  EXPECT_TRUE(last.recovery);
  EXPECT_EQ(last.number, 7);
  EXPECT_EQ(last.status, CheckStatus::kPass) << last.detail;
  for (const auto& s : r.drill_steps)
    EXPECT_FALSE(s.number == 5 && s.status == CheckStatus::kPass) << s.detail;
  EXPECT_EQ(r.FindGate("rollback_switch_drill")->detail.rfind("interrupted by SIGHUP", 0), 0u)
      << r.FindGate("rollback_switch_drill")->detail;
  Result<std::string> gate_json = ReadFileToString(dir_.Join("evidence/gate.json"));
  ASSERT_OK(gate_json);
  EXPECT_NE(gate_json->find("\"interrupted\": true"), std::string::npos);
}

}  // namespace
}  // namespace rollgate::internal
