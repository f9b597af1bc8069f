// Each fault scenario's observable behaviour over real loopback HTTP. A scenario that a client
// could not tell apart from "ok" would be useless to `rollgate rehearse`, so every test here
// asserts on what a client sees.
#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/strings.h"
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
using ::rollgate::testing::MockServer;
using ::rollgate::testing::TestResponse;
using ::rollgate::testing::WaitUntil;
using ::testing::HasSubstr;
using ::testing::Not;
using testutil::Content;
using testutil::EndsWithDone;
using testutil::Json;
using testutil::kKey;
using testutil::kSmoke;
using testutil::StreamChunks;

// The scenario under test as the default scenario; slow_ms short enough for tests.
MockOptions With(const std::string& scenario, Flavor flavor = Flavor::kCometApi) {
  MockOptions o = testutil::Options(flavor, scenario);
  o.slow_ms = 400;
  return o;
}

std::string StreamBody(bool include_usage = true) {
  ChatBodyOptions o;
  o.stream = true;
  o.include_usage = include_usage;
  return ChatBody(o);
}

TEST(MockScenariosTest, RotatedKeyRejectsEvenTheRightKey) {
  MockServer mock(With("rotated-key"));
  ASSERT_OK(mock.status());
  EXPECT_EQ(mock.Chat(ChatBody(), kKey).status, 401);
  EXPECT_EQ(mock.Chat(StreamBody(), kKey).status, 401);
}

TEST(MockScenariosTest, ModelMissingAnswersTheFlavorsUnknownModelError) {
  MockServer comet(With("model-missing"));
  ASSERT_OK(comet.status());
  TestResponse c = comet.Chat(ChatBody(), kKey);
  EXPECT_EQ(c.status, 503);
  EXPECT_EQ(Json(c)["error"]["code"], "model_not_found");
  MockServer openai(With("model-missing", Flavor::kOpenAi));
  ASSERT_OK(openai.status());
  EXPECT_EQ(openai.Chat(ChatBody(), kKey).status, 404);
}

