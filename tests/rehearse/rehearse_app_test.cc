// `rollgate rehearse --config` through each release's own client (issue 13): the C++ sample app
// and the Node app on the official SDK run every mode with their variables pointed at the mock,
// what the mock saw is reported per release, and retry_policy judges from the observation.
// The Node tests are skipped, saying why, where node or the npm install is missing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "base/subprocess.h"
#include "e2e/e2e_util.h"
#include "rehearse/rehearse.h"
#include "testutil/skip_or_fail.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

using nlohmann::json;

const std::string kRehearseNodeDir = std::string(ROLLGATE_SOURCE_DIR) + "/examples/node_app";

const RehearseRow* AppRow(const RehearseReport& report, const std::string& mode,
                          const std::string& release) {
  for (const auto& r : report.rows) {
    if (r.mode == mode && r.release == release) return &r;
  }
  return nullptr;
}

const AppReport* AppOf(const RehearseReport& report, const std::string& release) {
  for (const auto& a : report.apps) {
    if (a.release == release) return &a;
  }
  return nullptr;
}

const char kRehearseAppContract[] =
    "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
    "/v1/chat/completions}\n"
    "request_fields: [model, messages, temperature, max_tokens]\n";

// Timeouts short enough that the modes that wait for one finish in seconds, long enough that a
// loaded machine does not time a healthy call out; the apps' own timeout (2.5 s) is shorter
// than the mock's stalls (timeout_ms + 1.5 s), so it is what ends them.
std::string RehearseAppDefaults() {
  return "defaults: {timeout_ms: 4000, connect_timeout_ms: 2000, stream_idle_timeout_ms: 3000,\n"
         "           retry: {max_attempts: 2, backoff_ms: 100}, command_timeout_ms: 60000}\n"
         "thresholds: {max_latency_ms: 120000}\n";
}

// Two exec releases of the C++ sample app, both reading APP_BASE_URL and APP_KEY (the same
// variables, the same key): each gets its own mock session all the same.
std::string WriteSampleAppSetup(const rollgate::testing::TempDir& dir,
                                const std::string& rollback_key_source) {
  for (const char* v : {"new", "rollback"}) {
    dir.Write(
        std::string(v) + ".json",
        std::string("{\"version\": \"") + (std::string(v) == "new" ? "2.4.0" : "2.3.1") +
            "\", \"base_url\": {\"env\": \"APP_BASE_URL\"}, \"api_key\": {\"env\": \"APP_KEY\"}, "
            "\"model_alias\": \"fast\", \"models\": {\"fast\": \"gpt-4o-mini\"}, \"timeout_ms\": "
            "2500}\n");
  }
  dir.Write("contract.yaml", kRehearseAppContract);
  std::string app = ROLLGATE_SAMPLE_APP;
  return dir.Write(
      "rollgate.yaml",
      "service: s\ncontract: contract.yaml\n" + RehearseAppDefaults() +
          "releases:\n"
          "  new: {version: '2.4.0', probe: exec, command: ['" +
          app +
          "', smoke, --config, new.json],\n"
          "        base_url: {env: APP_BASE_URL}, api_key: {env: APP_KEY}, model: gpt-4o-mini}\n"
          "  rollback: {version: '2.3.1', probe: exec, command: ['" +
          app +
          "', smoke, --config, rollback.json],\n"
          "        base_url: {env: APP_BASE_URL}, api_key: " +
          rollback_key_source + ", model: gpt-4o-mini}\n");
}

