// The drill's switch actions: header values from any source, their secrets never shown, and
// commands shown without the credentials they carry.
#include "drill/route.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "base/clock.h"
#include "base/secret.h"
#include "http_server/http_server.h"
#include "testutil/fake_environment.h"
#include "testutil/status_matchers.h"

namespace rollgate::internal {
namespace {

constexpr char kRouteToken[] = "rt-route\xc3\xa9-token/Qx7\\Zp2\"Wk5+";

TEST(RouteActionTest, HeaderSecretsFromASourceAreSentAndNeverShown) {
  std::mutex mu;
  std::string received;
  HttpServer server{HttpServerOptions{}};
  server.Handle("POST", "/route", [&](const ServerRequest& req) {
    std::lock_guard<std::mutex> lock(mu);
    const std::string* token = req.Header("x-route-token");
    received = token ? *token : "";
    // A controller that quotes what it was sent: raw, and JSON-escaped.
    return ServerResponse::Make(
        500, "application/json",
        "{\"error\":\"bad token " + received + " / " + Base64Encode("Bearer " + received) + "\"}");
  });
  ASSERT_OK(server.Start());
  testing::FakeEnvironment env;
  env.vars["ROUTE_TOKEN"] = kRouteToken;
  DrillAction action;
  action.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/route?access_token=q1";
  action.headers["X-Route-Token"].kind = ValueSource::Kind::kEnv;
  action.headers["X-Route-Token"].name = "ROUTE_TOKEN";
  action.headers["X-Plain"].literal = "shown-literal";
  ActionResult r = RunRouteAction(action, 5000, env, "/cfg");
  server.Stop();
  EXPECT_FALSE(r.ok);
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(received, kRouteToken);
  }
  EXPECT_NE(r.detail.find("answered 500"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("bad token [redacted]"), std::string::npos) << r.detail;
  EXPECT_EQ(r.detail.find("Qx7"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("/route?access_token=[redacted]"), std::string::npos) << r.detail;

  env.vars.clear();
  ActionResult unset = RunRouteAction(action, 5000, env, "/cfg");
  EXPECT_FALSE(unset.ok);
  EXPECT_NE(unset.detail.find(
                "not sent: headers.X-Route-Token from env ROUTE_TOKEN: env ROUTE_TOKEN is not set"),
            std::string::npos)
      << unset.detail;
}

TEST(RouteActionTest, ACommandIsShownWithoutItsCredentials) {
  testing::FakeEnvironment env;
  env.command = [](const std::vector<std::string>&) -> Result<CommandResult> {
    CommandResult c;
    c.exit_code = 1;
    c.err = "denied";
    return c;
  };
  DrillAction action;
  action.command = {"env", "ROUTE_API_KEY=rk-live-0123456789", "switch", "--token", "t0k3n-value",
                    "new"};
  ActionResult r = RunRouteAction(action, 5000, env, "/cfg");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.detail.find("`env ROUTE_API_KEY=[redacted] switch --token [redacted] new` failed"),
            std::string::npos)
      << r.detail;
  EXPECT_EQ(r.detail.find("t0k3n-value"), std::string::npos) << r.detail;
}

// A switch command that prints back what it was given (a usage error quoting its arguments, a
// controller logging its request): the values its command line masks are scrubbed from its
// stderr too, raw or percent-encoded, though rollgate was never told they were secrets.
TEST(RouteActionTest, WhatACommandLineMasksIsScrubbedFromItsStderr) {
  testing::FakeEnvironment env;
  env.command = [](const std::vector<std::string>&) -> Result<CommandResult> {
    CommandResult c;
    c.exit_code = 2;
    c.err =
        "switch: unknown release for token t0k3n-Route-value (t0k3n%2DRoute%2Dvalue) "
        "at https://ops:pw-Zq81vX@ctl.example/switch; key rk-live-0123456789 refused";
    return c;
  };
  DrillAction action;
  action.command = {"env",
                    "ROUTE_API_KEY=rk-live-0123456789",
                    "switch",
                    "--token",
                    "t0k3n-Route-value",
                    "https://ops:pw-Zq81vX@ctl.example/switch"};
  ActionResult r = RunRouteAction(action, 5000, env, "/cfg");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.detail.find("failed"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("unknown release for token [redacted]"), std::string::npos) << r.detail;
  for (const char* secret : {"t0k3n-Route", "t0k3n%2DRoute", "pw-Zq81vX", "rk-live-0123"})
    EXPECT_EQ(r.detail.find(secret), std::string::npos) << secret << " in " << r.detail;
}

// A version endpoint that answers `versions` in turn, then the last one for ever.
class RouteVersionServer {
 public:
  explicit RouteVersionServer(std::vector<std::string> versions) : versions_(std::move(versions)) {
    server_.Handle("GET", "/version", [this](const ServerRequest&) {
      std::lock_guard<std::mutex> lock(mu_);
      ServerResponse r = ServerResponse::Make(200, "text/plain", "ok");
      r.headers.emplace_back("X-Release-Version", versions_[std::min(next_, versions_.size() - 1)]);
      ++next_;
      return r;
    });
  }
  ~RouteVersionServer() { server_.Stop(); }
  Status Start() { return server_.Start(); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + "/version";
  }

 private:
  std::mutex mu_;
  std::vector<std::string> versions_;
  std::size_t next_ = 0;
  HttpServer server_{HttpServerOptions{}};
};

// nginx's old workers keep answering for a moment after a reload: one poll that names the
// release is not a switch. The wait ends after kSettledPolls answers in a row.
TEST(RouteSettleTest, OneLuckyPollDuringADrainIsNotASwitch) {
  RouteVersionServer server({"2.4.0", "2.3.1", "2.4.0", "2.3.1", "2.3.1", "2.3.1"});
  ASSERT_OK(server.Start());
  SettleResult r = WaitForVersion(server.url(), "X-Release-Version", {}, "2.3.1", 5000, 10, nullptr,
                                  SystemClock::Get());
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.polls, 6) << r.detail;
  EXPECT_NE(r.detail.find("the last 3 in a row"), std::string::npos) << r.detail;
}

TEST(RouteSettleTest, ARouteThatFlapsNeverSettles) {
  std::vector<std::string> flapping;
  for (int i = 0; i < 400; ++i) flapping.push_back(i % 2 ? "2.3.1" : "2.4.0");
  RouteVersionServer server(flapping);
  ASSERT_OK(server.Start());
  SettleResult r = WaitForVersion(server.url(), "X-Release-Version", {}, "2.3.1", 300, 10, nullptr,
                                  SystemClock::Get());
  EXPECT_FALSE(r.ok) << r.detail;
  EXPECT_NE(r.detail.find("did not converge"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("flapping: 2.4.0 answered again after 2.3.1"), std::string::npos)
      << r.detail;
}

}  // namespace
}  // namespace rollgate::internal
