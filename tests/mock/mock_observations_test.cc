// What the mock records of a client over real loopback HTTP: identity, request shape, attempts
// per status, Retry-After, and when the client hung up on a stall. Driven by rollgate's own
// curl client (probe/curl_transport), the tests' curl client, and a raw socket that hangs up
// exactly when the test says.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "base/secret.h"
#include "mock/mock_provider.h"
#include "mock/mock_raw_client.h"
#include "mock/mock_test_util.h"
#include "probe/curl_transport.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/test_http_client.h"
#include "testutil/wait_until.h"

namespace rollgate::mock {
namespace {

using nlohmann::json;
using ::rollgate::testing::ChatBody;
using ::rollgate::testing::ChatBodyOptions;
using ::rollgate::testing::Fetch;
using ::rollgate::testing::HttpGet;
using ::rollgate::testing::MockServer;
using ::rollgate::testing::TestRequest;
using ::rollgate::testing::TestResponse;
using ::rollgate::testing::WaitUntil;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testutil::kKey;
using testutil::RawClient;
using testutil::RawPost;

constexpr char kObsPrompt[] = "return {\"ok\":true,\"label\":\"obs-label-7f3a\"}";

MockOptions ObsOptions(const std::string& scenario, int slow_ms = 10000) {
  MockOptions o = testutil::Options(Flavor::kOpenAi, scenario);
  o.slow_ms = slow_ms;
  return o;
}

std::string ObsStreamBody() {
  ChatBodyOptions o;
  o.stream = true;
  o.include_usage = true;
  o.user = kObsPrompt;
  return ChatBody(o);
}

// One POST through rollgate's own client (src/probe/curl_transport), with its timeout.
internal::HttpExchange ObsCurlPost(const std::string& url, const std::string& body,
                                   int timeout_ms) {
  internal::CurlTransport transport;
  internal::HttpRequest req;
  req.url = url;
  req.body = body;
  req.timeout_ms = timeout_ms;
  req.headers = {{"Authorization", std::string("Bearer ") + kKey},
                 {"Content-Type", "application/json"}};
  std::optional<internal::HttpExchange> out;
  transport.Start(req, nullptr, [&](internal::HttpExchange ex) { out = std::move(ex); });
  transport.Run();
  return out.value_or(internal::HttpExchange());
}

// Waits (bounded) until the mock has noted that the client of attempt `index` hung up.
bool ObsClosed(MockProvider& p, std::size_t index = 0) {
  return WaitUntil([&] {
    Observations o = p.observations();
    return o.log.size() > index && o.log[index].client_closed_ms >= 0;
  });
}

TEST(MockObservationsTest, RecordsTheRequestShapeAndIdentityButNoSecretOrPrompt) {
  MockServer mock(ObsOptions("ok"));
  ASSERT_OK(mock.status());
  ChatBodyOptions body;
  body.user = kObsPrompt;
  body.max_tokens = 40;
  TestResponse r = mock.Chat(
      ChatBody(body), kKey,
      {"User-Agent: OpenAI/JS 6.49.0", "X-Stainless-Lang: js",
       "X-Stainless-Package-Version: 6.49.0", "X-Stainless-Runtime: node",
       "X-Stainless-Runtime-Version: v18.20.4", "X-Stainless-OS: Linux",
       "X-Stainless-Retry-Count: 0", "X-Stainless-Timeout: 600", "X-Client-Request-Id: obs-1"});
  ASSERT_EQ(r.status, 200);

  Observations o = mock.provider().observations();
  ASSERT_EQ(o.requests, 1);
  ASSERT_EQ(o.clients.size(), 1u);
  EXPECT_EQ(o.clients[0].user_agent, "OpenAI/JS 6.49.0");
  EXPECT_EQ(o.clients[0].sdk, "OpenAI/JS");
  EXPECT_EQ(o.clients[0].sdk_version, "6.49.0");
  EXPECT_EQ(o.clients[0].runtime, "node v18.20.4");
  ASSERT_EQ(o.request_shapes.size(), 1u);
  const RequestShape& shape = o.request_shapes[0];
  EXPECT_THAT(shape.fields, ElementsAre("max_tokens", "messages", "model", "temperature"));
  EXPECT_THAT(shape.headers,
              ::testing::IsSupersetOf({"authorization", "content-type", "user-agent",
                                       "x-stainless-package-version", "x-client-request-id"}));
  EXPECT_TRUE(std::is_sorted(shape.headers.begin(), shape.headers.end()));
  EXPECT_EQ(shape.model, "gpt-4o-mini");
  EXPECT_FALSE(shape.stream);
  EXPECT_EQ(shape.token_field, "max_tokens");
  const ObservedAttempt& a = o.log[0];
  EXPECT_EQ(a.key_fingerprint, internal::KeyFingerprint(kKey));
  EXPECT_EQ(a.client_request_id, "obs-1");
  EXPECT_EQ(a.retry_count, 0);
  EXPECT_EQ(a.declared_timeout_s, 600);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.outcome, "200");
  EXPECT_TRUE(a.complete);
  EXPECT_GE(a.answered_ms, a.arrived_ms);
  EXPECT_EQ(o.attempts, (std::map<std::string, int64_t>{{"200", 1}}));

