// The mock provider's operational side over real loopback HTTP: statistics, latency, stream
// pacing, concurrency, option validation and lifecycle.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "mock/mock_provider.h"
#include "mock/mock_test_util.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/test_http_client.h"
#include "testutil/wait_until.h"

namespace rollgate::mock {
namespace {

using nlohmann::json;
using ::rollgate::testing::ChatBody;
using ::rollgate::testing::ChatBodyOptions;
using ::rollgate::testing::ElapsedMs;
using ::rollgate::testing::HttpGet;
using ::rollgate::testing::MockServer;
using ::rollgate::testing::TestResponse;
using ::testing::HasSubstr;
using ::testing::Not;
using testutil::Json;
using testutil::kKey;
using testutil::Options;

TEST(MockProviderDefaultsTest, ListsADefaultModelSetWhenNoneIsConfigured) {
  MockServer mock(Options(Flavor::kCometApi));
  ASSERT_OK(mock.status());
  json b = Json(HttpGet(mock.Url("/v1/models"), {std::string("Authorization: Bearer ") + kKey}));
  EXPECT_GE(b["data"].size(), 1u);
}

TEST(MockProviderStatsTest, CountsRequestsStatusesAndAttemptsPerClientRequestId) {
  MockServer mock(Options(Flavor::kOpenAi));
  ASSERT_OK(mock.status());
  mock.Chat(ChatBody(), kKey, {"X-Client-Request-Id: probe-a"});
  mock.Chat(ChatBody(), kKey, {"X-Client-Request-Id: probe-a"});
  mock.Chat(ChatBody(), "sk-bad-bad-bad-bad", {"X-Client-Request-Id: probe-b"});
  mock.Chat(ChatBody(), kKey);
  MockStats s = mock.provider().stats();
  EXPECT_EQ(s.requests_total, 4);
  EXPECT_EQ(s.by_status[200], 3);
  EXPECT_EQ(s.by_status[401], 1);
  EXPECT_EQ(s.by_client_request_id["probe-a"], 2);
  EXPECT_EQ(s.by_client_request_id["probe-b"], 1);
  EXPECT_EQ(s.by_client_request_id.size(), 2u);

  // The same counters for observers in another process; reading them does not count.
  TestResponse r = HttpGet(mock.Url("/_mock/stats"));
  ASSERT_EQ(r.status, 200);
  json j = Json(r);
  EXPECT_EQ(j["requests_total"], 4);
  EXPECT_EQ(j["by_status"]["200"], 3);
  EXPECT_EQ(j["by_client_request_id"]["probe-a"], 2);
  EXPECT_EQ(mock.provider().stats().requests_total, 4);

  mock.provider().ResetStats();
  EXPECT_EQ(mock.provider().stats().requests_total, 0);
  EXPECT_TRUE(mock.provider().stats().by_client_request_id.empty());
}

TEST(MockProviderLatencyTest, LatencyDelaysTheFirstByte) {
  MockOptions o = Options(Flavor::kCometApi);
  o.latency_ms = 300;
  MockServer mock(o);
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(r.first_byte_ms, 290);
  EXPECT_GE(HttpGet(mock.Url("/v1/models")).first_byte_ms, 290);  // every response, even a 401
}

TEST(MockProviderStreamTest, ChunksArriveOneByOne) {
  MockOptions o = Options(Flavor::kOpenAi);
  o.chunk_interval_ms = 60;
  MockServer mock(o);
  ASSERT_OK(mock.status());
  ChatBodyOptions body;
  body.stream = true;
  TestResponse r = mock.Chat(ChatBody(body), kKey);
  ASSERT_TRUE(r.transport_ok) << r.error;
  // role + 9 content pieces + finish + [DONE] = 12 events, 60 ms apart.
  ASSERT_GE(r.chunks.size(), 10u);
  EXPECT_THAT(r.chunks.front().data, HasSubstr("\"role\":\"assistant\""));
  EXPECT_GT(r.chunks.back().at_ms - r.chunks.front().at_ms, 400);
}

TEST(MockProviderConcurrencyTest, SlowRequestsAreServedInParallel) {
  MockOptions o = Options(Flavor::kCometApi);
  o.latency_ms = 600;
  o.threads = 8;
  MockServer mock(o);
  ASSERT_OK(mock.status());
  constexpr int kClients = 6;
  std::vector<TestResponse> results(kClients);
  double ms = ElapsedMs([&] {
    std::vector<std::thread> clients;
    for (auto& result : results) {
      clients.emplace_back([&result, &mock] { result = mock.Chat(ChatBody(), kKey); });
    }
    for (auto& c : clients) c.join();
  });
  for (const auto& r : results) EXPECT_EQ(r.status, 200);
  // Serially this would take 3.6 s; in parallel about one latency.
  EXPECT_LT(ms, 2000);
  EXPECT_GE(ms, 590);
}

TEST(MockProviderStartTest, UnknownScenariosAreRejectedWithTheValidList) {
  MockOptions o;
  o.scenario = "slow-bdy";
  MockProvider p(o);
  Status st = p.Start();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("\"slow-bdy\""));
  EXPECT_THAT(st.message(), HasSubstr("did you mean \"slow-body\""));
  EXPECT_THAT(st.message(), HasSubstr("ok, rotated-key, model-missing"));
  EXPECT_THAT(st.message(), HasSubstr("primary-model-down"));
}

TEST(MockProviderStartTest, ScenarioMapsAreValidatedWithoutRevealingKeys) {
  MockOptions o;
  o.scenario_for_key = {{"sk-very-secret-key-123", "nope"}};
  Status st = MockProvider(o).Start();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("scenario_for_key"));
  EXPECT_THAT(st.message(), Not(HasSubstr("sk-very-secret")));

