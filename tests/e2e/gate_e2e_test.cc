// The `rollgate` binary against the mock provider on a free loopback port: the cases issue
// "rollgate core" names, each with its decision, exit code and the check that must fail.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/secret.h"
#include "e2e/e2e_util.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

constexpr char kE2eNewKey[] = "sk-e2e-new-4d8b1f2a9c7e6350";
constexpr char kE2eRollbackKey[] = "sk-e2e-rollback-7a3c9e1b5d2f8046";

class GateE2eTest : public ::testing::Test {
 protected:
  // Writes a config for two releases against `base_url`, with the contract reviewed on
  // `reviewed_on`; the keys come from env, as an app would read them.
  std::string WriteConfig(const std::string& base_url, const std::string& extra_new = "",
                          const std::string& reviewed_on = "2026-11-20", int timeout_ms = 3000) {
    dir_.Write("contract.yaml",
               "reviewed_on: " + reviewed_on +
                   "\nmax_age_days: 36500\nendpoint: {method: POST, path: /v1/chat/completions}\n");
    std::string t = std::to_string(timeout_ms);
    return dir_.Write(
        "rollgate.yaml",
        "service: e2e\ncontract: contract.yaml\nexpect_differences: [model, key_fingerprint, "
        "stream]\n"
        "releases:\n  new:\n    version: '2.0.0'\n    base_url: " +
            base_url +
            "\n    api_key: {env: E2E_KEY_NEW}\n    model: gpt-5.4-mini\n    timeout_ms: " + t +
            "\n    retry: {max_attempts: 2, backoff_ms: 50}\n" + extra_new +
            "  rollback:\n    version: '1.9.0'\n    base_url: " + base_url +
            "\n    api_key: {env: E2E_KEY_ROLLBACK}\n    model: gpt-4o-mini\n    timeout_ms: " + t +
            "\n    retry: {max_attempts: 2, backoff_ms: 50}\n");
  }

  CliRun Gate(const std::string& config, const std::string& rollback_key = kE2eRollbackKey) {
    return RunRollgate({"gate", "--config", config, "--evidence-dir", dir_.Join("evidence")},
                       {std::string("E2E_KEY_NEW=") + kE2eNewKey,
                        "E2E_KEY_ROLLBACK=" + rollback_key, "NO_COLOR=1"});
  }

  nlohmann::json GateJson() {
    return nlohmann::json::parse(ReadOr(dir_.Join("evidence/gate.json")));
  }

  static std::string GateStatus(const nlohmann::json& j, const std::string& id) {
    for (const auto& g : j["gates"]) {
      if (g["id"] == id) return g["status"];
    }
    return "absent";
  }
  static std::string CheckStatus(const nlohmann::json& j, const std::string& release,
                                 const std::string& id) {
    for (const auto& r : j["releases"]) {
      if (r["name"] != release) continue;
      for (const auto& c : r["checks"]) {
        if (c["id"] == id) return c["status"];
      }
    }
    return "absent";
  }

  mock::MockOptions Options() {
    mock::MockOptions o;
    o.keys = {kE2eNewKey, kE2eRollbackKey};
    o.models = {"gpt-5.4-mini", "gpt-4o-mini"};
    return o;
  }

  TempDir dir_;
};

TEST_F(GateE2eTest, HealthyReleasesPass) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  CliRun run = Gate(WriteConfig(mock.provider().base_url(), "    stream: true\n"));
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  nlohmann::json j = GateJson();
  EXPECT_EQ(j["decision"], "pass");
  EXPECT_EQ(CheckStatus(j, "new", "streaming"), "pass");
  EXPECT_NE(run.out.find("DECISION: PASS"), std::string::npos);
}

TEST_F(GateE2eTest, RotatedRollbackKeyBlocksOnAuthentication) {
  mock::MockOptions o = Options();
  o.scenario_for_key[kE2eRollbackKey] = "rotated-key";
  MockServer mock(o);
  ASSERT_OK(mock.status());
  CliRun run = Gate(WriteConfig(mock.provider().base_url()));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  nlohmann::json j = GateJson();
  EXPECT_EQ(GateStatus(j, "rollback_release_smoke"), "fail");
  EXPECT_EQ(CheckStatus(j, "rollback", "authentication"), "fail");
  EXPECT_EQ(GateStatus(j, "new_release_smoke"), "pass");
  // 401 is never retried: exactly one attempt.
  for (const auto& r : j["releases"]) {
    if (r["name"] == "rollback") {
      EXPECT_EQ(r["attempts"].size(), 1u);
    }
  }
}

TEST_F(GateE2eTest, ErrorObjectInA200FailsParserCompatibility) {
  mock::MockOptions o = Options();
  o.scenario_for_key[kE2eNewKey] = "error-in-200";
  MockServer mock(o);
  ASSERT_OK(mock.status());
  CliRun run = Gate(WriteConfig(mock.provider().base_url()));
  EXPECT_EQ(run.exit_code, 1);
  nlohmann::json j = GateJson();
  EXPECT_EQ(CheckStatus(j, "new", "parser_compatibility"), "fail");
  EXPECT_EQ(CheckStatus(j, "new", "content_sanity"), "skip");
}

TEST_F(GateE2eTest, GatewayAcceptingAnyKeyFailsNegativeAuth) {
  mock::MockOptions o = Options();
  o.scenario = "accept-any-key";
  MockServer mock(o);
  ASSERT_OK(mock.status());
  CliRun run = Gate(WriteConfig(mock.provider().base_url()));
  EXPECT_EQ(run.exit_code, 1);
  nlohmann::json j = GateJson();
  EXPECT_EQ(GateStatus(j, "negative_auth"), "fail");
  EXPECT_EQ(GateStatus(j, "new_release_smoke"), "pass");
}

