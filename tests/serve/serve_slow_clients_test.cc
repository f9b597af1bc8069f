// 100 slow clients against `rollgate serve` and against the mock (both on the one HTTP server
// adapter): with 100 connections open from 127.0.0.1, most sending a request one byte at a time
// and the rest idle, /healthz and /metrics (the mock: its stats and a chat call) still answer
// at once; the trickling clients are cut at the per-request deadline and the idle ones at the
// keep-alive timeout; and connections beyond the per-address cap are refused. The serve:
// keys that set these limits are parsed and range-checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/loader.h"
#include "http_server/raw_client.h"
#include "serve/serve_test_util.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"

namespace rollgate::testing {
namespace {

using ::rollgate::internal::ParseConfig;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr int kSlowCrowdSize = 100;
// The request deadline the tests configure: long enough that the probes are done well before
// it even where starting 100 threads is slow (ThreadSanitizer: about 3 s on two busy cores).
constexpr int kSlowDeadlineMs = 6000;

// 100 connections from 127.0.0.1: four in five start a request and trickle the rest of it,
// the fifth stays idle.
struct SlowCrowd {
  std::vector<std::unique_ptr<RawClient>> all;
  std::vector<RawClient*> trickling;
  std::vector<RawClient*> idle;
};

SlowCrowd OpenSlowCrowd(int port, const std::string& request_start) {
  SlowCrowd crowd;
  for (int i = 0; i < kSlowCrowdSize; ++i) {
    crowd.all.push_back(RawClient::Connect(port));
    RawClient* c = crowd.all.back().get();
    if (c == nullptr) {
      ADD_FAILURE() << "connection " << i << " failed";
      continue;
    }
    if (i % 5 == 4) {
      crowd.idle.push_back(c);
    } else {
      EXPECT_TRUE(c->Send(request_start));
      crowd.trickling.push_back(c);
    }
  }
  return crowd;
}

struct SlowProbe {
  std::string what;
  TestResponse response;
};

// Runs `probes` in a thread while the crowd trickles until every trickling client is cut; then
// checks that each probe was answered promptly while the crowd was still there, and that every
// slow client was cut at its deadline (trickling) or its keep-alive timeout (idle).
//
// The first probe (`first_url`) is answered only once the server has taken in every connection
// of the crowd (they connected before it, and connections are accepted in order); it must be
// answered (today's fixed pool of 16 workers never answers it), but its time includes starting
// a worker for each of the 100. The probes after it must each be answered within 2 s.
void ProbeWhileTheCrowdTrickles(SlowCrowd& crowd, const std::string& first_url,
                                const std::function<std::vector<SlowProbe>()>& probes) {
  TestResponse first;
  std::vector<SlowProbe> answered;
  RawClient::TimePoint probes_done;
  std::thread prober([&] {
    first = Fetch({"GET", first_url, {}, "", kSlowDeadlineMs});
    if (first.status == 200) answered = probes();
    probes_done = std::chrono::steady_clock::now();
  });
  bool all_cut = TrickleUntilClosed(crowd.trickling, "a", 250ms, 30s);
  prober.join();

  ASSERT_EQ(first.status, 200) << first_url
                               << " was not answered behind the slow clients: " << first.error;
  ASSERT_FALSE(answered.empty());
  for (const SlowProbe& p : answered) {
    EXPECT_EQ(p.response.status, 200) << p.what << ": " << p.response.error;
    EXPECT_LT(p.response.total_ms, 2000) << p.what << " waited behind the slow clients";
  }
  EXPECT_TRUE(all_cut) << "trickling clients were never cut";
  for (RawClient* c : crowd.trickling) {
    EXPECT_LT(probes_done, c->closed_at()) << "the probes ran after the slow clients were gone";
    EXPECT_GE(c->open_ms(), kSlowDeadlineMs - 50) << "cut before the request deadline";
    EXPECT_LT(c->open_ms(), kSlowDeadlineMs + 5000) << "cut long after the request deadline";
    EXPECT_EQ(c->received(), "") << "a cut request gets no answer";
  }
  for (RawClient* c : crowd.idle) {
    EXPECT_TRUE(c->WaitClosed(10s)) << "an idle connection was never closed";
  }
}

TEST(ServeSlowClientsTest, HealthzAndMetricsAnswerWithAHundredSlowClientsOpen) {
  ServeHarness serve;
  serve.config().serve->request_timeout_ms = kSlowDeadlineMs;
  serve.config().serve->max_connections_per_client = 128;  // let all 100 in: the workers are tested
  ASSERT_OK(serve.Start());
  SlowCrowd crowd = OpenSlowCrowd(serve.service().port(), "GET /healthz HTTP/1.1\r\nX-Slow: ");
  ProbeWhileTheCrowdTrickles(crowd, serve.Url("/healthz"), [&] {
    std::vector<SlowProbe> probes;
    for (int round = 0; round < 3; ++round) {
      probes.push_back({"/healthz", Fetch({"GET", serve.Url("/healthz"), {}, "", 5000})});
      probes.push_back({"/metrics", Fetch({"GET", serve.Url("/metrics"), {}, "", 5000})});
    }
    return probes;
  });
  TestResponse after = HttpGet(serve.Url("/healthz"));
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, "ok\n");
}

TEST(ServeSlowClientsTest, TheMockAnswersWithAHundredSlowClientsOpen) {
  mock::MockOptions options;
  options.keys = {"sk-slow-clients"};
  options.request_timeout_ms = kSlowDeadlineMs;
  MockServer mock(options);
  ASSERT_OK(mock.status());
  SlowCrowd crowd = OpenSlowCrowd(
      mock.provider().port(), "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 10000\r\n");
  ProbeWhileTheCrowdTrickles(crowd, mock.Url("/_mock/stats"), [&] {
    std::vector<SlowProbe> probes;
    for (int round = 0; round < 3; ++round) {
      probes.push_back({"/_mock/stats", Fetch({"GET", mock.Url("/_mock/stats"), {}, "", 5000})});
      probes.push_back({"chat", Fetch({"POST",
                                       mock.Url("/v1/chat/completions"),
                                       {"Content-Type: application/json",
                                        "Authorization: Bearer sk-slow-clients"},
                                       ChatBody(),
                                       5000})});
    }
    return probes;
  });
}

TEST(ServeSlowClientsTest, ConnectionsBeyondThePerAddressCapAreRefused) {
  ServeHarness serve;
  serve.config().serve->max_connections_per_client = 4;
  ASSERT_OK(serve.Start());
  const int port = serve.service().port();
  // Four connections from 127.0.0.1, each answered once and now half way through a request.
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(RawClient::Connect(port));
    ASSERT_NE(held.back(), nullptr);
    ASSERT_TRUE(held.back()->Send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
    ASSERT_TRUE(held.back()->WaitReceived("ok\n", 5s)) << held.back()->received();
    ASSERT_TRUE(held.back()->Send("GET /healthz HTTP/1.1\r\n"));
  }
  // A fifth from the same address is refused before its request is read.
  auto fifth = RawClient::Connect(port);
  ASSERT_NE(fifth, nullptr);
  fifth->Send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(fifth->WaitClosed(5s));
  EXPECT_THAT(fifth->received(), StartsWith("HTTP/1.1 503 "));
  EXPECT_THAT(fifth->received(), HasSubstr("(the limit is 4)"));
  EXPECT_NE(HttpGet(serve.Url("/healthz")).status, 200) << "curl from 127.0.0.1 counts too";

  // Another address has a count of its own.
  auto other = RawClient::Connect(port, "127.0.0.2");
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->Send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_TRUE(other->WaitReceived("ok\n", 5s)) << other->received();

  // When one of the four goes away, 127.0.0.1 gets its place back.
  held.pop_back();
  EXPECT_TRUE(WaitUntil([&] { return HttpGet(serve.Url("/healthz")).status == 200; }, 5s));
}

constexpr char kSlowClientsConfig[] = R"(service: s
releases:
  new: {version: "2", base_url: "http://127.0.0.1:1", api_key: k, model: m}
  rollback: {version: "1", base_url: "http://127.0.0.1:1", api_key: k, model: m}
)";

