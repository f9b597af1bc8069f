// examples/node_app, both releases, on the official OpenAI Node SDK against the mock provider:
// the exec protocol (plain, stream, the invalid-token call, `client`), and what the mock
// observed of the SDK on the wire. Each release runs in its own mock session, so what the
// observations say belongs to that run alone.
//
// Needs node and `npm ci` in examples/node_app (scripts/bootstrap.sh --test runs it); without
// them every test here is skipped, saying which is missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "base/secret.h"
#include "base/subprocess.h"
#include "e2e/e2e_util.h"
#include "examples/sample_app_util.h"
#include "testutil/mock_fixture.h"
#include "testutil/skip_or_fail.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

using nlohmann::json;

constexpr char kNodeAppKey[] = "sk-node-app-test-3c1f9e27b8d4a650";
constexpr char kNodeAppBadKey[] = "sk-rollgate-invalid-token-node-0000";
const std::string kNodeAppDir = std::string(ROLLGATE_SOURCE_DIR) + "/examples/node_app";

// Why the Node app cannot run here, or "" when it can.
std::string NodeAppMissing() {
  internal::CommandOptions o;
  o.timeout_ms = 10000;
  Result<internal::CommandResult> node = internal::RunCommand({"node", "--version"}, o);
  if (!node.ok() || !node->succeeded()) return "node is not installed (apt-get install nodejs)";
  if (!internal::ReadFileToString(kNodeAppDir + "/node_modules/openai/package.json").ok()) {
    return "the OpenAI SDK is not installed in examples/node_app: run scripts/bootstrap.sh "
           "--test (or: cd examples/node_app && npm ci)";
  }
  return "";
}

class NodeAppTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    static const std::string missing = NodeAppMissing();
    if (!missing.empty()) ROLLGATE_SKIP_OR_FAIL("node_app tests skipped: " + missing);
    mock_ = std::make_unique<MockServer>(Options());
    ASSERT_OK(mock_->status());
  }

  static mock::MockOptions Options() {
    mock::MockOptions o;
    o.flavor = mock::Flavor::kOpenAi;
    o.keys = {kNodeAppKey};
    o.slow_ms = 1500;
    return o;
  }

  const std::string& release() const { return GetParam(); }

  // `node <release>/app.mjs smoke` in mock session `session` (its base URL as OPENAI_BASE_URL).
  json Smoke(const std::string& session, std::vector<std::string> env = {},
             const std::string& config = "") {
    Result<std::string> base = mock_->provider().OpenSession(session);
    EXPECT_TRUE(base.ok());
    std::string base_url = base.ok() ? *base : std::string();
    env.insert(env.begin(),
               {"OPENAI_BASE_URL=" + base_url + "/v1", std::string("OPENAI_API_KEY=") + kNodeAppKey,
                "ROLLGATE_CORRELATION_ID=" + session});
    std::vector<std::string> argv = {"node", kNodeAppDir + "/" + release() + "/app.mjs", "smoke"};
    if (!config.empty()) argv.insert(argv.end(), {"--config", config});
    internal::CommandOptions o;
    o.timeout_ms = 60000;
    o.extra_env = env;
    Result<internal::CommandResult> r = internal::RunCommand(argv, o);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return json::value_t::discarded;
    EXPECT_EQ(r->exit_code, 0) << r->err;
    last_err_ = r->err;
    for (const std::string& text : {r->out, r->err}) {
      EXPECT_EQ(text.find(kNodeAppKey), std::string::npos) << "the key leaked";
      EXPECT_EQ(text.find(kNodeAppBadKey), std::string::npos) << "the smoke key leaked";
    }
    json p = ProtocolOf(r->out);
    EXPECT_FALSE(p.is_discarded()) << r->out << r->err;
    return p;
  }

  mock::Observations Seen(const std::string& session) {
    return mock_->provider().observations(mock::ObservationQuery::Session(session));
  }

  std::string model() const { return release() == "v1" ? "gpt-4o-mini" : "gpt-5.4-mini"; }

  std::unique_ptr<MockServer> mock_;
  std::string last_err_;
  TempDir dir_;
};

