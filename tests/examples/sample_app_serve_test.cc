// `sample_app serve`, the built binary, against the mock provider on a free loopback port: its
// /smoke route must speak rollgate's app protocol (docs/app-probes.md) like the smoke command
// (sample_app_test.cc), and it must start, refuse a bad config and stop the way an operator
// expects.
#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "examples/sample_app_fixture.h"
#include "examples/sample_app_util.h"
#include "testutil/child_process.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/test_http_client.h"
#include "testutil/wait_until.h"

namespace rollgate::testing {
namespace {

using nlohmann::json;

class SampleAppServeTest : public SampleAppTest {
 protected:
  // Starts `sample_app serve` on 127.0.0.1:0 and waits for its ready line.
  void StartServe(const std::string& config, const std::string& base_url) {
    ChildOptions o;
    o.argv = {ROLLGATE_SAMPLE_APP, "serve", "--config", config, "--listen", "127.0.0.1:0"};
    o.env = {"SAMPLE_APP_BASE_URL=" + base_url, std::string("SAMPLE_APP_KEY=") + kSampleAppKey};
    ASSERT_OK(app_.Start(o));
    const std::string ready = "sample_app listening on http://127.0.0.1:";
    Result<std::string> line = app_.WaitForLine(ready);
    ASSERT_OK(line);
    url_ = line->substr(std::string("sample_app listening on ").size());
  }

  TestResponse Get(const std::string& path, std::vector<std::string> headers = {}) {
    return HttpGet(url_ + path, std::move(headers));
  }

  ChildProcess app_;
  std::string url_;
};

TEST_F(SampleAppServeTest, SmokeRouteSpeaksTheProtocolAndStopsOnSigterm) {
  auto mock = std::make_unique<MockServer>(Options());
  ASSERT_OK(mock->status());
  ASSERT_NO_FATAL_FAILURE(StartServe(WriteConfig(), mock->Url("")));

  TestResponse r = Get("/smoke", {"X-Rollgate-Smoke-Label: drill-1", "X-Client-Request-Id: s-1"});
  ASSERT_TRUE(r.transport_ok) << r.error;
  EXPECT_EQ(r.status, 200);
  ASSERT_NE(r.Header("Content-Type"), nullptr);
  EXPECT_NE(r.Header("Content-Type")->find("application/json"), std::string::npos);
  ASSERT_NE(r.Header("X-Release-Version"), nullptr);
  EXPECT_EQ(*r.Header("X-Release-Version"), "2.4.0");
  ExpectSmokeOk(ProtocolOf(r.body), "{\"ok\":true,\"label\":\"drill-1\"}");
  EXPECT_EQ(mock->provider().stats().by_client_request_id["s-1"], 1);

  json stream =
      ProtocolOf(Get("/smoke", {"X-Rollgate-Smoke-Stream: 1", "X-Client-Request-Id: s-2"}).body);
  ExpectSmokeOk(stream);
  EXPECT_EQ(stream["done"], true);

  EXPECT_EQ(Get("/smoke", {"X-Rollgate-Smoke-Max-Tokens: many"}).status, 400);
  TestResponse health = Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  TestResponse version = Get("/version");
  EXPECT_EQ(version.status, 200);
  EXPECT_EQ(json::parse(version.body, nullptr, false)["version"], "2.4.0");
  ASSERT_NE(version.Header("X-Release-Version"), nullptr);

  // The provider gone: the route still answers 200 with the failure as data.
  mock.reset();
  TestResponse down = Get("/smoke", {"X-Client-Request-Id: s-3"});
  EXPECT_EQ(down.status, 200);
  json p = ProtocolOf(down.body);
  EXPECT_EQ(p["status"], 0);
  EXPECT_EQ(p["error"]["type"], "connection_error");

  std::vector<json> lines = LogLines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["route"], "/smoke");
  EXPECT_EQ(lines[0]["correlation_id"], "s-1");
  EXPECT_EQ(lines[2]["msg"], "smoke completion failed");

  ASSERT_TRUE(app_.Signal(SIGTERM));
  std::optional<ChildExit> exit = app_.WaitForExit(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value()) << "serve did not stop within 10 s of SIGTERM";
  EXPECT_EQ(exit->exit_code, 0) << app_.err();
  EXPECT_EQ(app_.out().find(kSampleAppKey), std::string::npos);
  EXPECT_EQ(app_.err().find(kSampleAppKey), std::string::npos);
}

TEST_F(SampleAppServeTest, SigtermDoesNotWaitOutAProviderCallInFlight) {
  mock::MockOptions o = Options();
  o.scenario = "slow";
  o.slow_ms = 60000;  // far longer than the bounded waits below
  MockServer mock(o);
  ASSERT_OK(mock.status());
  ASSERT_NO_FATAL_FAILURE(StartServe(WriteConfig({{"timeout_ms", 120000}}), mock.Url("")));

  TestResponse in_flight;
  std::thread client([&] { in_flight = Get("/smoke", {"X-Client-Request-Id: slow-1"}); });
  // Signal only once the app's call has reached the provider.
  bool reached =
      WaitUntil([&] { return mock.provider().stats().by_client_request_id.count("slow-1") > 0; });
  EXPECT_TRUE(reached);
  EXPECT_TRUE(app_.Signal(SIGTERM));
  std::optional<ChildExit> exit = app_.WaitForExit(std::chrono::seconds(10));
  client.join();
  ASSERT_TRUE(exit.has_value()) << "serve waited for the provider call instead of stopping";
  EXPECT_EQ(exit->exit_code, 0) << app_.err();
  // The caller still got an answer saying what happened.
  EXPECT_EQ(in_flight.status, 200);
  json p = ProtocolOf(in_flight.body);
  EXPECT_EQ(p["status"], 0) << in_flight.body;
  EXPECT_EQ(p["error"]["type"], "aborted") << in_flight.body;
}

TEST_F(SampleAppServeTest, BadConfigExitsBeforeTheReadyLine) {
  ChildOptions o;
  o.argv = {ROLLGATE_SAMPLE_APP,         "serve",    "--config",
            dir_.Write("bad.json", "{"), "--listen", "127.0.0.1:0"};
  ASSERT_OK(app_.Start(o));
  Result<std::string> line = app_.WaitForLine("sample_app listening on ");
  EXPECT_FALSE(line.ok());
  EXPECT_NE(line.status().message().find("exited first"), std::string::npos)
      << line.status().message();
  std::optional<ChildExit> exit = app_.WaitForExit(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->exit_code, 2);
  EXPECT_NE(app_.err().find("bad.json"), std::string::npos);
}

TEST_F(SampleAppServeTest, BusyPortFailsWithExitThree) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  std::string port = mock.Url("").substr(mock.Url("").rfind(':') + 1);
  AppRun run = RunSampleApp({"serve", "--config", WriteConfig(), "--listen", "127.0.0.1:" + port});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find(port), std::string::npos) << run.err;
}

}  // namespace
}  // namespace rollgate::testing
