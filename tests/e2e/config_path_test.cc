// The configuration path from the operator's side (issue 13, item 7): the release diff by
// endpoint and port, `check --explain --dry-run`, `fallback.block_on_fallback` and `logs:`.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "base/secret.h"
#include "e2e/e2e_util.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

constexpr char kCfgPathNewKey[] = "sk-cfgpath-new-5e1c7a9b3d2f4860";
constexpr char kCfgPathOldKey[] = "sk-cfgpath-old-9a2e4c6b8d1f3057";

class ConfigPathE2eTest : public ::testing::Test {
 protected:
  // Two releases; `new_extra`/`old_extra` are lines appended under each release.
  std::string WriteConfig(const std::string& new_url, const std::string& old_url,
                          const std::string& new_extra = "", const std::string& old_extra = "",
                          const std::string& top = "") {
    dir_.Write("contract.yaml",
               "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
               "/v1/chat/completions}\n");
    return dir_.Write(
        "rollgate.yaml",
        "service: cfgpath\ncontract: contract.yaml\n" + top +
            "releases:\n  new:\n    version: '2.0.0'\n    base_url: " + new_url +
            "\n    api_key: {env: CFGPATH_KEY_NEW}\n    model: gpt-4o-mini\n" + new_extra +
            "  rollback:\n    version: '1.9.0'\n    base_url: " + old_url +
            "\n    api_key: {env: CFGPATH_KEY_OLD}\n    model: gpt-4o-mini\n" + old_extra);
  }
  CliRun Run(const std::vector<std::string>& args) {
    return RunRollgate(args, {std::string("CFGPATH_KEY_NEW=") + kCfgPathNewKey,
                              std::string("CFGPATH_KEY_OLD=") + kCfgPathOldKey, "NO_COLOR=1"});
  }
  mock::MockOptions Options() {
    mock::MockOptions o;
    o.keys = {kCfgPathNewKey, kCfgPathOldKey};
    o.models = {"gpt-4o-mini", "gpt-4o"};
    return o;
  }
  nlohmann::json GateJson() {
    return nlohmann::json::parse(ReadOr(dir_.Join("evidence/gate.json")));
  }

  TempDir dir_;
};

TEST_F(ConfigPathE2eTest, DiffComparesTheEndpointWithItsPort) {
  const std::string keys_differ = "expect_differences: [key_fingerprint]\n";
  CliRun differ =
      Run({"diff", "--config",
           WriteConfig("http://127.0.0.1:9", "http://127.0.0.1:10", "", "", keys_differ)});
  EXPECT_EQ(differ.exit_code, 1) << differ.out << differ.err;
  EXPECT_NE(differ.out.find("http://127.0.0.1:9"), std::string::npos) << differ.out;
  EXPECT_NE(differ.out.find("http://127.0.0.1:10"), std::string::npos) << differ.out;
  EXPECT_NE(differ.out.find("endpoint_host: new 'http://127.0.0.1:9'"), std::string::npos)
      << differ.out;
  CliRun same =
      Run({"diff", "--config",
           WriteConfig("http://127.0.0.1:9", "http://127.0.0.1:9/", "", "", keys_differ)});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
}

// The release's `model` check for `release` in gate.json.
nlohmann::json CfgPathModelCheck(const nlohmann::json& gate, const std::string& release) {
  for (const auto& r : gate["releases"]) {
    if (r["name"] != release) continue;
    for (const auto& c : r["checks"]) {
      if (c["id"] == "model") return c;
    }
  }
  return nullptr;
}

TEST_F(ConfigPathE2eTest, BlockOnFallbackTurnsAFallbackIntoAFailure) {
  mock::MockOptions o = Options();
  o.scenario_for_key[kCfgPathNewKey] = "primary-model-down";
  o.down_models = {"gpt-4o-mini"};
  MockServer mock(o);
  ASSERT_OK(mock.status());
  const std::string url = mock.provider().base_url();
  // Without block_on_fallback: a recorded fallback, and the gate passes.
  const std::string keys_differ = "expect_differences: [key_fingerprint]\n";
  std::string config = WriteConfig(
      url, url, "    fallback: {model: gpt-4o, on: [503, model_not_found]}\n", "", keys_differ);
  CliRun soft = Run({"gate", "--config", config, "--evidence-dir", dir_.Join("evidence")});
  EXPECT_EQ(soft.exit_code, 0) << soft.out << soft.err;
  nlohmann::json j = GateJson();
  const nlohmann::json* fallback = nullptr;
  for (const auto& r : j["releases"]) {
    if (r["name"] == "new" && r.contains("fallback")) fallback = &r["fallback"];
  }
  ASSERT_NE(fallback, nullptr) << j.dump(2);
  EXPECT_EQ((*fallback)["primary_model"], "gpt-4o-mini");
  EXPECT_EQ((*fallback)["fallback_model"], "gpt-4o");
  EXPECT_NE((*fallback)["trigger"].get<std::string>().find("503"), std::string::npos);
  EXPECT_EQ(CfgPathModelCheck(j, "new")["status"], "pass");

  // With it: the same fallback fails the model check and blocks.
  config = WriteConfig(
      url, url,
      "    fallback: {model: gpt-4o, on: [503, model_not_found], block_on_fallback: true}\n", "",
      keys_differ);
  CliRun hard = Run({"gate", "--config", config, "--evidence-dir", dir_.Join("evidence")});
  EXPECT_EQ(hard.exit_code, 1) << hard.out << hard.err;
  j = GateJson();
  EXPECT_EQ(j["decision"], "block");
  nlohmann::json model = CfgPathModelCheck(j, "new");
  EXPECT_EQ(model["status"], "fail") << model.dump();
  EXPECT_NE(model["detail"].get<std::string>().find("block_on_fallback"), std::string::npos)
      << model.dump();
}

