// Interrupting the built `rollgate` (issue 12): SIGINT, SIGTERM or SIGHUP against a provider that
// answers after 20 s ends `gate` and `check` within 1 s of the signal, with evidence that says
// "interrupted" (decision block) and exit 128+N; an exec probe's whole process group goes with
// it. The time is measured from the signal sent to the exit observed: a bound, not a sleep.
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/e2e_util.h"
#include "rollgate/cancel.h"
#include "testutil/child_process.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/wait_until.h"

namespace rollgate::testing {
namespace {

constexpr char kInterruptNewKey[] = "sk-interrupt-new-3e8d1a6c9b20";
constexpr char kInterruptRollbackKey[] = "sk-interrupt-rollback-71f4c2a9d05e";

// Whether process `pid` is gone: no such process, or only a zombie waiting for its reaper.
bool InterruptProcessGone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  std::size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

class InterruptTest : public ::testing::Test {
 protected:
  static mock::MockOptions SlowProvider() {
    mock::MockOptions o;
    o.keys = {kInterruptNewKey, kInterruptRollbackKey};
    o.latency_ms = 20000;  // every answer after 20 s
    return o;
  }

  // Two direct releases against `base_url` (timeouts and retries longer than the test), or
  // `new_release` as the new release's YAML body.
  std::string WriteConfig(const std::string& base_url, const std::string& new_release = "") {
    dir_.Write("contract.yaml",
               "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
               "/v1/chat/completions}\n");
    auto direct = [&](const std::string& version, const std::string& key,
                      const std::string& model) {
      return "    version: '" + version + "'\n    base_url: " + base_url + "\n    api_key: " + key +
             "\n    model: " + model +
             "\n    timeout_ms: 30000\n    retry: {max_attempts: 3, backoff_ms: 5000}\n";
    };
    return dir_.Write("rollgate.yaml",
                      "service: interrupt\ncontract: contract.yaml\n"
                      "expect_differences: [model, key_fingerprint, probe]\nreleases:\n  new:\n" +
                          (new_release.empty() ? direct("2.0.0", kInterruptNewKey, "gpt-5.4-mini")
                                               : new_release) +
                          "  rollback:\n" + direct("1.9.0", kInterruptRollbackKey, "gpt-4o-mini"));
  }

  // Sends `sig` once `ready` holds, and returns how long the child took to exit after it.
  double SignalAndTimeExit(ChildProcess& child, int sig, const std::function<bool()>& ready) {
    EXPECT_TRUE(WaitUntil(ready, std::chrono::seconds(20))) << child.out() << child.err();
    auto sent = std::chrono::steady_clock::now();
    EXPECT_TRUE(child.Signal(sig));
    exit_ = child.WaitForExit(std::chrono::seconds(30));
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent)
        .count();
  }

  // The evidence every interrupted run must leave.
  void ExpectInterruptedEvidence(int sig) {
    nlohmann::json gate =
        nlohmann::json::parse(ReadOr(dir_.Join("evidence/gate.json")), nullptr, false);
    ASSERT_TRUE(gate.is_object()) << "no gate.json";
    EXPECT_EQ(gate["decision"], "block");
    EXPECT_EQ(gate.value("interrupted", false), true);
    EXPECT_EQ(gate.value("signal", ""), SignalName(sig));
    EXPECT_NE(ReadOr(dir_.Join("evidence/summary.md")).find("Interrupted by " + SignalName(sig)),
              std::string::npos);
    EXPECT_NE(ReadOr(dir_.Join("evidence/junit.xml")).find("<testsuite"), std::string::npos);
  }