  // The same over HTTP, and neither the key nor the prompt is anywhere in it.
  TestResponse served = HttpGet(mock.Url("/_mock/observations"));
  ASSERT_EQ(served.status, 200);
  json j = json::parse(served.body);
  EXPECT_EQ(j["clients"][0]["sdk_version"], "6.49.0");
  EXPECT_EQ(j["request_shapes"][0]["token_field"], "max_tokens");
  EXPECT_EQ(j["log"][0]["key_fingerprint"], internal::KeyFingerprint(kKey));
  EXPECT_THAT(served.body, Not(HasSubstr(kKey)));
  EXPECT_THAT(served.body, Not(HasSubstr("obs-label-7f3a")));
  EXPECT_THAT(served.body, Not(HasSubstr("Bearer")));
}

TEST(MockObservationsTest, RecordsStreamShapeAndTheCompletionTokenField) {
  MockServer mock(ObsOptions("ok"));
  ASSERT_OK(mock.status());
  std::string body = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],)"
                     R"("stream":true,"stream_options":{"include_usage":true},)"
                     R"("max_completion_tokens":40})";
  ASSERT_EQ(mock.Chat(body, kKey).status, 200);
  Observations o = mock.provider().observations();
  ASSERT_EQ(o.request_shapes.size(), 1u);
  EXPECT_TRUE(o.request_shapes[0].stream);
  EXPECT_TRUE(o.request_shapes[0].stream_options_include_usage);
  EXPECT_EQ(o.request_shapes[0].token_field, "max_completion_tokens");
  EXPECT_THAT(o.request_shapes[0].fields, ElementsAre("max_completion_tokens", "messages", "model",
                                                      "stream", "stream_options"));
  ASSERT_TRUE(WaitUntil([&] { return mock.provider().observations().log[0].complete; }));
  EXPECT_EQ(mock.provider().observations().log[0].client_closed_ms, -1);
}

TEST(MockObservationsTest, CountsAttemptsPerInjectedStatus) {
  struct Case {
    const char* scenario;
    int status;
  };
  for (Case c : {Case{"status-400", 400}, Case{"rotated-key", 401}, Case{"status-403", 403},
                 Case{"status-404", 404}, Case{"status-422", 422}, Case{"rate-limited", 429},
                 Case{"status-500", 500}, Case{"status-503", 503}}) {
    SCOPED_TRACE(c.scenario);
    for (Flavor flavor : {Flavor::kOpenAi, Flavor::kCometApi}) {
      MockOptions opts = ObsOptions(c.scenario);
      opts.flavor = flavor;
      MockServer mock(opts);
      ASSERT_OK(mock.status());
      for (int i = 0; i < 3; ++i) {
        TestResponse r = mock.Chat(ChatBody(), kKey, {"X-Client-Request-Id: probe-x"});
        ASSERT_EQ(r.status, c.status);
        EXPECT_TRUE(testutil::Json(r)["error"].is_object()) << r.body;  // the flavour's envelope
      }
      Observations o = mock.provider().observations(ObservationQuery::ClientRequestId("probe-x"));
      EXPECT_EQ(o.attempts, (std::map<std::string, int64_t>{{std::to_string(c.status), 3}}));
      EXPECT_EQ(o.log[0].scenario, c.scenario);
      EXPECT_GE(o.log[1].delay_ms, 0);
    }
  }
}