TEST_P(NodeAppTest, SmokeSpeaksTheProtocolAndTheMockSeesTheSdk) {
  json p = Smoke("plain");
  EXPECT_EQ(p["status"], 200);
  EXPECT_EQ(p["content"], "{\"ok\":true,\"label\":\"rollback-smoke\"}");
  EXPECT_EQ(p["finish_reason"], "stop");
  EXPECT_EQ(p["model"], model());
  EXPECT_EQ(p["fields_present"],
            json::array({"choices.0.message.content", "choices.0.finish_reason"}));
  EXPECT_TRUE(p["request_id"].get<std::string>().rfind("req_", 0) == 0) << p.dump();
  EXPECT_FALSE(p.contains("done"));

  mock::Observations o = Seen("plain");
  EXPECT_EQ(o.attempts, (std::map<std::string, int64_t>{{"200", 1}}));
  ASSERT_EQ(o.clients.size(), 1u);
  // What the app says of its client is what went over the wire.
  EXPECT_EQ(o.clients[0].sdk, "OpenAI/JS");
  EXPECT_EQ(o.clients[0].language, "js");
  EXPECT_FALSE(o.clients[0].sdk_version.empty());
  EXPECT_EQ(p["client"]["sdk"], o.clients[0].sdk);
  EXPECT_EQ(p["client"]["sdk_version"], o.clients[0].sdk_version);  // X-Stainless-Package-Version
  EXPECT_EQ(p["client"]["user_agent"], o.clients[0].user_agent);
  EXPECT_EQ(p["client"]["runtime"], o.clients[0].runtime);
  ASSERT_EQ(o.request_shapes.size(), 1u);
  EXPECT_EQ(o.request_shapes[0].fields,
            (std::vector<std::string>{"max_tokens", "messages", "model", "temperature"}));
  EXPECT_EQ(o.request_shapes[0].model, model());
  EXPECT_EQ(o.request_shapes[0].token_field, "max_tokens");
  EXPECT_EQ(o.log[0].client_request_id, "plain");
  EXPECT_EQ(o.log[0].retry_count, 0);
}

TEST_P(NodeAppTest, StreamSmokeReportsChunksAndNoDone) {
  json p = Smoke("stream", {"ROLLGATE_SMOKE_STREAM=1", "ROLLGATE_SMOKE_LABEL=node-canary"});
  EXPECT_EQ(p["status"], 200);
  EXPECT_EQ(p["content"], "{\"ok\":true,\"label\":\"node-canary\"}");
  EXPECT_EQ(p["finish_reason"], "stop");
  EXPECT_GT(p["chunks"].get<int>(), 2);
  EXPECT_TRUE(p["done"].is_null());  // the SDK hides [DONE] from the app
  mock::Observations o = Seen("stream");
  ASSERT_EQ(o.request_shapes.size(), 1u);
  EXPECT_TRUE(o.request_shapes[0].stream);
  EXPECT_TRUE(o.request_shapes[0].stream_options_include_usage);
  EXPECT_THAT(o.request_shapes[0].fields, ::testing::Contains("stream_options"));
  EXPECT_TRUE(o.log[0].complete);
}

TEST_P(NodeAppTest, InvalidTokenCallReportsTheErrorAndNoContent) {
  json p = Smoke("negative", {std::string("ROLLGATE_SMOKE_API_KEY=") + kNodeAppBadKey});
  EXPECT_EQ(p["status"], 401);
  EXPECT_EQ(p["error"]["type"], "AuthenticationError");
  EXPECT_EQ(p["error"]["code"], "invalid_api_key");
  EXPECT_FALSE(p.contains("content"));
  EXPECT_EQ(p["smoke_api_key_used"], true);  // the acknowledgement rollgate judges by
  mock::Observations o = Seen("negative");
  EXPECT_EQ(o.log.at(0).key_fingerprint, internal::KeyFingerprint(kNodeAppBadKey));
  // v2 leaves retries to the SDK, which never retries a 401; v1's wrapper retries everything.
  int64_t expected = release() == "v1" ? 4 : 1;
  EXPECT_EQ(o.attempts, (std::map<std::string, int64_t>{{"401", expected}}));
  EXPECT_EQ(mock_->provider().observations(mock::ObservationQuery::Key(kNodeAppKey)).requests, 0);
}

