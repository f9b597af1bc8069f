// The drill interrupted, through the real nginx of nginx_drill_fixture.h (issue 12): SIGINT,
// SIGTERM and SIGHUP at three points (while steps 1-3 wait on a provider that answers after 20 s;
// right after the route moved to new; during the recovery, with a second signal), and a stdout
// closed early (`rollgate drill … | head -n 6`). Whatever happens, the route ends on rollback,
// verified through nginx; the evidence is written; a signal N gives exit 128+N with
// "interrupted": true, and a closed stdout changes nothing.
#include <csignal>
#include <tuple>

#include "drill/nginx_drill_fixture.h"
#include "rollgate/cancel.h"

namespace rollgate::testing::nginx_drill {
namespace {

enum class SignalPoint { kDuringGateSteps, kRightAfterSwitchToNew, kDuringRecovery };

const char* PointName(SignalPoint p) {
  switch (p) {
    case SignalPoint::kDuringGateSteps:
      return "DuringSteps1To3";
    case SignalPoint::kRightAfterSwitchToNew:
      return "RightAfterTheSwitchToNew";
    case SignalPoint::kDuringRecovery:
      return "DuringRecoveryWithASecondSignal";
  }
  return "";
}

class NginxDrillSignalTest : public NginxDrillTest,
                             public ::testing::WithParamInterface<std::tuple<int, SignalPoint>> {
 protected:
  // `rollgate mock` for the new release that answers every call after 20 s, and its URL.
  std::string StartSlowMock(const std::string& key) {
    auto& child = Spawn(
        {ROLLGATE_BINARY, "mock", "--listen", "127.0.0.1:0", "--key", key, "--latency-ms", "20000"},
        {});
    const std::string ready = "rollgate mock listening on ";
    Result<std::string> line = child.WaitForLine(ready);
    EXPECT_OK(line);
    return line.ok() ? line->substr(ready.size()) : "";
  }

  static int64_t RequestsSeen(const std::string& mock_url) {
    json stats = json::parse(HttpGet(mock_url + "/_mock/stats").body, nullptr, false);
    return stats.is_object() ? stats.value("requests_total", int64_t{0}) : 0;
  }

  // Waits (bounded) until the drill printed a progress line containing `text`.
  static bool WaitForOutput(ChildProcess& drill, const std::string& text) {
    return WaitUntil([&] { return Contains(drill.out(), text); }, std::chrono::seconds(30));
  }

  std::string Why(ChildProcess& drill) const {
    return "rollgate stdout:\n" + drill.out() + "\nrollgate stderr:\n" + drill.err() +
           "\nnginx error.log:\n" + ReadOr(prefix_ + "/error.log");
  }
};

TEST_P(NginxDrillSignalTest, RouteEndsOnRollbackEvidenceIsWrittenAndExitIs128PlusN) {
  const auto [sig, point] = GetParam();
  std::string new_provider =
      point == SignalPoint::kDuringGateSteps ? StartSlowMock(kNginxNewKey) : new_mock_url_;
  ASSERT_FALSE(new_provider.empty());
  std::string new_app = StartApp("v2", new_provider, kNginxNewKey);
  ASSERT_FALSE(new_app.empty());
  DrillSetup s = HealthySetup(new_app);
  // Go-aheads the test gives by creating a file; every wait for one is bounded (20 s).
  const std::string switched = dir_.Join("switched-to-new"),
                    step4_may_end = dir_.Join("step4-may-end"),
                    recovery_may_switch = dir_.Join("recovery-may-switch");
  const std::string wait_for_go =
      "i=0; while [ ! -e \"$go\" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done";
  if (point != SignalPoint::kDuringGateSteps) {
    // The switch to new moves the route, says so, then waits for the test: the signal lands
    // right after the route moved, before the drill can go on.
    std::vector<std::string> to_new = {
        "sh", "-c", "switched=$0; go=$1; shift; \"$@\" || exit; : > \"$switched\"; " + wait_for_go,
        switched, step4_may_end};
    to_new.insert(to_new.end(), s.to_new.begin(), s.to_new.end());
    s.to_new = to_new;
  }
  if (point == SignalPoint::kDuringRecovery) {
    // The switch back waits for the test too, so the second signal lands during the recovery.
    std::vector<std::string> to_rollback = {"sh", "-c", "go=$0; " + wait_for_go + "; exec \"$@\"",
                                            recovery_may_switch};
    to_rollback.insert(to_rollback.end(), s.to_rollback.begin(), s.to_rollback.end());
    s.to_rollback = to_rollback;
  }
  ChildProcess drill;
  ASSERT_OK(drill.Start({DrillArgv(s), DrillEnv(), ""}));

  if (point == SignalPoint::kDuringGateSteps) {
    // Steps 1-3 are under way: the new release's call is waiting on its 20 s provider.
    ASSERT_TRUE(
        WaitUntil([&] { return RequestsSeen(new_provider) >= 1; }, std::chrono::seconds(30)))
        << Why(drill);
  } else {
    ASSERT_TRUE(
        WaitUntil([&] { return std::filesystem::exists(switched); }, std::chrono::seconds(30)))
        << Why(drill);
    // The reload is asynchronous: wait (bounded) until nginx really serves new.
    ASSERT_TRUE(WaitUntil([&] {
      TestResponse r = HttpGet(Url("/version"));
      const std::string* v = r.Header("X-Release-Version");
      return v && *v == kNewVersion;
    })) << "the route never reached new before the signal\n"
        << Why(drill);
  }
  auto signalled = std::chrono::steady_clock::now();
  ASSERT_TRUE(drill.Signal(sig));
  if (point != SignalPoint::kDuringGateSteps) {
    ASSERT_TRUE(WaitUntil([&] { return Contains(drill.err(), SignalName(sig) + " received"); }))
        << Why(drill);
    dir_.Write("step4-may-end", "");
  }
  if (point == SignalPoint::kDuringRecovery) {
    ASSERT_TRUE(WaitForOutput(drill, "recovery: switch the route back to rollback: started"))
        << Why(drill);
    ASSERT_TRUE(drill.Signal(sig));
    ASSERT_TRUE(WaitUntil([&] { return Contains(drill.err(), "received again: ignored"); }))
        << Why(drill);
    dir_.Write("recovery-may-switch", "");
  }
  std::optional<ChildExit> exit = drill.WaitForExit(std::chrono::seconds(30));
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - signalled)
          .count();
  ASSERT_TRUE(exit.has_value()) << "rollgate did not exit\n" << Why(drill);
  EXPECT_EQ(exit->term_signal, 0) << "rollgate was killed by the signal\n" << Why(drill);
  EXPECT_EQ(exit->exit_code, 128 + sig) << Why(drill);
  if (point != SignalPoint::kDuringRecovery) {
    // Not the 20 s provider, nor any timeout: the stop, the recovery (a reload and a smoke
    // through nginx) and the evidence.
    EXPECT_LT(ms, 5000) << Why(drill);
  }