TEST(MockObservationsTest, JudgesWhetherRetryAfterWasHonoured) {
  MockOptions opts = ObsOptions("rate-limited");
  opts.retry_after_ms = 200;
  MockServer mock(opts);
  ASSERT_OK(mock.status());
  TestResponse first = mock.Chat(ChatBody(), kKey, {"X-Client-Request-Id: patient"});
  ASSERT_EQ(first.status, 429);
  ASSERT_NE(first.Header("retry-after-ms"), nullptr);
  EXPECT_EQ(*first.Header("retry-after-ms"), "200");
  // The client under test: one that waits as asked, then one that does not. The sleep is the
  // client's behaviour being observed, not synchronisation.
  std::this_thread::sleep_for(std::chrono::milliseconds(260));
  mock.Chat(ChatBody(), kKey, {"X-Client-Request-Id: patient"});
  mock.Chat(ChatBody(), kKey, {"X-Client-Request-Id: eager"});
  mock.Chat(ChatBody(), kKey, {"X-Client-Request-Id: eager"});

  Observations patient = mock.provider().observations(ObservationQuery::ClientRequestId("patient"));
  ASSERT_EQ(patient.retry_after_waits.size(), 1u);
  EXPECT_EQ(patient.retry_after_waits[0].asked_ms, 200);
  EXPECT_GE(patient.retry_after_waits[0].waited_ms, 200);
  EXPECT_EQ(patient.retry_after_honoured, true);
  EXPECT_EQ(patient.log[0].retry_after_ms, 200);

  Observations eager = mock.provider().observations(ObservationQuery::ClientRequestId("eager"));
  EXPECT_EQ(eager.retry_after_honoured, false);
  EXPECT_EQ(eager.attempts["429"], 2);

  json j = json::parse(HttpGet(mock.Url("/_mock/observations?client_request_id=eager")).body);
  EXPECT_EQ(j["requests"], 2);
  EXPECT_EQ(j["retry_after"]["honoured"], false);
}

TEST(MockObservationsTest, MeasuresTheClientTimeoutBeforeTheHeaders) {
  MockServer mock(ObsOptions("stall-headers"));
  ASSERT_OK(mock.status());
  internal::HttpExchange ex = ObsCurlPost(mock.Url("/v1/chat/completions"), ChatBody(), 300);
  EXPECT_EQ(ex.error, internal::TransportError::kTimeout);
  EXPECT_EQ(ex.status, 0);
  ASSERT_TRUE(ObsClosed(mock.provider()));
  Observations o = mock.provider().observations();
  EXPECT_EQ(o.attempts, (std::map<std::string, int64_t>{{"timeout", 1}}));
  EXPECT_EQ(o.log[0].status, 0);
  EXPECT_EQ(o.log[0].stall, StallKind::kHeaders);
  EXPECT_EQ(o.headers_timeout.stalls, 1);
  EXPECT_EQ(o.headers_timeout.hung_up, 1);
  ASSERT_TRUE(o.headers_timeout.timeout_ms.has_value());
  EXPECT_GE(*o.headers_timeout.timeout_ms, 250);  // curl's 300 ms, from the stall's start
  EXPECT_LT(*o.headers_timeout.timeout_ms, 3000);
  EXPECT_EQ(o.headers_timeout.stall_limit_ms, 10000);
  EXPECT_EQ(o.body_timeout.stalls, 0);
}

TEST(MockObservationsTest, StallHeadersCutsAClientThatNeverGivesUp) {
  MockServer mock(ObsOptions("stall-headers", 300));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);  // the test client waits 15 s
  EXPECT_FALSE(r.transport_ok);
  EXPECT_EQ(r.status, 0);  // no status line ever
  EXPECT_LT(r.total_ms, 5000);
  Observations o = mock.provider().observations();
  EXPECT_EQ(o.headers_timeout.stalls, 1);
  EXPECT_EQ(o.headers_timeout.hung_up, 0);
  EXPECT_FALSE(o.headers_timeout.timeout_ms.has_value());
  EXPECT_EQ(o.log[0].client_closed_ms, -1);
  EXPECT_EQ(mock.provider().stats().by_status.count(200), 0u);
}