TEST_F(GateE2eTest, StaleContractBlocks) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  std::string config = WriteConfig(mock.provider().base_url(), "", "2026-11-20");
  dir_.Write("contract.yaml", "reviewed_on: 2025-01-01\nmax_age_days: 30\n");
  CliRun run = Gate(config);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(GateStatus(GateJson(), "contract_reviewed"), "fail");
}

TEST_F(GateE2eTest, ProviderSlowerThanTheTimeoutIsBoundedAndClassified) {
  mock::MockOptions o = Options();
  o.scenario_for_key[kE2eRollbackKey] = "slow";
  o.slow_ms = 30000;
  MockServer mock(o);
  ASSERT_OK(mock.status());
  std::string config =
      WriteConfig(mock.provider().base_url(), "", "2026-11-20", /*timeout_ms=*/500);
  CliRun run = Gate(config);
  EXPECT_EQ(run.exit_code, 1);
  nlohmann::json j = GateJson();
  EXPECT_EQ(CheckStatus(j, "rollback", "connectivity"), "fail");
  for (const auto& r : j["releases"]) {
    if (r["name"] != "rollback") continue;
    ASSERT_EQ(r["attempts"].size(), 2u);  // timeouts are retried per policy, and bounded
    EXPECT_EQ(r["attempts"][0]["outcome"], "timeout");
    EXPECT_LT(r["latency_ms"].get<double>(), 5000);
  }
}

TEST_F(GateE2eTest, NoSecretInAnyOutput) {
  mock::MockOptions o = Options();
  o.scenario_for_key[kE2eRollbackKey] = "rotated-key";
  MockServer mock(o);
  ASSERT_OK(mock.status());
  CliRun run = Gate(WriteConfig(mock.provider().base_url(), "    stream: true\n"));
  ASSERT_EQ(run.exit_code, 1);
  std::vector<std::string> outputs = {run.out, run.err};
  for (const char* f : {"gate.json", "junit.xml", "summary.md", "probes.jsonl"}) {
    outputs.push_back(ReadOr(dir_.Join(std::string("evidence/") + f)));
    EXPECT_FALSE(outputs.back().empty()) << f;
  }
  for (const std::string& key : {std::string(kE2eNewKey), std::string(kE2eRollbackKey)}) {
    for (const std::string& needle : {key, internal::Base64Encode(key)}) {
      for (const auto& text : outputs) EXPECT_EQ(text.find(needle), std::string::npos) << needle;
    }
  }
}

TEST_F(GateE2eTest, ConfigErrorsExitTwoAndNameTheKey) {
  std::string config = dir_.Write("bad.yaml", "service: x\nreleases:\n  new:\n    verison: 1\n");
  CliRun run = RunRollgate({"gate", "--config", config});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("bad.yaml:4: releases.new.verison: unknown key; did you mean 'version'?"),
            std::string::npos)
      << run.err;
}

TEST_F(GateE2eTest, UnsetSecretIsAFindingExitOneWithEvidence) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  std::string config = WriteConfig(mock.provider().base_url());
  CliRun run = RunRollgate({"gate", "--config", config, "--evidence-dir", dir_.Join("evidence")},
                           {std::string("E2E_KEY_NEW=") + kE2eNewKey});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(CheckStatus(GateJson(), "rollback", "configuration"), "fail");
}

TEST_F(GateE2eTest, AdHocCheckWithoutAConfig) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  CliRun run = RunRollgate(
      {"check", "--base-url", mock.provider().base_url(), "--model", "gpt-4o-mini", "--api-key-env",
       "ADHOC_KEY", "--stream", "--evidence-dir", dir_.Join("evidence")},
      {std::string("ADHOC_KEY=") + kE2eNewKey});
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("streaming"), std::string::npos);
  EXPECT_NE(run.out.find("negative_auth"), std::string::npos);
  CliRun missing = RunRollgate({"check", "--base-url", mock.provider().base_url()});
  EXPECT_EQ(missing.exit_code, 2);
}

// check names its target one of two ways; each wrong mix is exit 2 with what to give, the same
// with --explain or --dry-run as without, and nothing is sent.
TEST_F(GateE2eTest, CheckSaysHowToNameItsTargetWithOrWithoutExplain) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  const std::string config = WriteConfig(mock.provider().base_url());
  const std::string url = mock.provider().base_url();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--config", config, "--release", "new", "--base-url", url}, "not both"},
      {{"--config", config}, "--release is required with --config"},
      {{"--base-url", url, "--model", "m"}, "without --config, give --base-url URL"},
      {{}, "without --config, give --base-url URL"},
  };
  for (const auto& [flags, want] : cases) {
    for (const char* mode : {"", "--explain", "--dry-run"}) {
      std::vector<std::string> args = {"check"};
      args.insert(args.end(), flags.begin(), flags.end());
      if (*mode) args.emplace_back(mode);
      CliRun run = RunRollgate(args);
      EXPECT_EQ(run.exit_code, 2) << mode << " " << want << ": " << run.err;
      EXPECT_NE(run.err.find(want), std::string::npos) << mode << ": " << run.err;
    }
  }
  EXPECT_EQ(mock.provider().stats().requests_total, 0);
}

TEST_F(GateE2eTest, DemoRunsAndExitsZero) {
  CliRun run = RunRollgate({"demo", "--evidence-dir", dir_.Join("demo")}, {"NO_COLOR=1"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("DECISION: PASS"), std::string::npos);
  EXPECT_NE(run.out.find("DECISION: BLOCK"), std::string::npos);
  EXPECT_NE(run.out.find("What an operator does next"), std::string::npos);
}

}  // namespace
}  // namespace rollgate::testing