  LoadGate();
  ASSERT_NO_FATAL_FAILURE(ExpectEvidence("block"));
  EXPECT_EQ(gate_.value("interrupted", false), true) << gate_.dump();
  EXPECT_EQ(gate_.value("signal", ""), SignalName(sig));
  std::string steps = StepsOf(gate_);
  EXPECT_TRUE(steps.ends_with("6r:pass 7r:pass")) << gate_.dump(2) << Why(drill);
  if (point == SignalPoint::kDuringGateSteps) {
    EXPECT_EQ(steps.rfind("1:fail", 0), 0u) << steps;
    EXPECT_FALSE(Contains(steps, "4:")) << "the route moved after the signal: " << steps;
  } else {
    // Step 4 finished (its switch was not cut short), then the drill stopped: no step 5.
    EXPECT_EQ(steps, "1:pass 2:pass 3:pass 4:pass 4:fail 6r:pass 7r:pass");
  }
  EXPECT_EQ(gate_["drill"]["route_left_on"], "rollback");
  const json* drill_gate = GateOf(gate_, "rollback_switch_drill");
  ASSERT_NE(drill_gate, nullptr);
  EXPECT_EQ((*drill_gate)["status"], "fail");
  EXPECT_TRUE(Contains(Detail(drill_gate), "interrupted by " + SignalName(sig)))
      << Detail(drill_gate);
  EXPECT_TRUE(Contains(drill.out(), "INTERRUPTED by " + SignalName(sig))) << drill.out();
  EXPECT_TRUE(Contains(ReadOr(Evidence() + "/summary.md"), "Interrupted by " + SignalName(sig)));
  EXPECT_EQ(ServedVersion(), kOldVersion);
}

INSTANTIATE_TEST_SUITE_P(SignalsAndPoints, NginxDrillSignalTest,
                         ::testing::Combine(::testing::Values(SIGINT, SIGTERM, SIGHUP),
                                            ::testing::Values(SignalPoint::kDuringGateSteps,
                                                              SignalPoint::kRightAfterSwitchToNew,
                                                              SignalPoint::kDuringRecovery)),
                         [](const ::testing::TestParamInfo<std::tuple<int, SignalPoint>>& param) {
                           return SignalName(std::get<0>(param.param)) +
                                  PointName(std::get<1>(param.param));
                         });

// `rollgate drill … | head -n 6`: head exits after the sixth progress line, around the switch to
// new. Before issue 12 the next write killed rollgate with SIGPIPE (exit 141, no evidence) with
// live traffic on the release under test. A closed stdout must change nothing: the drill runs
// to its end, leaves the route on rollback, writes its evidence and exits 0.
TEST_F(NginxDrillTest, StdoutClosedEarlyStopsNothing) {
  std::string new_app = StartApp("v2", new_mock_url_, kNginxNewKey);
  ASSERT_FALSE(new_app.empty());
  std::vector<std::string> argv = {"bash", "-c", "\"$@\" | head -n 6; exit ${PIPESTATUS[0]}",
                                   "bash"};
  std::vector<std::string> drill_argv = DrillArgv(HealthySetup(new_app));
  argv.insert(argv.end(), drill_argv.begin(), drill_argv.end());
  ChildProcess drill;
  ASSERT_OK(drill.Start({argv, DrillEnv(), ""}));
  std::optional<ChildExit> exit = drill.WaitForExit(std::chrono::seconds(60));
  ASSERT_TRUE(exit.has_value()) << drill.err();
  EXPECT_EQ(exit->exit_code, 0) << "rollgate's exit code (141: killed by SIGPIPE)\n"
                                << drill.out() << "\n"
                                << drill.err();
  EXPECT_TRUE(Contains(drill.err(), "stdout was closed")) << drill.err();
  LoadGate();
  ASSERT_NO_FATAL_FAILURE(ExpectEvidence("pass"));
  EXPECT_FALSE(gate_.contains("interrupted"));
  EXPECT_EQ(StepsOf(gate_), "1:pass 2:pass 3:pass 4:pass 5:pass 6:pass 7:pass 8:pass");
  EXPECT_EQ(gate_["drill"]["route_left_on"], "rollback");
  EXPECT_EQ(ServedVersion(), kOldVersion);
}

}  // namespace
}  // namespace rollgate::testing::nginx_drill