TEST(MockObservationsTest, SlowRecordsAHeadersStallAndStillAnswers) {
  MockServer mock(ObsOptions("slow", 200));
  ASSERT_OK(mock.status());
  EXPECT_EQ(mock.Chat(ChatBody(), kKey).status, 200);
  Observations o = mock.provider().observations();
  EXPECT_EQ(o.log[0].status, 200);
  EXPECT_EQ(o.log[0].outcome, "timeout");
  EXPECT_EQ(o.headers_timeout.stalls, 1);
  EXPECT_EQ(o.headers_timeout.hung_up, 0);
}

TEST(MockObservationsTest, MeasuresTheClientTimeoutMidBody) {
  MockServer mock(ObsOptions("stall-mid-body"));
  ASSERT_OK(mock.status());
  TestRequest req;
  req.method = "POST";
  req.url = mock.Url("/v1/chat/completions");
  req.body = ChatBody();
  req.headers = {std::string("Authorization: Bearer ") + kKey, "Content-Type: application/json"};
  req.timeout_ms = 400;
  TestResponse r = Fetch(req);
  EXPECT_EQ(r.status, 200);      // the headers came
  EXPECT_FALSE(r.transport_ok);  // the body never finished
  EXPECT_FALSE(r.body.empty());  // half of it arrived
  ASSERT_TRUE(ObsClosed(mock.provider()));
  Observations o = mock.provider().observations();
  EXPECT_EQ(o.log[0].stall, StallKind::kBody);
  EXPECT_EQ(o.log[0].outcome, "timeout");
  EXPECT_FALSE(o.log[0].complete);
  EXPECT_EQ(o.body_timeout.hung_up, 1);
  ASSERT_TRUE(o.body_timeout.timeout_ms.has_value());
  EXPECT_LT(*o.body_timeout.timeout_ms, 3000);
  EXPECT_EQ(o.headers_timeout.stalls, 0);
}

TEST(MockObservationsTest, SeesTheMomentAClientHangsUpMidStream) {
  for (const char* scenario : {"stream-stall", "stall-mid-body"}) {
    SCOPED_TRACE(scenario);
    MockServer mock(ObsOptions(scenario));
    ASSERT_OK(mock.status());
    RawClient client(mock.provider().port());
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.Send(RawPost("/v1/chat/completions", kKey, ObsStreamBody())));
    ASSERT_TRUE(client.ReadUntil("\"content\"", 5000));  // a content chunk: now it stalls
    ASSERT_TRUE(WaitUntil(
        [&] { return mock.provider().observations().log[0].stall == StallKind::kStream; }));
    int64_t hung_up_at = mock.provider().now_ms();
    client.Close();
    ASSERT_TRUE(ObsClosed(mock.provider()));
    Observations o = mock.provider().observations();
    const ObservedAttempt& a = o.log[0];
    EXPECT_GE(a.client_closed_ms, hung_up_at);
    EXPECT_LT(a.client_closed_ms - hung_up_at, 500);  // seen at once, not at the stall's end
    EXPECT_EQ(o.stream_timeout.hung_up, 1);
    EXPECT_EQ(o.stream_timeout.timeout_ms, a.client_closed_ms - a.stall_started_ms);
    EXPECT_FALSE(a.complete);
  }
}

TEST(MockObservationsTest, SeesAClientLeaveAPacedStreamWithoutAStall) {
  MockOptions opts = ObsOptions("ok");
  opts.chunk_interval_ms = 100;
  MockServer mock(opts);
  ASSERT_OK(mock.status());
  RawClient client(mock.provider().port());
  ASSERT_TRUE(client.Send(RawPost("/v1/chat/completions", kKey, ObsStreamBody())));
  ASSERT_TRUE(client.ReadUntil("data: ", 5000));
  int64_t hung_up_at = mock.provider().now_ms();
  client.Close();
  ASSERT_TRUE(ObsClosed(mock.provider()));
  const ObservedAttempt a = mock.provider().observations().log[0];
  EXPECT_EQ(a.stall, StallKind::kNone);
  EXPECT_EQ(a.outcome, "200");
  EXPECT_GE(a.client_closed_ms, hung_up_at);
  EXPECT_LT(a.client_closed_ms - hung_up_at, 500);
  EXPECT_FALSE(a.complete);
}