// `rollgate check` on the release as an exec app: the invalid-token call goes through the SDK
// with a fresh key rollgate made up, and negative_auth judges what the app reported.
TEST_P(NodeAppTest, RollgateJudgesTheInvalidTokenCallThroughTheSdk) {
  Result<std::string> base = mock_->provider().OpenSession("gate");
  ASSERT_OK(base);
  dir_.Write("contract.yaml",
             "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
             "/v1/chat/completions}\n");
  std::string config =
      dir_.Write("rollgate.yaml",
                 "service: node\ncontract: contract.yaml\nreleases:\n  new:\n    version: '" +
                     std::string(release() == "v1" ? "2.3.1" : "2.4.0") +
                     "'\n    probe: exec\n    command_timeout_ms: 60000\n    command: [node, '" +
                     kNodeAppDir + "/" + release() +
                     "/app.mjs', smoke]\n  rollback:\n    version: '1'\n    probe: exec\n"
                     "    command: ['true']\n");
  CliRun run = RunRollgate(
      {"check", "--config", config, "--release", "new", "--evidence-dir", dir_.Join("ev")},
      {"OPENAI_BASE_URL=" + *base + "/v1", std::string("OPENAI_API_KEY=") + kNodeAppKey,
       "NO_COLOR=1"},
      90000);
  json gate_json = json::parse(ReadOr(dir_.Join("ev/gate.json")), nullptr, false);
  ASSERT_FALSE(gate_json.is_discarded()) << run.out << run.err;
  json gate;
  for (const auto& g : gate_json["gates"]) {
    if (g["id"] == "negative_auth") gate = g;
  }
  EXPECT_EQ(gate["status"], "pass") << gate.dump() << run.out << run.err;
  EXPECT_NE(gate["detail"].get<std::string>().find(
                "new's own client treated the invalid key as an error: 401 "
                "AuthenticationError invalid_api_key"),
            std::string::npos)
      << gate.dump();
  // The key rollgate made up reached the provider; what v1's wrapper did with the 401 is there
  // to see (retry_policy's business, not negative_auth's).
  mock::Observations o = Seen("gate");
  EXPECT_EQ(o.attempts["401"], release() == "v1" ? 4 : 1);
  for (const std::string& text :
       {run.out, run.err, ReadOr(dir_.Join("ev/gate.json")), ReadOr(dir_.Join("ev/probes.jsonl")),
        ReadOr(dir_.Join("ev/summary.md"))}) {
    EXPECT_EQ(text.find("sk-rollgate-negative-auth-invalid"), std::string::npos) << text;
    EXPECT_EQ(text.find(kNodeAppKey), std::string::npos);
  }
}

TEST_P(NodeAppTest, AnErrorInA200BodyIsAnErrorOnlyForTheCurrentParser) {
  mock_.reset();
  mock::MockOptions o = Options();
  o.scenario_for_session["in-200"] = "error-in-200";
  mock_ = std::make_unique<MockServer>(o);
  ASSERT_OK(mock_->status());
  json p = Smoke("in-200");
  EXPECT_EQ(p["status"], 200);
  if (release() == "v2") {
    EXPECT_EQ(p["error"]["type"], "server_error") << p.dump();
    EXPECT_FALSE(p.contains("content"));
  } else {
    // The older helper takes the error for an answer with no content.
    EXPECT_FALSE(p.contains("error")) << p.dump();
    EXPECT_TRUE(p["content"].is_null());
  }
  EXPECT_EQ(Seen("in-200").log.at(0).scenario, "error-in-200");
}

// The official SDK's timeout ends at the response headers: the mock sees it hang up on a stall
// before the headers, and never on a stall in the middle of the stream.
TEST_P(NodeAppTest, TheSdkTimeoutCoversTheHeadersButNotTheStream) {
  json config =
      json::parse(*internal::ReadFileToString(kNodeAppDir + "/" + release() + "/app.json"));
  config["timeout_ms"] = 400;
  if (release() == "v2") config["max_retries"] = 0;
  std::string path = dir_.Write("app.json", config.dump());
  mock_.reset();
  mock::MockOptions o = Options();
  o.scenario_for_session["headers"] = "stall-headers";
  o.scenario_for_session["midstream"] = "stream-stall";
  // The mock's stall is far beyond the app's 400 ms, so on a loaded machine (node's timer starts
  // before it connects, so the mock sees less than 400 ms) the two can never be confused.
  o.slow_ms = 3000;
  mock_ = std::make_unique<MockServer>(o);
  ASSERT_OK(mock_->status());

  json stalled = Smoke("headers", {}, path);
  EXPECT_EQ(stalled["status"], 0);
  EXPECT_EQ(stalled["error"]["type"], "APIConnectionTimeoutError") << stalled.dump();
  mock::Observations h = Seen("headers");
  EXPECT_EQ(h.headers_timeout.hung_up, h.headers_timeout.stalls);
  ASSERT_TRUE(h.headers_timeout.timeout_ms.has_value());
  EXPECT_GT(*h.headers_timeout.timeout_ms, 0);
  EXPECT_LT(*h.headers_timeout.timeout_ms, 2500);  // the app's 400 ms, not the mock's 3000

  Smoke("midstream", {"ROLLGATE_SMOKE_STREAM=1"}, path);
  mock::Observations m = Seen("midstream");
  EXPECT_GE(m.stream_timeout.stalls, 1);
  EXPECT_EQ(m.stream_timeout.hung_up, 0);  // the mock's 3000 ms ended it, not the app
  EXPECT_FALSE(m.stream_timeout.timeout_ms.has_value());
}

std::string NodeAppReleaseName(const ::testing::TestParamInfo<std::string>& param) {
  return param.param;
}

INSTANTIATE_TEST_SUITE_P(Releases, NodeAppTest, ::testing::Values("v1", "v2"), NodeAppReleaseName);

}  // namespace
}  // namespace rollgate::testing