TEST_F(ConfigPathE2eTest, ExplainDryRunShowsEverySettingAndSendsNothing) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  const std::string marker = dir_.Join("app-ran");
  dir_.Write("smoke.sh", "#!/bin/sh\ntouch " + marker + "\n");
  ::chmod(dir_.Join("smoke.sh").c_str(), 0755);
  std::string config =
      WriteConfig(mock.provider().base_url(), "https://gateway.invalid/v1",
                  "    stream: true\n    headers: {X-Org: org-42, X-Api-Key: {env: CFGPATH_GW}}\n"
                  "    fallback: {model: gpt-4o, on: [503]}\n",
                  "", "defaults: {timeout_ms: 7000}\n");
  const std::string gw_secret = "gw-secret-value-31d7a";
  auto run = [&](const std::vector<std::string>& args) {
    return RunRollgate(args, {std::string("CFGPATH_KEY_NEW=") + kCfgPathNewKey,
                              std::string("CFGPATH_KEY_OLD=") + kCfgPathOldKey,
                              "CFGPATH_GW=" + gw_secret, "NO_COLOR=1"});
  };
  CliRun dry = run({"check", "--config", config, "--release", "new", "--explain", "--dry-run",
                    "--evidence-dir", dir_.Join("evidence")});
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_EQ(mock.provider().stats().requests_total, 0) << dry.out;
  EXPECT_FALSE(std::filesystem::exists(dir_.Join("evidence")));
  const std::string& out = dry.out;
  for (const char* want :
       {"timeout_ms", "defaults (line 3)", "built-in default", "env CFGPATH_KEY_NEW",
        "headers.X-Org", "org-42", "headers.X-Api-Key", "env CFGPATH_GW", "chat: POST ",
        "stream: POST", "fallback: POST", "negative_auth: POST",
        "Authorization, Content-Type, Accept, X-Client-Request-Id", "X-Api-Key",
        "body fields: max_tokens, messages, model, temperature", "stream_options.include_usage",
        "block_on_fallback false", "dry run: nothing was sent"}) {
    EXPECT_NE(out.find(want), std::string::npos) << "missing '" << want << "' in\n" << out;
  }
  EXPECT_NE(out.find(mock.provider().base_url() + "/v1/chat/completions"), std::string::npos)
      << out;
  // The key as a fingerprint only, as the rest of the console shows it; no secret anywhere.
  EXPECT_NE(out.find("key " + internal::KeyFingerprint(kCfgPathNewKey)), std::string::npos) << out;
  for (const std::string& secret : {std::string(kCfgPathNewKey), gw_secret}) {
    EXPECT_EQ(out.find(secret), std::string::npos) << out;
    EXPECT_EQ(dry.err.find(secret), std::string::npos) << dry.err;
  }

  // The final URL with its port written out; a host that does not exist is never looked up.
  CliRun remote = run({"check", "--config", config, "--release", "rollback", "--dry-run"});
  EXPECT_EQ(remote.exit_code, 0) << remote.out << remote.err;
  EXPECT_NE(remote.out.find("https://gateway.invalid:443/v1/chat/completions"), std::string::npos)
      << remote.out;
  EXPECT_EQ(remote.out.find(kCfgPathOldKey), std::string::npos);

  // An exec release: the app's command is described, never run.
  std::string exec_config = WriteConfig(mock.provider().base_url(), mock.provider().base_url(),
                                        "    probe: exec\n    command: [./smoke.sh]\n");
  CliRun exec = run({"check", "--config", exec_config, "--release", "new", "--dry-run"});
  EXPECT_EQ(exec.exit_code, 0) << exec.out << exec.err;
  EXPECT_NE(exec.out.find("app command: EXEC " + dir_.Join("smoke.sh")), std::string::npos)
      << exec.out;
  // Its base_url's row names the method rollgate's own invalid-token call sends there, not the
  // command's "EXEC".
  EXPECT_TRUE(std::regex_search(exec.out, std::regex("\n  method +POST +built-in default\n")))
      << exec.out;
  EXPECT_FALSE(std::regex_search(exec.out, std::regex("\n  method +EXEC"))) << exec.out;
  EXPECT_FALSE(std::filesystem::exists(marker));
  EXPECT_EQ(mock.provider().stats().requests_total, 0);

  // A value that does not resolve: the finding, exit 1, still nothing sent.
  CliRun unset =
      RunRollgate({"check", "--config", config, "--release", "new", "--dry-run"}, {"NO_COLOR=1"});
  EXPECT_EQ(unset.exit_code, 1) << unset.out << unset.err;
  EXPECT_NE(unset.out.find("configuration: api_key from env CFGPATH_KEY_NEW"), std::string::npos)
      << unset.out;
  EXPECT_EQ(mock.provider().stats().requests_total, 0);

  // --explain without --dry-run explains, then runs the check.
  CliRun both = run({"check", "--config", config, "--release", "new", "--explain", "--evidence-dir",
                     dir_.Join("evidence")});
  EXPECT_NE(both.out.find("requests the check sends"), std::string::npos) << both.out;
  EXPECT_GT(mock.provider().stats().requests_total, 0);
  EXPECT_TRUE(std::filesystem::exists(dir_.Join("evidence/gate.json")));
  EXPECT_EQ(both.out.find(gw_secret), std::string::npos);
}