TEST(MockObservationsTest, SessionsKeepClientsApartAndPickTheirScenario) {
  MockOptions opts = ObsOptions("ok");
  opts.scenario_for_session["rollback"] = "rotated-key";
  MockServer mock(opts);
  ASSERT_OK(mock.status());
  Result<std::string> url = mock.provider().OpenSession("rollback");
  ASSERT_OK(url.status());
  EXPECT_EQ(*url, mock.provider().base_url() + "/_session/rollback");
  EXPECT_FALSE(mock.provider().OpenSession("a/b").ok());
  EXPECT_FALSE(mock.provider().OpenSession("").ok());

  auto post = [&](const std::string& base, const std::string& agent) {
    return ::rollgate::testing::HttpPost(
        base + "/v1/chat/completions", ChatBody(),
        {std::string("Authorization: Bearer ") + kKey, "Content-Type: application/json",
         "User-Agent: " + agent});
  };
  EXPECT_EQ(post(*url, "app-v1/1.0").status, 401);  // the session's scenario
  EXPECT_EQ(post(*url, "app-v1/1.0").status, 401);
  EXPECT_EQ(post(mock.provider().base_url(), "app-v2/2.0").status, 200);
  EXPECT_EQ(HttpGet(*url + "/v1/models",
                    {std::string("Authorization: Bearer ") + kKey, "User-Agent: app-v1/1.0"})
                .status,
            401);

  Observations rollback = mock.provider().observations(ObservationQuery::Session("rollback"));
  EXPECT_EQ(rollback.requests, 3);
  EXPECT_EQ(rollback.attempts, (std::map<std::string, int64_t>{{"401", 2}}));
  ASSERT_EQ(rollback.clients.size(), 1u);
  EXPECT_EQ(rollback.clients[0].sdk, "app-v1");
  EXPECT_EQ(rollback.log[0].path, "/v1/chat/completions");
  EXPECT_EQ(rollback.log[2].path, "/v1/models");
  EXPECT_EQ(mock.provider().observations().requests, 4);

  json j = json::parse(HttpGet(mock.Url("/_mock/observations?session=rollback")).body);
  EXPECT_EQ(j["attempts"]["401"], 2);
  EXPECT_EQ(j["log"][0]["session"], "rollback");
  EXPECT_EQ(json::parse(HttpGet(mock.Url("/_mock/observations?key_fingerprint=" +
                                         internal::KeyFingerprint(kKey)))
                            .body)["requests"],
            4);

  mock.provider().ResetStats();
  EXPECT_EQ(mock.provider().observations().requests, 0);
}

TEST(MockObservationsTest, RejectsABadSessionScenario) {
  MockOptions opts = ObsOptions("ok");
  opts.scenario_for_session["new"] = "no-such-scenario";
  MockProvider bad_scenario(opts);
  EXPECT_THAT(bad_scenario.Start().message(), HasSubstr("scenario_for_session"));
  opts.scenario_for_session = {{"bad name", "ok"}};
  MockProvider bad_name(opts);
  EXPECT_THAT(bad_name.Start().message(), HasSubstr("bad session name"));
}

// The faults a client must report as errors, not content, are told apart in the log.
TEST(MockObservationsTest, NamesTheAnswerEveryFaultGot) {
  for (const char* scenario : {"error-in-200", "stream-error", "stream-cut"}) {
    SCOPED_TRACE(scenario);
    MockServer mock(ObsOptions(scenario));
    ASSERT_OK(mock.status());
    TestResponse r = mock.Chat(ObsStreamBody(), kKey);
    EXPECT_EQ(r.status, 200);
    ASSERT_TRUE(WaitUntil([&] { return mock.provider().observations().log[0].complete; }));
    const ObservedAttempt a = mock.provider().observations().log[0];
    EXPECT_EQ(a.scenario, scenario);
    EXPECT_EQ(a.outcome, "200");
  }
}

}  // namespace
}  // namespace rollgate::mock
