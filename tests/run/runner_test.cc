// The whole pipeline on a fake transport: resolution, probes, checks, gates, evidence.
#include "run/runner.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "config/loader.h"
#include "testutil/fake_clock.h"
#include "testutil/fake_environment.h"
#include "testutil/fake_transport.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

using testing::FakeAnswer;

constexpr char kNewKey[] = "sk-test-new-aaaaaaaaaaaaaaaa";
constexpr char kRollbackKey[] = "sk-test-rollback-bbbbbbbbbbbb";

const char kConfig[] = R"(service: checkout-assistant
contract: contract.yaml
expect_differences: [endpoint_host, model, key_fingerprint, stream]  # two fake servers, by port
releases:
  new:
    version: "2.4.0"
    base_url: http://127.0.0.1:7001
    api_key: {env: KEY_NEW}
    model: gpt-5.4-mini
    stream: true
  rollback:
    version: "2.3.1"
    base_url: http://127.0.0.1:7002
    api_key: {file: secrets/rollback.key}
    model: gpt-4o-mini
)";

const char kContract[] = "reviewed_on: 2026-11-20\nmax_age_days: 30\n";

FakeAnswer Json(int status, const std::string& body, internal::Headers extra = {}) {
  FakeAnswer a;
  a.status = status;
  a.headers = {{"content-type", "application/json"}};
  for (auto& h : extra) a.headers.push_back(h);
  a.body_chunks = {body};
  return a;
}

// A provider that knows the two keys above and answers the smoke prompt.
FakeAnswer Provider(const HttpRequest& req, int) {
  const std::string* auth = FindHeader(req.headers, "authorization");
  bool known = auth && (*auth == std::string("Bearer ") + kNewKey ||
                        *auth == std::string("Bearer ") + kRollbackKey);
  if (!known) {
    return Json(
        401,
        R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}})",
        {{"x-request-id", "req-401"}});
  }
  if (req.body.find("\"stream\":true") != std::string::npos) {
    FakeAnswer a;
    a.headers = {{"content-type", "text/event-stream"}, {"x-request-id", "req-s"}};
    a.chunk_gap_ms = 5;
    a.body_chunks = {
        "data: "
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
        "\"assistant\",\"content\":\"\"}}]}\n\n",
        "data: "
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{"
        "\\\"ok\\\":true,\\\"label\\\":\\\"rollback-smoke\\\"}\"}}]}\n\n",
        "data: "
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_"
        "reason\":\"stop\"}]}\n\n",
        "data: "
        "{\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,"
        "\"completion_tokens\":1,\"total_tokens\":2}}\n\ndata: [DONE]\n\n"};
    return a;
  }
  return Json(
      200,
      R"({"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"stop",
     "message":{"role":"assistant","content":"{\"ok\":true,\"label\":\"rollback-smoke\"}"}}],
     "usage":{"prompt_tokens":20,"completion_tokens":9,"total_tokens":29}})",
      {{"x-request-id", "req-200"}});
}

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_path_ = dir_.Write("rollgate.yaml", kConfig);
    dir_.Write("contract.yaml", kContract);
    env_.vars["KEY_NEW"] = kNewKey;
    env_.files[dir_.Join("secrets/rollback.key")] = std::string(kRollbackKey) + "\n";
  }

  RunReport Run(testing::FakeTransport* transport) {
    Result<Config> cfg = LoadConfig(config_path_);
    EXPECT_OK(cfg);
    RunOptions options;
    options.evidence_dir = dir_.Join("evidence");
    RunSeams seams;
    seams.env = &env_;
    seams.clock = &clock_;
    seams.transport = transport;
    seams.jitter = [] { return 0.0; };
    RunReport report;
    EXPECT_OK(RunPipeline(*cfg, options, seams, &report));
    return report;
  }

  std::string Evidence(const std::string& name) {
    Result<std::string> text = ReadFileToString(dir_.Join("evidence/" + name));
    EXPECT_OK(text);
    return text.ok() ? *text : "";
  }

  testing::TempDir dir_;
  std::string config_path_;
  testing::FakeEnvironment env_;
  testing::FakeClock clock_;
};