// An exec app that appends its log line to `log` (JSON or plain text) and answers the smoke.
std::string CfgPathLoggingApp(const TempDir& dir, const std::string& log, bool json) {
  const std::string line =
      json
          ? R"(printf '{"app":{"ver":"%s"},"path":"/smoke","code":200,"upstream":"req_1","cid":"%s"}\n' )"
            R"("$ROLLGATE_VERSION" "$ROLLGATE_CORRELATION_ID")"
          : R"(printf 'INFO smoke v%s GET /smoke -> 200 upstream req_1 [%s]\n' "$ROLLGATE_VERSION" )"
            R"("$ROLLGATE_CORRELATION_ID")";
  std::string path = dir.Write(
      "app.sh", "#!/bin/sh\n" + line + " >> '" + log + "'\n" +
                    R"(echo '{"status":200,"content":"{\"ok\":true,\"label\":\"rollback-smoke\"}",)"
                    R"("finish_reason":"stop","request_id":"req_1","model":"gpt-4o-mini"}')"
                    "\n");
  ::chmod(path.c_str(), 0755);
  return path;
}

std::string CfgPathObservability(const nlohmann::json& gate) {
  for (const auto& g : gate["gates"]) {
    if (g["id"] == "observability")
      return g["status"].get<std::string>() + ": " + g["detail"].get<std::string>();
  }
  return "absent";
}

TEST_F(ConfigPathE2eTest, LogsFromAFileJsonAndPlainText) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  const std::string url = mock.provider().base_url();
  const std::string log = dir_.Write("app.log", "an old line from before the probe\n");
  CfgPathLoggingApp(dir_, log, /*json=*/true);
  auto check = [&](const std::string& logs) {
    std::string config =
        WriteConfig(url, url, "    probe: exec\n    command: [./app.sh]\n    logs: " + logs + "\n");
    CliRun r = Run(
        {"check", "--config", config, "--release", "new", "--evidence-dir", dir_.Join("evidence")});
    return CfgPathObservability(GateJson()) + "\n" + r.out + r.err;
  };
  // JSON lines with the app's own field names.
  std::string mapped = check(
      "{file: app.log, require: [version, route, status, request_id], "
      "fields: {version: app.ver, route: path, status: code, request_id: upstream}}");
  EXPECT_EQ(mapped.rfind("pass: ", 0), 0u) << mapped;
  EXPECT_NE(mapped.find("1 log line for this probe"), std::string::npos) << mapped;
  std::string unmapped = check("{file: app.log, require: [version, route]}");
  EXPECT_EQ(unmapped.rfind("fail: ", 0), 0u) << unmapped;
  EXPECT_NE(unmapped.find("lacks version, route"), std::string::npos) << unmapped;

  // Plain text with a pattern per field.
  CfgPathLoggingApp(dir_, log, /*json=*/false);
  std::string text = check(
      "{file: app.log, require: [version, route, status, request_id], patterns: "
      "{version: ' v[0-9.]+ ', route: 'GET /[a-z]+', status: '-> [0-9]{3}', request_id: 'upstream "
      "req_[0-9]+'}}");
  EXPECT_EQ(text.rfind("pass: ", 0), 0u) << text;
  std::string wrong =
      check("{file: app.log, require: [status], patterns: {status: 'status=[0-9]{3}'}}");
  EXPECT_NE(wrong.find("lacks status (pattern)"), std::string::npos) << wrong;

  // A log file that is a FIFO is refused at once, as {file:} sources are.
  ASSERT_EQ(::mkfifo(dir_.Join("app.fifo").c_str(), 0600), 0);
  std::string fifo = check("{file: app.fifo, require: [version]}");
  EXPECT_EQ(fifo.rfind("fail: ", 0), 0u) << fifo;
  EXPECT_NE(fifo.find("FIFO"), std::string::npos) << fifo;
}

}  // namespace
}  // namespace rollgate::testing
