// The rollback switch drill end to end through a real nginx (nginx_drill_fixture.h has the
// setup): a pass, the new release's stale key, a failing switch command, a route that never
// converges, a rollback broken after the flip back, and a switch back that changes nothing.
// Interrupts are in nginx_drill_signal_test.cc.
#include "drill/nginx_drill_fixture.h"

namespace rollgate::testing::nginx_drill {
namespace {

TEST_F(NginxDrillTest, PassMovesTheRouteToNewAndBackAndLeavesItOnRollback) {
  std::string new_app = StartApp("v2", new_mock_url_, kNginxNewKey);
  ASSERT_FALSE(new_app.empty());
  CliRun run = Drill(HealthySetup(new_app));
  ASSERT_EQ(run.exit_code, 0) << Diagnostics(run);
  ASSERT_NO_FATAL_FAILURE(ExpectEvidence("pass"));
  EXPECT_EQ(StepsOf(gate_), "1:pass 2:pass 3:pass 4:pass 5:pass 6:pass 7:pass 8:pass");
  EXPECT_TRUE(Contains(Detail(StepOf(gate_, 5)), Url("/version") + " serves 2.4.0"))
      << Detail(StepOf(gate_, 5));
  EXPECT_TRUE(Contains(Detail(StepOf(gate_, 7)), "serves 2.3.1")) << Detail(StepOf(gate_, 7));
  const json* drill = GateOf(gate_, "rollback_switch_drill");
  ASSERT_NE(drill, nullptr);
  EXPECT_EQ((*drill)["status"], "pass");
  EXPECT_EQ(Detail(drill), "all 8 steps passed; the route is on rollback, ready to expand traffic");
  // docs/drill.md: step 6 puts the route back; expanding traffic is the operator's next move.
  EXPECT_EQ(gate_["drill"]["route_left_on"], "rollback");
  EXPECT_EQ(ServedVersion(), kOldVersion);
  EXPECT_TRUE(Contains(run.out, "DECISION: PASS")) << run.out;
  EXPECT_TRUE(Contains(ReadOr(dir_.Join("evidence/summary.md")),
                       "rollback switch drill (route left on rollback)"));
}

// The new release's running instance holds a stale key (a secret mount that missed the
// rotation) while the key its config names, the one the provider accepts, is fine. A probe
// through rollgate's own client with that key (probe: direct, the default) passes step 1, so only
// traffic through the app, behind the route, shows the break: the drill stops at the user-facing
// smoke of new (step 5) and puts the route back. The next case probes the app itself in step 1.
TEST_F(NginxDrillTest, NewReleasesStaleKeyStopsAtTheUserFacingSmokeAndTheRouteGoesBack) {
  std::string new_app = StartApp("v2", new_mock_url_, kStaleKey);
  ASSERT_FALSE(new_app.empty());
  DrillSetup s = HealthySetup(new_app);
  s.new_release = DirectRelease(kNewVersion, new_mock_url_, kNginxNewKey, "gpt-5.4-mini");
  s.rollback_release = DirectRelease(kOldVersion, old_mock_url_, kOldKey, "gpt-4o-mini");
  CliRun run = Drill(s);
  ASSERT_EQ(run.exit_code, 1) << Diagnostics(run);
  ASSERT_NO_FATAL_FAILURE(ExpectEvidence("block"));
  EXPECT_EQ(StepsOf(gate_), "1:pass 2:pass 3:pass 4:pass 5:fail 6r:pass 7r:pass");
  std::string step5 = Detail(StepOf(gate_, 5));
  EXPECT_TRUE(Contains(step5, "new authentication failed")) << step5;
  EXPECT_TRUE(Contains(step5, "401")) << step5;
  EXPECT_FALSE(Contains(step5, kStaleKey)) << step5;
  EXPECT_TRUE(Contains(Detail(StepOf(gate_, 7, true)), "serves 2.3.1"));
  const json* drill = GateOf(gate_, "rollback_switch_drill");
  ASSERT_NE(drill, nullptr);
  EXPECT_EQ((*drill)["status"], "fail");
  EXPECT_EQ(Detail(drill).rfind("step 5 (smoke new through the user-facing path) failed: new "
                                "authentication failed",
                                0),
            0u)
      << Detail(drill);
  EXPECT_TRUE(Contains(Detail(drill), "the route was switched back to rollback, which serves"));
  EXPECT_EQ(gate_["drill"]["route_left_on"], "rollback");
  EXPECT_EQ(ServedVersion(), kOldVersion);
}

// The same stale key, with step 1 smoking the app's own /smoke (probe: http): caught before the
// route ever moves (no step 4), and the route is confirmed on rollback.
TEST_F(NginxDrillTest, NewReleasesStaleKeyCaughtByTheAppProbeNeverMovesTheRoute) {
  std::string new_app = StartApp("v2", new_mock_url_, kStaleKey);
  ASSERT_FALSE(new_app.empty());
  CliRun run = Drill(HealthySetup(new_app));
  ASSERT_EQ(run.exit_code, 1) << Diagnostics(run);
  ASSERT_NO_FATAL_FAILURE(ExpectEvidence("block"));
  EXPECT_EQ(StepsOf(gate_), "1:fail 2:pass 3:pass 6r:pass 7r:pass");
  EXPECT_TRUE(Contains(Detail(StepOf(gate_, 1)), "authentication")) << Detail(StepOf(gate_, 1));
  const json* drill = GateOf(gate_, "rollback_switch_drill");
  ASSERT_NE(drill, nullptr);
  EXPECT_EQ((*drill)["status"], "fail");
  EXPECT_EQ(Detail(drill).rfind("step 1 (smoke new release (traffic not yet moved)) failed", 0), 0u)
      << Detail(drill);
  EXPECT_EQ(gate_["drill"]["route_left_on"], "rollback");
  EXPECT_EQ(ServedVersion(), kOldVersion);
}

// The switch to new names an address nginx rejects (a typo in the deploy pipeline): nginx
// refuses the reload, the script restores the upstream file and fails, the drill blocks at step
// 4 and the recovery confirms rollback through nginx.
TEST_F(NginxDrillTest, FailingSwitchCommandBlocksAndTheRouteStaysOnRollback) {
  std::string new_app = StartApp("v2", new_mock_url_, kNginxNewKey);
  ASSERT_FALSE(new_app.empty());
  DrillSetup s = HealthySetup(new_app);
  s.to_new = SwitchTo("127.0.0.1:notaport");
  CliRun run = Drill(s);
  ASSERT_EQ(run.exit_code, 1) << Diagnostics(run);
  ASSERT_NO_FATAL_FAILURE(ExpectEvidence("block"));
  EXPECT_EQ(StepsOf(gate_), "1:pass 2:pass 3:pass 4:fail 6r:pass 7r:pass");
  std::string step4 = Detail(StepOf(gate_, 4));
  EXPECT_TRUE(Contains(step4, "switch_upstream.sh")) << step4;
  EXPECT_TRUE(Contains(step4, "failed: exit code 1")) << step4;
  EXPECT_TRUE(Contains(step4, "invalid port in upstream")) << step4;  // nginx's own words
  const json* drill = GateOf(gate_, "rollback_switch_drill");
  ASSERT_NE(drill, nullptr);
  EXPECT_EQ((*drill)["status"], "fail");
  EXPECT_EQ(Detail(drill).rfind("step 4 (switch the route to new) failed", 0), 0u) << Detail(drill);
  EXPECT_TRUE(Contains(Detail(drill), "the route was switched back to rollback, which serves"));
  EXPECT_EQ(gate_["drill"]["route_left_on"], "rollback");
  EXPECT_TRUE(Contains(ReadOr(upstream_), "server " + old_app_ + ";")) << ReadOr(upstream_);
  EXPECT_EQ(ServedVersion(), kOldVersion);
}

// The switch to new "succeeds" without moving anything: it writes a file nginx does not include
// (a path typo) and reloads. The route never converges; the drill waits settle.timeout_ms (1.5 s)
// and no longer, blocks, and confirms rollback.
TEST_F(NginxDrillTest, RouteThatNeverConvergesBlocksOnTheSettleTimeout) {
  std::string new_app = StartApp("v2", new_mock_url_, kNginxNewKey);
  ASSERT_FALSE(new_app.empty());
  DrillSetup s = HealthySetup(new_app);
  s.to_new = SwitchTo(new_app, prefix_ + "/upstream.conf.staged");
  s.settle_timeout_ms = 1500;
  CliRun run = Drill(s);
  ASSERT_EQ(run.exit_code, 1) << Diagnostics(run);
  ASSERT_NO_FATAL_FAILURE(ExpectEvidence("block"));
  EXPECT_EQ(StepsOf(gate_), "1:pass 2:pass 3:pass 4:pass 5:fail 6r:pass 7r:pass");
  std::string step5 = Detail(StepOf(gate_, 5));
  EXPECT_TRUE(Contains(step5, "the route did not converge: " + Url("/version") +
                                  " was not served by 2.4.0 within 1.5 s"))
      << step5;
  EXPECT_TRUE(Contains(step5, "still served by 2.3.1")) << step5;
  ASSERT_NE(StepOf(gate_, 5), nullptr);
  EXPECT_GE(StepMs(*StepOf(gate_, 5)), 1400);  // waited for the whole settle timeout...
  EXPECT_LE(StepMs(*StepOf(gate_, 5)), 5000);  // ...and then stopped
  const json* drill = GateOf(gate_, "rollback_switch_drill");
  ASSERT_NE(drill, nullptr);
  EXPECT_EQ((*drill)["status"], "fail");
  EXPECT_TRUE(Contains(Detail(drill),
                       "step 5 (smoke new through the user-facing path) failed: "
                       "the route did not converge"))
      << Detail(drill);
  EXPECT_TRUE(Contains(Detail(drill), "the route was switched back to rollback, which serves"));
  EXPECT_EQ(gate_["drill"]["route_left_on"], "rollback");
  EXPECT_EQ(ServedVersion(), kOldVersion);
}

// The flip back lands on a rollback instance whose provider key was revoked: the rollback
// route's pool is not the instance step 2 smoke-tested. Steps 1-6 pass, the user-facing smoke of
// rollback fails, and there is nowhere safer to go: the loudest detail, route left on rollback.
TEST_F(NginxDrillTest, RollbackBrokenAfterTheFlipBackIsRollbackIsNotSafe) {
  std::string new_app = StartApp("v2", new_mock_url_, kNginxNewKey);
  ASSERT_FALSE(new_app.empty());
  std::string revoked_old_app = StartApp("v1", old_mock_url_, kStaleKey);
  ASSERT_FALSE(revoked_old_app.empty());
  DrillSetup s = HealthySetup(new_app);
  s.to_rollback = SwitchTo(revoked_old_app);
  CliRun run = Drill(s);
  ASSERT_EQ(run.exit_code, 1) << Diagnostics(run);
  ASSERT_NO_FATAL_FAILURE(ExpectEvidence("block"));
  EXPECT_EQ(StepsOf(gate_), "1:pass 2:pass 3:pass 4:pass 5:pass 6:pass 7:fail");
  std::string step7 = Detail(StepOf(gate_, 7));
  EXPECT_TRUE(Contains(step7, "rollback authentication failed")) << step7;
  const json* drill = GateOf(gate_, "rollback_switch_drill");
  ASSERT_NE(drill, nullptr);
  EXPECT_EQ((*drill)["status"], "fail");
  EXPECT_EQ(Detail(drill).rfind("ROLLBACK IS NOT SAFE: step 7 (smoke rollback through the "
                                "user-facing path) failed",
                                0),
            0u)
      << Detail(drill);
  EXPECT_TRUE(
      Contains(Detail(drill), "the route is on the rollback release and it does not serve"));
  EXPECT_EQ(gate_["drill"]["route_left_on"], "rollback");
  EXPECT_TRUE(Contains(run.out, "ROLLBACK IS NOT SAFE")) << run.out;
  EXPECT_EQ(ServedVersion(), kOldVersion);
  // ...served by the revoked instance: nginx's /smoke shows the provider's 401.
  json smoke = json::parse(HttpGet(Url("/smoke")).body, nullptr, false);
  EXPECT_EQ(smoke.value("status", 0), 401) << smoke.dump();
}

// The switch back to rollback "succeeds" and changes nothing (here: `true`; in life, the wrong
// file or the wrong cluster): nginx keeps serving new. The drill reports what it observed, not
// what the command claimed: route_left_on "new", the gate blocks with ROUTE STATE and the command
// to run by hand, and the console says so where it cannot be missed.
TEST_F(NginxDrillTest, SwitchBackThatChangesNothingLeavesRouteOnNewAndSaysSwitchItByHand) {
  std::string new_app = StartApp("v2", new_mock_url_, kNginxNewKey);
  ASSERT_FALSE(new_app.empty());
  DrillSetup s = HealthySetup(new_app);
  s.to_rollback = {"true"};
  s.settle_timeout_ms = 1500;
  CliRun run = Drill(s);
  ASSERT_EQ(run.exit_code, 1) << Diagnostics(run);
  ASSERT_NO_FATAL_FAILURE(ExpectEvidence("block"));
  EXPECT_EQ(StepsOf(gate_), "1:pass 2:pass 3:pass 4:pass 5:pass 6:pass 7:fail");
  EXPECT_TRUE(Contains(Detail(StepOf(gate_, 7)), "still served by 2.4.0"))
      << Detail(StepOf(gate_, 7));
  EXPECT_EQ(gate_["drill"]["route_left_on"], "new");
  const json* drill = GateOf(gate_, "rollback_switch_drill");
  ASSERT_NE(drill, nullptr);
  EXPECT_EQ((*drill)["status"], "fail");
  EXPECT_EQ(Detail(drill).rfind("ROUTE STATE: still on new — switch it by hand: true", 0), 0u)
      << Detail(drill);
  EXPECT_FALSE(Contains(Detail(drill), "ROLLBACK IS NOT SAFE")) << Detail(drill);
  EXPECT_TRUE(Contains(run.out, "\nROUTE STATE: still on new — switch it by hand: true"))
      << run.out;
  EXPECT_TRUE(Contains(run.err, "ROUTE STATE: still on new — switch it by hand: true")) << run.err;
  EXPECT_TRUE(Contains(ReadOr(Evidence() + "/summary.md"), "route left on new"));
  EXPECT_EQ(ServedVersion(), kNewVersion);  // what the evidence says is what nginx does
}

// examples/drill/rollgate.yaml is the documented way to run this drill by hand (its README
// starts the same processes on fixed ports): it must load, and switch with this test's script.
TEST(NginxDrillExampleTest, ExampleConfigLoadsAndSwitchesWithTheTestedScript) {
  std::string example = std::string(ROLLGATE_SOURCE_DIR) + "/examples/drill/rollgate.yaml";
  Result<Config> config = internal::LoadConfig(example);
  ASSERT_OK(config);
  ASSERT_TRUE(config->drill.has_value());
  for (const DrillAction* action : {&config->drill->to_new, &config->drill->to_rollback}) {
    ASSERT_FALSE(action->is_http());
    ASSERT_EQ(action->command.size(), 5u);
    // Commands run in the config's directory.
    EXPECT_TRUE(std::filesystem::equivalent(config->dir + "/" + action->command[0], kSwitchScript))
        << action->command[0];
  }
  EXPECT_EQ(config->drill->version_header, "X-Release-Version");
}

}  // namespace
}  // namespace rollgate::testing::nginx_drill