TEST_F(RunnerTest, HealthyReleasesPassWithEvidenceAndNoSecrets) {
  testing::FakeTransport transport(Provider);
  RunReport report = Run(&transport);
  for (const auto& g : report.gates) {
    EXPECT_NE(g.status, CheckStatus::kFail) << g.id << ": " << g.detail;
  }
  EXPECT_EQ(report.decision, Decision::kPass);
  // new: chat + stream; rollback: chat; one invalid-token call per endpoint (two endpoints).
  EXPECT_EQ(transport.requests.size(), 5u);
  // The probes ran concurrently: the whole run took about one answer, not the sum.
  EXPECT_LT(transport.now(), 50);

  nlohmann::json gate = nlohmann::json::parse(Evidence("gate.json"));
  EXPECT_EQ(gate["decision"], "pass");
  EXPECT_EQ(gate["tool"]["name"], "rollgate");
  ASSERT_EQ(gate["releases"].size(), 2u);
  const auto& rollback = gate["releases"][1];
  EXPECT_EQ(rollback["name"], "rollback");
  EXPECT_EQ(rollback["version"], "2.3.1");
  EXPECT_EQ(rollback["key_fingerprint"].get<std::string>().rfind("sha256:", 0), 0u);
  EXPECT_EQ(rollback["request_id"], "req-200");
  EXPECT_EQ(rollback["parsed"]["content_json"]["label"], "rollback-smoke");
  EXPECT_EQ(rollback["provenance"]["api_key"], "file " + dir_.Join("secrets/rollback.key"));
  EXPECT_TRUE(gate["releases"][0]["stream"]["done_seen"].get<bool>());

  std::string jsonl = Evidence("probes.jsonl");
  EXPECT_EQ(std::count(jsonl.begin(), jsonl.end(), '\n'), 5);
  for (const char* file : {"gate.json", "junit.xml", "summary.md", "probes.jsonl"}) {
    std::string text = Evidence(file);
    EXPECT_EQ(text.find(kNewKey), std::string::npos) << file;
    EXPECT_EQ(text.find(kRollbackKey), std::string::npos) << file;
    EXPECT_EQ(text.find("Reply with a compact JSON"), std::string::npos)
        << file << " carries the prompt";
  }
}

TEST_F(RunnerTest, RotatedRollbackKeyBlocksOnAuthentication) {
  env_.files[dir_.Join("secrets/rollback.key")] = "sk-test-rollback-rotated-000\n";
  testing::FakeTransport transport(Provider);
  RunReport report = Run(&transport);
  EXPECT_EQ(report.decision, Decision::kBlock);
  const CheckResult* gate = report.FindGate("rollback_release_smoke");
  ASSERT_NE(gate, nullptr);
  EXPECT_EQ(gate->status, CheckStatus::kFail);
  EXPECT_NE(gate->detail.find("authentication failed"), std::string::npos);
  EXPECT_EQ(report.FindGate("new_release_smoke")->status, CheckStatus::kPass);
  std::string junit = Evidence("junit.xml");
  EXPECT_NE(junit.find("<failure message=\"key rejected"), std::string::npos);
}

TEST_F(RunnerTest, DeletedSecretIsAFindingWithEvidenceNotAUsageError) {
  env_.files.erase(dir_.Join("secrets/rollback.key"));
  testing::FakeTransport transport(Provider);
  RunReport report = Run(&transport);
  EXPECT_EQ(report.decision, Decision::kBlock);
  const ReleaseReport* rollback = report.FindRelease("rollback");
  ASSERT_NE(rollback, nullptr);
  EXPECT_EQ(rollback->FindCheck("configuration")->status, CheckStatus::kFail);
  EXPECT_NE(
      rollback->FindCheck("configuration")->detail.find("api_key from file secrets/rollback.key"),
      std::string::npos);
  EXPECT_TRUE(rollback->attempts.empty());
  EXPECT_FALSE(Evidence("gate.json").empty());
}

TEST_F(RunnerTest, GatewayThatAcceptsAnyKeyFailsNegativeAuth) {
  testing::FakeTransport transport([](const HttpRequest& req, int n) {
    FakeAnswer a = Provider(req, n);
    return a.status == 401 ? Json(200, "{}") : a;  // any token is let through
  });
  RunReport report = Run(&transport);
  EXPECT_EQ(report.decision, Decision::kBlock);
  EXPECT_EQ(report.FindGate("negative_auth")->status, CheckStatus::kFail);
}

TEST_F(RunnerTest, StaleContractBlocks) {
  dir_.Write("contract.yaml", "reviewed_on: 2026-01-01\nmax_age_days: 30\n");
  testing::FakeTransport transport(Provider);
  RunReport report = Run(&transport);
  EXPECT_EQ(report.decision, Decision::kBlock);
  EXPECT_EQ(report.FindGate("contract_reviewed")->status, CheckStatus::kFail);
}

TEST_F(RunnerTest, PreviousEvidenceSurvivesAFailedWrite) {
  testing::FakeTransport first(Provider);
  Run(&first);
  std::string before = Evidence("gate.json");
  // An evidence "directory" that is a file cannot be written to.
  Result<Config> cfg = LoadConfig(config_path_);
  ASSERT_OK(cfg);
  RunOptions options;
  options.evidence_dir = dir_.Join("evidence/gate.json");
  RunSeams seams;
  seams.env = &env_;
  seams.clock = &clock_;
  testing::FakeTransport second(Provider);
  seams.transport = &second;
  RunReport report;
  Status st = RunPipeline(*cfg, options, seams, &report);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Status::Code::kIoError);
  EXPECT_EQ(Evidence("gate.json"), before);
}

}  // namespace
}  // namespace rollgate::internal