TEST(RehearseAppTest, TheSampleAppIsRehearsedThroughItsOwnClient) {
  rollgate::testing::TempDir dir;
  RehearseOptions options;
  options.config_path = WriteSampleAppSetup(dir, "{env: APP_KEY}");
  options.sample_app = ROLLGATE_SAMPLE_APP;
  options.parallel = 8;
  RehearseReport report;
  ASSERT_OK(Rehearse(options, &report));
  for (const auto& r : report.rows)
    EXPECT_NE(r.result, RehearseResult::kMissed)
        << r.mode << " on " << r.release << ": " << r.detail;
  // Both releases read the same key: the control row passes without declaring key_fingerprint.
  EXPECT_EQ(AppRow(report, "ok", "new")->result, RehearseResult::kCaught)
      << AppRow(report, "ok", "new")->detail;

  ASSERT_EQ(report.apps.size(), 2u);
  for (const auto& app : report.apps) {
    EXPECT_EQ(app.through, "app") << app.release << ": " << app.reason;
    EXPECT_TRUE(app.observed) << app.release;
    EXPECT_EQ(app.client.sdk, "libcurl") << app.client.user_agent;
    EXPECT_FALSE(app.client.sdk_version.empty());
    EXPECT_NE(std::find(app.request.fields.begin(), app.request.fields.end(), "messages"),
              app.request.fields.end());
    EXPECT_EQ(app.request.model, "gpt-4o-mini");
    // One request per injected status: the sample app does not retry.
    for (const char* status : {"400", "401", "403", "404", "422", "429", "500", "503"}) {
      EXPECT_EQ(app.attempts.at(status), 1) << app.release << " " << status;
    }
    EXPECT_EQ(app.attempts.at("timeout"), 1);
    // Its 2.5 s timeout, measured by the mock (from the stall's start, so a little less),
    // covers the whole call: before the headers and mid-body.
    ASSERT_TRUE(app.timeout_headers_ms.has_value()) << app.release;
    EXPECT_GE(*app.timeout_headers_ms, 1200);
    EXPECT_LT(*app.timeout_headers_ms, 5500);
    ASSERT_TRUE(app.timeout_body_ms.has_value());
    EXPECT_LT(*app.timeout_body_ms, 5500);
    EXPECT_EQ(app.reported_as.at("error-in-200"), "error");
  }
  // A count of requests is the app client's: reported as an observation, not held to rollgate's.
  const RehearseRow* rotated = AppRow(report, "rotated-key", "rollback");
  EXPECT_EQ(rotated->result, RehearseResult::kCaught);
  EXPECT_NE(rotated->detail.find("observed: rollback's app sent 1 request (401: 1)"),
            std::string::npos)
      << rotated->detail;
  // The amplifier cannot be injected into an app; the row says what was observed instead.
  const RehearseRow* amplifier = AppRow(report, "seed:retry-non-retryable", "rollback");
  EXPECT_EQ(amplifier->result, RehearseResult::kNotApplicable);
  EXPECT_NE(amplifier->detail.find("observed"), std::string::npos) << amplifier->detail;
  // The sample app puts its release version in its User-Agent: that is the only difference.
  ASSERT_EQ(report.app_differences.size(), 1u) << report.app_differences.front();
  EXPECT_EQ(report.app_differences[0],
            "User-Agent: new 'sample_app/2.4.0 libcurl/" + report.apps[0].client.sdk_version +
                "', rollback 'sample_app/2.3.1 libcurl/" + report.apps[0].client.sdk_version + "'");

  std::string text = RenderRehearseTable(report, false);
  EXPECT_NE(text.find("APPS"), std::string::npos);
  EXPECT_NE(text.find("rollback: through app"), std::string::npos) << text;
  json j = json::parse(RenderRehearseJson(report));
  ASSERT_EQ(j["apps"].size(), 2u);
  EXPECT_EQ(j["apps"][0]["through"], "app");
  EXPECT_EQ(j["apps"][1]["attempts"]["401"], 1);
  EXPECT_EQ(j["apps"][1]["client"]["sdk"], "libcurl");
  EXPECT_TRUE(j["apps"][1]["timeout_ms"]["headers"].is_number());
}

TEST(RehearseAppTest, AReleaseThatCannotBePointedAtTheMockIsDirectAndSaysWhy) {
  rollgate::testing::TempDir dir;
  dir.Write("rollback.key", "sk-rollback-file-key\n");
  RehearseOptions options;
  options.config_path = WriteSampleAppSetup(dir, "{file: rollback.key}");
  options.sample_app = ROLLGATE_SAMPLE_APP;
  options.parallel = 8;
  RehearseReport report;
  ASSERT_OK(Rehearse(options, &report));
  const AppReport* rollback = AppOf(report, "rollback");
  ASSERT_NE(rollback, nullptr);
  EXPECT_EQ(rollback->through, "direct");
  EXPECT_NE(rollback->reason.find("reads api_key from {file:}"), std::string::npos)
      << rollback->reason;
  EXPECT_EQ(AppOf(report, "new")->through, "app");
  const RehearseRow* rotated = AppRow(report, "rotated-key", "rollback");
  EXPECT_EQ(rotated->result, RehearseResult::kCaught) << rotated->detail;
  EXPECT_NE(rotated->detail.find("rehearsed as direct"), std::string::npos) << rotated->detail;
  json j = json::parse(RenderRehearseJson(report));
  EXPECT_EQ(j["apps"][1]["through"], "direct");
  EXPECT_TRUE(j["apps"][1].contains("reason"));
  EXPECT_NE(j["app_differences"].dump().find(
                "new is rehearsed through its app, rollback through rollgate's direct probe"),
            std::string::npos)
      << j["app_differences"].dump();
}