TEST(MockScenariosTest, SchemaDriftTurnsContentIntoParts) {
  MockServer mock(With("schema-drift"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  EXPECT_EQ(r.status, 200);
  json content = Json(r)["choices"][0]["message"]["content"];
  ASSERT_TRUE(content.is_array());
  EXPECT_EQ(content[0]["type"], "text");
  EXPECT_EQ(content[0]["text"], kSmoke);
}

TEST(MockScenariosTest, TruncatedCutsTheJsonAndSaysLength) {
  MockServer mock(With("truncated"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  std::string content = Content(r);
  EXPECT_EQ(Json(r)["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(std::string(kSmoke).rfind(content, 0), 0u);  // a prefix of the real answer
  EXPECT_LT(content.size(), std::string(kSmoke).size());
  EXPECT_TRUE(json::parse(content, nullptr, false).is_discarded());
}

TEST(MockScenariosTest, PromptIgnoredAnswersProse) {
  MockServer mock(With("prompt-ignored"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Content(r).find('{'), std::string::npos);
  EXPECT_EQ(Json(r)["choices"][0]["finish_reason"], "stop");
}

TEST(MockScenariosTest, ErrorIn200SendsAnErrorEnvelopeWithStatus200) {
  MockServer mock(With("error-in-200"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  EXPECT_EQ(r.status, 200);
  json b = Json(r);
  EXPECT_TRUE(b["error"]["message"].is_string());
  EXPECT_FALSE(b.contains("choices"));
}

TEST(MockScenariosTest, Html502IsAProxyPage) {
  MockServer mock(With("html-502", Flavor::kOpenAi));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  EXPECT_EQ(r.status, 502);
  ASSERT_NE(r.Header("content-type"), nullptr);
  EXPECT_EQ(*r.Header("content-type"), "text/html");
  EXPECT_THAT(r.body, HasSubstr("<h1>502 Bad Gateway</h1>"));
  EXPECT_TRUE(Json(r).is_discarded());
  EXPECT_EQ(r.Header("x-request-id"), nullptr);  // the proxy is not the provider
}

TEST(MockScenariosTest, RateLimitedSendsRetryAfter) {
  MockOptions o = With("rate-limited", Flavor::kOpenAi);
  o.retry_after_s = 7;
  MockServer mock(o);
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  EXPECT_EQ(r.status, 429);
  ASSERT_NE(r.Header("retry-after"), nullptr);
  EXPECT_EQ(*r.Header("retry-after"), "7");
  EXPECT_EQ(Json(r)["error"]["code"], "rate_limit_exceeded");
}

TEST(MockScenariosTest, Flaky5xxFailsTheFirstAttemptsOfEachProbe) {
  MockOptions o = With("flaky-5xx");
  o.flaky_failures = 2;
  MockServer mock(o);
  ASSERT_OK(mock.status());
  auto attempt = [&](const char* id) {
    std::vector<std::string> h;
    if (id != nullptr) h.push_back(std::string("X-Client-Request-Id: ") + id);
    return mock.Chat(ChatBody(), kKey, h);
  };
  TestResponse first = attempt("probe-1");
  EXPECT_EQ(first.status, 503);
  EXPECT_EQ(Json(first)["error"]["type"], "bad_response_status_code");
  EXPECT_EQ(attempt("probe-1").status, 503);
  EXPECT_EQ(attempt("probe-1").status, 200);
  EXPECT_EQ(attempt("probe-1").status, 200);
  EXPECT_EQ(attempt("probe-2").status, 503);  // a new probe starts over
  // Without the header the count is global.
  EXPECT_EQ(attempt(nullptr).status, 503);
  EXPECT_EQ(attempt(nullptr).status, 503);
  EXPECT_EQ(attempt(nullptr).status, 200);
  EXPECT_EQ(mock.provider().stats().by_client_request_id["probe-1"], 4);
}

TEST(MockScenariosTest, SlowWaitsBeforeAnswering) {
  MockServer mock(With("slow"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(r.first_byte_ms, 390);
  EXPECT_EQ(Content(r), kSmoke);
}

TEST(MockScenariosTest, SlowBodyTricklesAfterPromptHeaders) {
  MockServer mock(With("slow-body"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  ASSERT_TRUE(r.transport_ok) << r.error;
  EXPECT_EQ(Content(r), kSmoke);  // the body is fine once it has all arrived
  ASSERT_NE(r.Header("content-length"), nullptr);
  EXPECT_LT(r.first_byte_ms, 200);
  EXPECT_GT(r.chunks.size(), 10u);
  EXPECT_GT(r.chunks.back().at_ms - r.chunks.front().at_ms, 300);
}

TEST(MockScenariosTest, StreamCutEndsWithoutFinishOrDone) {
  MockServer mock(With("stream-cut"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(StreamBody(), kKey);
  EXPECT_TRUE(r.transport_ok) << r.error;  // a clean end, not a reset
  EXPECT_FALSE(EndsWithDone(r));
  std::vector<json> chunks = StreamChunks(r);
  ASSERT_GE(chunks.size(), 2u);
  for (const json& c : chunks) EXPECT_TRUE(c["choices"][0]["finish_reason"].is_null());
  EXPECT_EQ(Content(mock.Chat(ChatBody(), kKey)), kSmoke);  // non-streaming is unaffected
}

TEST(MockScenariosTest, StreamErrorSendsAnErrorEvent) {
  MockServer mock(With("stream-error"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(StreamBody(), kKey);
  EXPECT_EQ(r.status, 200);
  std::vector<json> chunks = StreamChunks(r);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[1]["choices"][0]["delta"]["content"], "{\"ok");
  EXPECT_TRUE(chunks[2]["error"]["message"].is_string());
  EXPECT_FALSE(EndsWithDone(r));
  EXPECT_EQ(Content(mock.Chat(ChatBody(), kKey)), kSmoke);
}

TEST(MockScenariosTest, StreamNoUsageNeverSendsTheUsageChunk) {
  MockServer mock(With("stream-no-usage"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(StreamBody(/*include_usage=*/true), kKey);
  EXPECT_TRUE(EndsWithDone(r));
  for (const json& c : StreamChunks(r)) {
    EXPECT_FALSE(c.contains("usage"));
    EXPECT_FALSE(c["choices"].empty());
  }
  EXPECT_TRUE(Json(mock.Chat(ChatBody(), kKey))["usage"].is_object());
}

TEST(MockScenariosTest, NoRequestIdLeavesNoIdAnywhere) {
  MockServer openai(With("no-request-id", Flavor::kOpenAi));
  ASSERT_OK(openai.status());
  EXPECT_EQ(openai.Chat(ChatBody(), kKey).Header("x-request-id"), nullptr);
  EXPECT_EQ(openai.Chat(ChatBody(), "sk-bad-bad-bad").Header("x-request-id"), nullptr);
  MockServer comet(With("no-request-id"));
  ASSERT_OK(comet.status());
  TestResponse denied = comet.Chat(ChatBody(), "sk-bad-bad-bad");
  EXPECT_EQ(denied.status, 401);
  EXPECT_THAT(denied.body, Not(HasSubstr("request id")));
}

TEST(MockScenariosTest, AcceptAnyKeyLetsEverythingIn) {
  MockServer mock(With("accept-any-key"));
  ASSERT_OK(mock.status());
  EXPECT_EQ(mock.Chat(ChatBody(), "sk-rollgate-deliberately-invalid").status, 200);
  EXPECT_EQ(mock.Chat(ChatBody(), "").status, 200);
}

TEST(MockScenariosTest, WrongContentTypeServesJsonAsText) {
  MockServer mock(With("wrong-content-type"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  ASSERT_NE(r.Header("content-type"), nullptr);
  EXPECT_EQ(*r.Header("content-type"), "text/plain");
  EXPECT_EQ(Content(r), kSmoke);
}

TEST(MockScenariosTest, InvalidUtf8PutsRawBytesInTheContent) {
  MockServer mock(With("invalid-utf8"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(internal::IsValidUtf8(r.body));
  EXPECT_THAT(r.body, HasSubstr("\xff\xfe"));
  EXPECT_TRUE(Json(r).is_discarded());  // a strict JSON parser refuses it
}

TEST(MockScenariosTest, OversizedBodyIsValidJsonOfAboutTwoMebibytes) {
  MockServer mock(With("oversized-body"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  ASSERT_TRUE(r.transport_ok) << r.error;
  EXPECT_GT(r.body.size(), 2u << 20);
  EXPECT_LT(r.body.size(), 3u << 20);
  EXPECT_EQ(Content(r), kSmoke);
}

TEST(MockScenariosTest, ResetMidBodyDeclaresTheLengthAndSendsHalf) {
  MockServer mock(With("reset-mid-body"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.transport_ok);
  EXPECT_EQ(r.curl_code, CURLE_PARTIAL_FILE) << r.error;
  ASSERT_NE(r.Header("content-length"), nullptr);
  std::size_t declared = std::stoul(*r.Header("content-length"));
  EXPECT_EQ(r.body.size(), declared / 2);
  TestResponse stream = mock.Chat(StreamBody(), kKey);
  EXPECT_FALSE(stream.transport_ok);
  EXPECT_FALSE(EndsWithDone(stream));
}

TEST(MockScenariosTest, EmptyChoicesSendsAnEmptyArray) {
  MockServer mock(With("empty-choices"));
  ASSERT_OK(mock.status());
  json b = Json(mock.Chat(ChatBody(), kKey));
  ASSERT_TRUE(b["choices"].is_array());
  EXPECT_TRUE(b["choices"].empty());
  EXPECT_TRUE(b["usage"].is_object());
}

TEST(MockScenariosTest, StreamStallGoesSilentThenDrops) {
  MockServer mock(With("stream-stall"));  // slow_ms = 400
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(StreamBody(), kKey);
  EXPECT_FALSE(r.transport_ok);
  EXPECT_FALSE(EndsWithDone(r));
  ASSERT_EQ(StreamChunks(r).size(), 2u);  // the role chunk and one content chunk
  EXPECT_GE(r.total_ms - r.chunks.back().at_ms, 350);
  EXPECT_EQ(Content(mock.Chat(ChatBody(), kKey)), kSmoke);
}

TEST(MockScenariosTest, StreamSchemaDriftSendsCompletionObjectsAsChunks) {
  MockServer mock(With("stream-schema-drift"));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(StreamBody(), kKey);
  std::vector<json> chunks = StreamChunks(r);
  ASSERT_FALSE(chunks.empty());
  for (const json& c : chunks) {
    EXPECT_EQ(c["object"], "chat.completion");
    EXPECT_FALSE(c["choices"][0].contains("delta"));
    EXPECT_TRUE(c["choices"][0].contains("message"));
  }
  EXPECT_EQ(Content(mock.Chat(ChatBody(), kKey)), kSmoke);
}

TEST(MockScenariosTest, PrimaryModelDownFailsOnlyThePrimary) {
  MockOptions o = With("primary-model-down");
  o.models = {"gpt-5.4", "gpt-4o-mini"};
  MockServer mock(o);
  ASSERT_OK(mock.status());
  ChatBodyOptions primary;
  primary.model = "gpt-5.4";
  TestResponse down = mock.Chat(ChatBody(primary), kKey);
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(Json(down)["error"]["code"], "model_not_found");
  EXPECT_EQ(mock.Chat(ChatBody(), kKey).status, 200);  // the fallback model works

  MockOptions explicit_down = With("primary-model-down", Flavor::kOpenAi);
  explicit_down.down_models = {"gpt-4o-mini"};
  MockServer mock2(explicit_down);
  ASSERT_OK(mock2.status());
  EXPECT_EQ(mock2.Chat(ChatBody(), kKey).status, 503);
  EXPECT_EQ(mock2.Chat(ChatBody(primary), kKey).status, 200);
}

// The scenarios that are not stream-only bend a stream request too, in the stream's shape.
TEST(MockScenariosTest, OtherScenariosAlsoBendStreams) {
  {
    MockServer mock(With("schema-drift"));
    ASSERT_OK(mock.status());
    std::vector<json> chunks = StreamChunks(mock.Chat(StreamBody(), kKey));
    ASSERT_GE(chunks.size(), 2u);
    EXPECT_TRUE(chunks[1]["choices"][0]["delta"]["content"].is_array());
  }
  {
    MockServer mock(With("empty-choices"));
    ASSERT_OK(mock.status());
    for (const json& c : StreamChunks(mock.Chat(StreamBody(), kKey))) {
      EXPECT_TRUE(c["choices"].empty());
    }
  }
  {
    MockServer mock(With("wrong-content-type"));
    ASSERT_OK(mock.status());
    TestResponse r = mock.Chat(StreamBody(), kKey);
    EXPECT_EQ(*r.Header("content-type"), "text/plain");
    EXPECT_TRUE(EndsWithDone(r));
  }
  {
    MockServer mock(With("error-in-200"));
    ASSERT_OK(mock.status());
    TestResponse r = mock.Chat(StreamBody(), kKey);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(*r.Header("content-type"), "application/json");
    EXPECT_TRUE(Json(r)["error"].is_object());
  }
  {
    MockServer mock(With("invalid-utf8"));
    ASSERT_OK(mock.status());
    TestResponse r = mock.Chat(StreamBody(), kKey);
    EXPECT_FALSE(internal::IsValidUtf8(r.body));
    EXPECT_TRUE(EndsWithDone(r));
  }
}

// Stop() must not wait for a scenario's sleep to run out.
TEST(MockScenariosTest, StopReturnsPromptlyDuringSlowAndStall) {
  for (const char* scenario :
       {"slow", "stream-stall", "slow-body", "stall-headers", "stall-mid-body"}) {
    SCOPED_TRACE(scenario);
    MockOptions o = With(scenario);
    o.slow_ms = 60000;
    o.latency_ms = 0;
    auto mock = std::make_unique<MockServer>(o);
    ASSERT_OK(mock->status());
    TestResponse r;
    std::thread client([&] { r = mock->Chat(StreamBody(), kKey); });
    ASSERT_TRUE(WaitUntil([&] { return mock->provider().stats().requests_total == 1; }));
    double ms = ElapsedMs([&] { mock->provider().Stop(); });
    client.join();
    EXPECT_LT(ms, 3000);
    EXPECT_FALSE(r.transport_ok && EndsWithDone(r));
  }
}

}  // namespace
}  // namespace rollgate::mock