  TempDir dir_;
  std::optional<ChildExit> exit_;
};

class InterruptSignalTest : public InterruptTest, public ::testing::WithParamInterface<int> {};

TEST_P(InterruptSignalTest, GateAgainstA20SecondProviderStopsWithin1sWithEvidence) {
  const int sig = GetParam();
  MockServer provider(SlowProvider());
  ASSERT_OK(provider.status());
  std::string config = WriteConfig(provider.provider().base_url());
  ChildProcess gate;
  ASSERT_OK(gate.Start(
      {{ROLLGATE_BINARY, "gate", "--config", config, "--evidence-dir", dir_.Join("evidence")},
       {"NO_COLOR=1"},
       ""}));
  // Every probe (two smoke calls, one invalid-token call) is waiting on the provider.
  double ms =
      SignalAndTimeExit(gate, sig, [&] { return provider.provider().stats().requests_total >= 3; });
  ASSERT_TRUE(exit_.has_value()) << "rollgate gate did not exit: " << gate.err();
  EXPECT_EQ(exit_->term_signal, 0) << gate.err();
  EXPECT_EQ(exit_->exit_code, 128 + sig) << gate.out() << gate.err();
  EXPECT_LT(ms, 1000) << gate.out() << gate.err();
  ExpectInterruptedEvidence(sig);
  EXPECT_NE(gate.out().find("INTERRUPTED by " + SignalName(sig)), std::string::npos) << gate.out();
  EXPECT_NE(gate.out().find("DECISION: BLOCK"), std::string::npos) << gate.out();
  EXPECT_NE(ReadOr(dir_.Join("evidence/probes.jsonl")).find("\"outcome\":\"cancelled\""),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Signals, InterruptSignalTest, ::testing::Values(SIGINT, SIGTERM, SIGHUP),
                         [](const ::testing::TestParamInfo<int>& param) {
                           return SignalName(param.param);
                         });

TEST_F(InterruptTest, CheckCtrlCStopsWithin1sWithEvidence) {
  MockServer provider(SlowProvider());
  ASSERT_OK(provider.status());
  std::string config = WriteConfig(provider.provider().base_url());
  ChildProcess check;
  ASSERT_OK(check.Start({{ROLLGATE_BINARY, "check", "--config", config, "--release", "rollback",
                          "--evidence-dir", dir_.Join("evidence")},
                         {"NO_COLOR=1"},
                         ""}));
  double ms = SignalAndTimeExit(check, SIGINT,
                                [&] { return provider.provider().stats().requests_total >= 2; });
  ASSERT_TRUE(exit_.has_value()) << check.err();
  EXPECT_EQ(exit_->exit_code, 130) << check.out() << check.err();
  EXPECT_LT(ms, 1000) << check.err();
  ExpectInterruptedEvidence(SIGINT);
}

// An exec probe whose smoke command hangs (and forks a child that would outlive it): Ctrl-C ends
// rollgate within 1 s and leaves no process of the command's group behind.
TEST_F(InterruptTest, ExecProbeThatSleepsIsKilledWithItsProcessGroup) {
  MockServer provider(SlowProvider());
  ASSERT_OK(provider.status());
  std::string pids = dir_.Join("smoke.pids");
  std::string config = WriteConfig(
      provider.provider().base_url(),
      "    version: '2.0.0'\n    probe: exec\n    command: [sh, -c, 'sleep 1000 & echo $$ "
      "$! > " +
          pids + "; wait']\n    command_timeout_ms: 60000\n");
  ChildProcess gate;
  ASSERT_OK(gate.Start(
      {{ROLLGATE_BINARY, "gate", "--config", config, "--evidence-dir", dir_.Join("evidence")},
       {"NO_COLOR=1"},
       ""}));
  std::vector<pid_t> started;
  double ms = SignalAndTimeExit(gate, SIGINT, [&] {
    std::istringstream in(ReadOr(pids));
    pid_t shell = 0, sleeper = 0;
    if (!(in >> shell >> sleeper)) return false;
    started = {shell, sleeper};
    return true;
  });
  ASSERT_TRUE(exit_.has_value()) << gate.err();
  EXPECT_EQ(exit_->exit_code, 130) << gate.out() << gate.err();
  EXPECT_LT(ms, 1000) << gate.err();
  ASSERT_EQ(started.size(), 2u);
  for (pid_t pid : started) {
    // Reaped by rollgate (the shell) or by init (the orphaned sleep): either way, promptly.
    EXPECT_TRUE(WaitUntil([&] { return InterruptProcessGone(pid); }, std::chrono::seconds(5)))
        << "process " << pid << " of the smoke command is still running";
  }
  ExpectInterruptedEvidence(SIGINT);
  nlohmann::json gate_json =
      nlohmann::json::parse(ReadOr(dir_.Join("evidence/gate.json")), nullptr, false);
  EXPECT_NE(gate_json.dump().find("rollgate was interrupted"), std::string::npos)
      << gate_json.dump(2);
}

// rehearse: a signal stops the modes in flight and starts no more; the table says the answer is
// incomplete, and the exit is 128+N (not a "0 all caught" that was never earned).
TEST_F(InterruptTest, RehearseStopsOnSigintAndSaysItIsIncomplete) {
  std::string evidence = dir_.Join("rehearse");
  ChildProcess rehearse;
  ASSERT_OK(
      rehearse.Start({{ROLLGATE_BINARY, "rehearse", "--evidence-dir", evidence, "--parallel", "2"},
                      {"NO_COLOR=1"},
                      ""}));
  // Running: the first modes have written their evidence.
  double ms = SignalAndTimeExit(rehearse, SIGINT, [&] {
    std::error_code ec;
    return std::filesystem::exists(evidence, ec) && !std::filesystem::is_empty(evidence, ec);
  });
  ASSERT_TRUE(exit_.has_value()) << rehearse.err();
  EXPECT_EQ(exit_->term_signal, 0) << rehearse.err();
  EXPECT_EQ(exit_->exit_code, 130) << rehearse.out() << rehearse.err();
  EXPECT_LT(ms, 1000) << rehearse.err();
  EXPECT_NE(rehearse.out().find("INTERRUPTED by SIGINT"), std::string::npos) << rehearse.out();
  EXPECT_NE(rehearse.out().find("interrupted"), std::string::npos) << rehearse.out();
}

}  // namespace
}  // namespace rollgate::testing