TEST(RehearseAppTest, TheControlRowPassesWhenBothReleasesReadTheSameKey) {
  // Direct releases reading one key, with no expect_differences: before, the rehearsal gave each
  // its own key and config_consistency blocked the control row on key_fingerprint.
  rollgate::testing::TempDir dir;
  dir.Write("contract.yaml", kRehearseAppContract);
  std::string config = dir.Write(
      "rollgate.yaml",
      "service: s\ncontract: contract.yaml\n" + RehearseAppDefaults() +
          "releases:\n  new: {version: '2', base_url: {env: SHARED_BASE}, api_key: {env: "
          "SHARED_KEY},"
          " model: gpt-4o-mini}\n"
          "  rollback: {version: '1', base_url: {env: SHARED_BASE}, api_key: {env: SHARED_KEY},"
          " model: gpt-4o-mini}\n");
  RehearseOptions options;
  options.config_path = config;
  options.parallel = 8;
  RehearseReport report;
  ASSERT_OK(Rehearse(options, &report));
  const RehearseRow* ok = AppRow(report, "ok", "new");
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->result, RehearseResult::kCaught) << ok->detail;
  EXPECT_EQ(report.missed, 0);
  for (const auto& app : report.apps) EXPECT_EQ(app.through, "direct");
}

// Why the Node app cannot run here, or "" when it can.
std::string RehearseNodeMissing() {
  CommandOptions o;
  o.timeout_ms = 10000;
  Result<CommandResult> node = RunCommand({"node", "--version"}, o);
  if (!node.ok() || !node->succeeded()) return "node is not installed (apt-get install nodejs)";
  if (!ReadFileToString(kRehearseNodeDir + "/node_modules/openai/package.json").ok()) {
    return "the OpenAI SDK is not installed in examples/node_app: run scripts/bootstrap.sh --test";
  }
  return "";
}

// Two exec releases of the Node app: `new_version` and `rollback_version` ("v1" amplifies a
// 401 and has the legacy parser, "v2" is well-behaved). The rollback streams when asked.
std::string WriteNodeSetup(const rollgate::testing::TempDir& dir, const std::string& new_version,
                           const std::string& rollback_version, bool rollback_streams) {
  auto app = [&](const std::string& role, const std::string& v) {
    dir.Write(role + ".json",
              "{\"version\": \"" + std::string(role == "new" ? "2.4.0" : "2.3.1") +
                  "\", \"model_alias\": \"fast\", \"models\": {\"fast\": \"gpt-4o-mini\"}, "
                  "\"timeout_ms\": 2500, \"max_retries\": 2}\n");
    return "[node, '" + kRehearseNodeDir + "/" + v + "/app.mjs', smoke, --config, " + role +
           ".json]";
  };
  dir.Write("contract.yaml", kRehearseAppContract);
  return dir.Write("rollgate.yaml", "service: s\ncontract: contract.yaml\n" +
                                        RehearseAppDefaults() +
                                        "releases:\n"
                                        "  new: {version: '2.4.0', probe: exec, command: " +
                                        app("new", new_version) +
                                        ",\n        base_url: {env: OPENAI_BASE_URL}, api_key: "
                                        "{env: OPENAI_API_KEY}, model: gpt-4o-mini}\n"
                                        "  rollback: {version: '2.3.1', probe: exec, command: " +
                                        app("rollback", rollback_version) +
                                        ",\n        base_url: {env: OPENAI_BASE_URL}, api_key: "
                                        "{env: OPENAI_API_KEY}, model: gpt-4o-mini" +
                                        (rollback_streams ? ", stream: true" : "") + "}\n" +
                                        (rollback_streams ? "expect_differences: [stream]\n" : ""));
}

class RehearseNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string missing = RehearseNodeMissing();
    if (!missing.empty()) ROLLGATE_SKIP_OR_FAIL("Node app rehearsal skipped: " + missing);
  }
};