  o = {};
  o.scenario_for_model = {{"gpt-x", "nope"}};
  st = MockProvider(o).Start();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("gpt-x"));
}

TEST(MockProviderStartTest, OtherBadOptionsAreRejected) {
  MockOptions o;
  o.latency_ms = -1;
  EXPECT_EQ(MockProvider(o).Start().code(), Status::Code::kInvalidArgument);
  o = {};
  o.scenario = "primary-model-down";  // nothing could go down
  EXPECT_EQ(MockProvider(o).Start().code(), Status::Code::kInvalidArgument);
  o = {};
  o.threads = 0;
  EXPECT_EQ(MockProvider(o).Start().code(), Status::Code::kInvalidArgument);
}

TEST(MockProviderStartTest, BaseUrlNamesTheBoundPort) {
  MockProvider p(MockOptions{});
  ASSERT_OK(p.Start());
  EXPECT_GT(p.port(), 0);
  EXPECT_EQ(p.base_url(), "http://127.0.0.1:" + std::to_string(p.port()));
  p.Stop();
  p.Stop();  // idempotent
}

TEST(MockProviderStartTest, ScenarioPrecedenceIsKeyThenModelThenDefault) {
  MockOptions o = Options(Flavor::kCometApi);
  o.keys = {kKey, "sk-limited-key-0001"};
  o.scenario = "empty-choices";
  o.scenario_for_model = {{"gpt-limited", "rate-limited"}};
  o.scenario_for_key = {{"sk-limited-key-0001", "ok"}};
  MockServer mock(o);
  ASSERT_OK(mock.status());
  ChatBodyOptions limited;
  limited.model = "gpt-limited";
  EXPECT_EQ(mock.Chat(ChatBody(limited), "sk-limited-key-0001").status, 200);  // key wins
  EXPECT_EQ(mock.Chat(ChatBody(limited), kKey).status, 429);                   // then model
  EXPECT_TRUE(Json(mock.Chat(ChatBody(), kKey))["choices"].empty());           // then default
}

// A handler that throws is never a silent 500: the provider counts it for its owner (the
// rehearsal sets no on_error), and still tells on_error when one is set.
TEST(MockProviderHandlerErrorsTest, AThrowingHandlerIsCountedWithItsRouteWithoutOnError) {
  MockProvider p(Options(Flavor::kOpenAi));
  p.TEST_AddThrowingRoute("/_test/throw");
  ASSERT_OK(p.Start());
  EXPECT_EQ(p.handler_errors().count, 0);
  EXPECT_EQ(p.handler_errors().Summary(), "");
  EXPECT_EQ(HttpGet(p.base_url() + "/_test/throw?token=sk-query-secret").status, 500);
  EXPECT_EQ(HttpGet(p.base_url() + "/_test/throw").status, 500);
  HandlerErrors e = p.handler_errors();  // reported before the 500 is sent
  EXPECT_EQ(e.count, 2);
  EXPECT_EQ(e.last, "GET /_test/throw: the handler threw: TEST_AddThrowingRoute");
  EXPECT_EQ(e.Summary(),
            "the mock failed 2 requests (a handler threw; the last: GET /_test/throw: the "
            "handler threw: TEST_AddThrowingRoute)");
  p.Stop();
}

TEST(MockProviderHandlerErrorsTest, OnErrorIsStillToldWhenSet) {
  std::mutex mu;
  std::vector<std::string> told;
  MockOptions o = Options(Flavor::kCometApi);
  o.on_error = [&](const std::string& message) {
    std::lock_guard<std::mutex> lock(mu);
    told.push_back(message);
  };
  MockProvider p(o);
  p.TEST_AddThrowingRoute("/_test/throw");
  ASSERT_OK(p.Start());
  EXPECT_EQ(HttpGet(p.base_url() + "/_test/throw").status, 500);
  p.Stop();
  EXPECT_EQ(p.handler_errors().count, 1);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(told,
            std::vector<std::string>{"GET /_test/throw: the handler threw: TEST_AddThrowingRoute"});
}

}  // namespace
}  // namespace rollgate::mock
