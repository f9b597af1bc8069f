// examples/sample_app's side of issue 13's protocol additions: the invalid-token call
// (ROLLGATE_SMOKE_API_KEY / X-Rollgate-Smoke-Api-Key replace the configured key) and the
// `client` member, checked against what the mock provider observed on the wire.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "base/secret.h"
#include "examples/sample_app_util.h"
#include "testutil/child_process.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/test_http_client.h"

namespace rollgate::testing {
namespace {

using nlohmann::json;

constexpr char kClientTestKey[] = "sk-sample-client-test-9d1e44b7a0c2f3e5";
constexpr char kClientTestBadKey[] = "sk-rollgate-invalid-token-00000000";

class SampleAppClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mock::MockOptions o;
    o.keys = {kClientTestKey};
    mock_ = std::make_unique<MockServer>(o);
    ASSERT_OK(mock_->status());
    config_ = dir_.Write("app.json", SampleAppConfig().dump(2));
  }

  AppRun Smoke(std::vector<std::string> env) {
    env.insert(env.begin(), {"SAMPLE_APP_BASE_URL=" + mock_->Url(""),
                             std::string("SAMPLE_APP_KEY=") + kClientTestKey});
    return RunSampleApp({"smoke", "--config", config_}, env);
  }

  TempDir dir_;
  std::unique_ptr<MockServer> mock_;
  std::string config_;
};

TEST_F(SampleAppClientTest, InvalidTokenCallUsesTheSmokeKeyAndReportsTheError) {
  AppRun run = Smoke({std::string("ROLLGATE_SMOKE_API_KEY=") + kClientTestBadKey,
                      "ROLLGATE_CORRELATION_ID=neg-1"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  json p = ProtocolOf(run.out);
  ASSERT_FALSE(p.is_discarded()) << run.out;
  EXPECT_EQ(p["status"], 401);
  EXPECT_TRUE(p["error"].is_object());
  EXPECT_FALSE(p.contains("content"));
  EXPECT_EQ(p["smoke_api_key_used"], true);  // the acknowledgement rollgate judges by
  // The provider saw the smoke key, once, and never the configured one.
  mock::Observations o =
      mock_->provider().observations(mock::ObservationQuery::ClientRequestId("neg-1"));
  ASSERT_EQ(o.requests, 1);
  EXPECT_EQ(o.log[0].key_fingerprint, internal::KeyFingerprint(kClientTestBadKey));
  EXPECT_EQ(mock_->provider().observations(mock::ObservationQuery::Key(kClientTestKey)).requests,
            0);
  // Neither key reaches stdout or stderr.
  for (const std::string& text : {run.out, run.err}) {
    EXPECT_EQ(text.find(kClientTestKey), std::string::npos);
    EXPECT_EQ(text.find(kClientTestBadKey), std::string::npos);
  }
}

TEST_F(SampleAppClientTest, WithoutTheSmokeKeyTheConfiguredKeyIsUsed) {
  json p = ProtocolOf(Smoke({"ROLLGATE_CORRELATION_ID=pos-1"}).out);
  EXPECT_EQ(p["status"], 200);
  EXPECT_EQ(mock_->provider().observations(mock::ObservationQuery::Key(kClientTestKey)).requests,
            1);
}

TEST_F(SampleAppClientTest, ReportsTheClientTheMockSaw) {
  json p = ProtocolOf(Smoke({"ROLLGATE_CORRELATION_ID=id-1"}).out);
  ASSERT_TRUE(p["client"].is_object()) << p.dump();
  mock::Observations o =
      mock_->provider().observations(mock::ObservationQuery::ClientRequestId("id-1"));
  ASSERT_EQ(o.clients.size(), 1u);
  EXPECT_EQ(p["client"]["user_agent"], o.clients[0].user_agent);
  EXPECT_EQ(p["client"]["sdk"], "libcurl");
  EXPECT_EQ(p["client"]["sdk"], o.clients[0].sdk);
  EXPECT_EQ(p["client"]["sdk_version"], o.clients[0].sdk_version);
  EXPECT_EQ(o.clients[0].user_agent.rfind("sample_app/2.4.0 libcurl/", 0), 0u);
  EXPECT_FALSE(p["client"]["runtime"].get<std::string>().empty());
  ASSERT_EQ(o.request_shapes.size(), 1u);
  EXPECT_EQ(o.request_shapes[0].fields,
            (std::vector<std::string>{"max_tokens", "messages", "model", "temperature"}));
}

TEST_F(SampleAppClientTest, ABadSmokeKeyIsAUsageErrorThatDoesNotShowIt) {
  AppRun run = Smoke({"ROLLGATE_SMOKE_API_KEY=sk-has a-space-inside-1234"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("ROLLGATE_SMOKE_API_KEY"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("a-space-inside"), std::string::npos) << run.err;
  EXPECT_EQ(mock_->provider().stats().requests_total, 0);
}

TEST_F(SampleAppClientTest, ServeTakesTheSmokeKeyFromAHeader) {
  ChildProcess app;
  ChildOptions opts;
  opts.argv = {ROLLGATE_SAMPLE_APP, "serve", "--config", config_, "--listen", "127.0.0.1:0"};
  opts.env = {"SAMPLE_APP_BASE_URL=" + mock_->Url(""),
              std::string("SAMPLE_APP_KEY=") + kClientTestKey};
  ASSERT_OK(app.Start(opts));
  Result<std::string> line = app.WaitForLine("sample_app listening on http://127.0.0.1:");
  ASSERT_OK(line);
  std::string url = line->substr(std::string("sample_app listening on ").size());

  TestResponse bad =
      HttpGet(url + "/smoke", {std::string("X-Rollgate-Smoke-Api-Key: ") + kClientTestBadKey,
                               "X-Client-Request-Id: serve-neg"});
  EXPECT_EQ(bad.status, 200);  // the route answered; the provider call failed as data
  json p = ProtocolOf(bad.body);
  EXPECT_EQ(p["status"], 401);
  EXPECT_FALSE(p.contains("content"));
  EXPECT_EQ(p["smoke_api_key_used"], true);
  EXPECT_EQ(bad.body.find(kClientTestBadKey), std::string::npos);
  EXPECT_EQ(mock_->provider()
                .observations(mock::ObservationQuery::ClientRequestId("serve-neg"))
                .log.at(0)
                .key_fingerprint,
            internal::KeyFingerprint(kClientTestBadKey));

  json good = ProtocolOf(HttpGet(url + "/smoke", {"X-Client-Request-Id: serve-pos"}).body);
  EXPECT_EQ(good["status"], 200);
  EXPECT_TRUE(good["client"].is_object());
  EXPECT_FALSE(good.contains("smoke_api_key_used"));
  ASSERT_TRUE(app.Signal(SIGTERM));
  EXPECT_TRUE(app.WaitForExit(std::chrono::seconds(10)).has_value());
}

}  // namespace
}  // namespace rollgate::testing