TEST(ServeSlowClientsConfigTest, TheLimitsAreServeKeysWithDefaults) {
  Result<Config> plain = ParseConfig(
      std::string(kSlowClientsConfig) + "serve: {listen: 127.0.0.1:0}\n", "rollgate.yaml");
  ASSERT_OK(plain);
  EXPECT_EQ(plain->serve->request_timeout_ms, 10000);
  EXPECT_EQ(plain->serve->max_connections, 256);
  EXPECT_EQ(plain->serve->max_connections_per_client, 32);

  Result<Config> set = ParseConfig(std::string(kSlowClientsConfig) +
                                       "serve: {request_timeout: 30s, max_connections: 64, "
                                       "max_connections_per_client: 0}\n",
                                   "rollgate.yaml");
  ASSERT_OK(set);
  EXPECT_EQ(set->serve->request_timeout_ms, 30000);
  EXPECT_EQ(set->serve->max_connections, 64);
  EXPECT_EQ(set->serve->max_connections_per_client, 0);

  struct Bad {
    std::string yaml;
    std::string key;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"serve: {request_timeout: 10ms}", "serve.request_timeout"},
           {"serve: {request_timeout: soon}", "serve.request_timeout"},
           {"serve: {max_connections: 0}", "serve.max_connections"},
           {"serve: {max_connections_per_client: -1}", "serve.max_connections_per_client"}}) {
    Result<Config> cfg =
        ParseConfig(std::string(kSlowClientsConfig) + bad.yaml + "\n", "rollgate.yaml");
    ASSERT_FALSE(cfg.ok()) << bad.yaml;
    EXPECT_THAT(cfg.status().message(), HasSubstr(bad.key)) << bad.yaml;
  }
}

}  // namespace
}  // namespace rollgate::testing