// One rehearsal (each takes ~100 s of node start-ups on 2 cores) for the amplifier and the
// stream: v1 amplifies a 401 and its legacy parser takes a stream cut before its finish_reason
// for a complete answer; v2 reports stream_incomplete.
TEST_F(RehearseNodeTest, TheAmplifierIsCaughtByObservationEndToEnd) {
  rollgate::testing::TempDir dir;
  std::string config = WriteNodeSetup(dir, "v2", "v1", true);
  rollgate::testing::CliRun run = rollgate::testing::RunRollgate(
      {"rehearse", "--config", config, "--format", "json", "--evidence-dir", dir.Join("ev")}, {},
      300000);
  ASSERT_EQ(run.exit_code, 1) << run.err << run.out;  // the control row: a real defect in rollback
  json j = json::parse(run.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << run.out;
  std::map<std::string, json> apps;
  for (const auto& a : j["apps"]) apps[a["release"]] = a;
  for (const char* release : {"new", "rollback"}) {
    EXPECT_EQ(apps[release]["through"], "app") << apps[release].dump();
    EXPECT_EQ(apps[release]["client"]["sdk"], "OpenAI/JS") << apps[release].dump();
    EXPECT_FALSE(apps[release]["client"]["user_agent"].get<std::string>().empty());
    EXPECT_NE(apps[release]["request"]["fields"].dump().find("messages"), std::string::npos);
  }
  EXPECT_EQ(apps["rollback"]["attempts"]["401"], 4) << apps["rollback"].dump();
  EXPECT_EQ(apps["new"]["attempts"]["401"], 1) << apps["new"].dump();
  EXPECT_EQ(apps["new"]["attempts"]["400"], 1);
  EXPECT_EQ(apps["new"]["attempts"]["503"], 3);  // the SDK's own: two retries of a 5xx
  EXPECT_EQ(apps["new"]["retry_after_honoured"], true) << apps["new"].dump();
  // The SDK's timeout, measured at the mock: 2.5 s before the headers; none mid-body.
  ASSERT_TRUE(apps["new"]["timeout_ms"]["headers"].is_number()) << apps["new"].dump();
  EXPECT_GE(apps["new"]["timeout_ms"]["headers"].get<int>(), 1200);
  EXPECT_LT(apps["new"]["timeout_ms"]["headers"].get<int>(), 5500);
  EXPECT_TRUE(apps["new"]["timeout_ms"]["body"].is_null()) << apps["new"].dump();

  std::map<std::string, json> rows;
  for (const auto& m : j["modes"])
    rows[m["mode"].get<std::string>() + "/" + m["release"].get<std::string>()] = m;
  const json& caught = rows["seed:retry-non-retryable/rollback"];
  EXPECT_EQ(caught["result"], "caught") << caught.dump();
  EXPECT_NE(caught["detail"].get<std::string>().find(
                "observed: rollback's client sent the 400 request 4 times, "
                "the 401 request 4 times"),
            std::string::npos)
      << caught.dump();
  const json& control = rows["ok/new"];
  EXPECT_EQ(control["result"], "missed");
  EXPECT_NE(
      control["detail"].get<std::string>().find("observed doing, a real defect in that release"),
      std::string::npos)
      << control.dump();
  EXPECT_NE(j["app_differences"].dump().find(
                "rollback's client sent the 401 request 4 times, new's once"),
            std::string::npos)
      << j["app_differences"].dump();
  // Every mode ran: none left out.
  for (const auto& [name, row] : rows) {
    EXPECT_NE(row["result"], "interrupted") << name;
  }
  // The stream: v1 reports a cut stream as content (apps[].reported_as), and the SDK's timeout
  // never ends a stall in the middle of a stream; the gate still catches the cut, because the
  // app saw no finish_reason.
  EXPECT_EQ(apps["rollback"]["reported_as"]["stream-cut"], "content") << apps["rollback"].dump();
  EXPECT_TRUE(apps["rollback"]["timeout_ms"]["stream"].is_null()) << apps["rollback"].dump();
  const json& cut = rows["stream-cut/rollback"];
  EXPECT_EQ(cut["result"], "caught") << cut.dump();
  EXPECT_NE(cut["detail"].get<std::string>().find("the app saw no finish_reason"),
            std::string::npos)
      << cut.dump();
}

TEST_F(RehearseNodeTest, TwoWellBehavedReleasesPassWithNoModeMissed) {
  rollgate::testing::TempDir dir;
  std::string config = WriteNodeSetup(dir, "v2", "v2", false);
  rollgate::testing::CliRun run = rollgate::testing::RunRollgate(
      {"rehearse", "--config", config, "--format", "json", "--evidence-dir", dir.Join("ev")}, {},
      300000);
  json j = json::parse(run.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << run.out << run.err;
  for (const auto& m : j["modes"]) EXPECT_NE(m["result"], "missed") << m.dump();
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(j["missed"], 0);
  for (const auto& a : j["apps"]) {
    EXPECT_EQ(a["through"], "app");
    EXPECT_EQ(a["attempts"]["401"], 1);
  }
}

}  // namespace
}  // namespace rollgate::internal
