// The mock provider over real loopback HTTP, for both flavors: auth, errors, answers, streams,
// routes. Statistics, latency, concurrency and Start(): mock_provider_ops_test.cc. Fault
// scenarios: mock_scenarios_test.cc.
#include "mock/mock_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mock/mock_test_util.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/test_http_client.h"

namespace rollgate::mock {
namespace {

using nlohmann::json;
using ::rollgate::testing::ChatBody;
using ::rollgate::testing::ChatBodyOptions;
using ::rollgate::testing::HttpGet;
using ::rollgate::testing::MockServer;
using ::rollgate::testing::TestResponse;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using testutil::ErrorMessage;
using testutil::Json;
using testutil::kKey;
using testutil::kSmoke;
using testutil::Options;
using testutil::StreamChunks;

class MockProviderTest : public ::testing::TestWithParam<Flavor> {};

INSTANTIATE_TEST_SUITE_P(MockFlavors, MockProviderTest,
                         ::testing::Values(Flavor::kCometApi, Flavor::kOpenAi),
                         [](const auto& param_info) {
                           return param_info.param == Flavor::kOpenAi ? "OpenAi" : "CometApi";
                         });

TEST_P(MockProviderTest, AnswersTheSmokePromptExactly) {
  MockServer mock(Options(GetParam()));
  ASSERT_OK(mock.status());
  TestResponse r = mock.Chat(ChatBody(), kKey);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_NE(r.Header("content-type"), nullptr);
  EXPECT_EQ(*r.Header("content-type"), "application/json");
  json b = Json(r);
  EXPECT_THAT(b["id"].get<std::string>(), MatchesRegex("chatcmpl-[A-Za-z0-9]+"));
  EXPECT_EQ(b["object"], "chat.completion");
  EXPECT_NEAR(b["created"].get<double>(), static_cast<double>(std::time(nullptr)), 60);
  EXPECT_EQ(b["choices"][0]["message"]["content"], kSmoke);
  EXPECT_EQ(b["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(b["service_tier"], "default");
  EXPECT_TRUE(b["system_fingerprint"].is_string());
  const json& u = b["usage"];
  EXPECT_EQ(u["completion_tokens"], 9);  // 36 characters
  EXPECT_GT(u["prompt_tokens"].get<int>(), 0);
  EXPECT_EQ(u["total_tokens"].get<int>(),
            u["prompt_tokens"].get<int>() + u["completion_tokens"].get<int>());
}

TEST_P(MockProviderTest, EchoesTheRequestedLabelAndAnswersOtherPromptsWithASentence) {
  MockServer mock(Options(GetParam()));
  ASSERT_OK(mock.status());
  ChatBodyOptions o;
  o.user = "Return {\"ok\":true,\"label\":\"v2.4.0-canary\"}";
  EXPECT_EQ(Json(mock.Chat(ChatBody(o), kKey))["choices"][0]["message"]["content"],
            R"({"ok":true,"label":"v2.4.0-canary"})");
  o.user = "Tell me a joke.";
  std::string content = Json(mock.Chat(ChatBody(o), kKey))["choices"][0]["message"]["content"];
  EXPECT_FALSE(content.empty());
  EXPECT_EQ(content.find('{'), std::string::npos);
}

TEST_P(MockProviderTest, SmallMaxTokensCutsTheAnswerWithFinishReasonLength) {
  MockServer mock(Options(GetParam()));
  ASSERT_OK(mock.status());
  ChatBodyOptions o;
  o.max_tokens = 4;
  json b = Json(mock.Chat(ChatBody(o), kKey));
  EXPECT_EQ(b["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(b["choices"][0]["message"]["content"], std::string(kSmoke).substr(0, 16));
  EXPECT_EQ(b["usage"]["completion_tokens"], 4);
  o.max_tokens = 40;
  EXPECT_EQ(Json(mock.Chat(ChatBody(o), kKey))["choices"][0]["finish_reason"], "stop");
}

TEST_P(MockProviderTest, RejectsMissingAndWrongKeysWithoutEchoingThem) {
  MockServer mock(Options(GetParam()));
  ASSERT_OK(mock.status());
  const std::string wrong = "sk-wrong-SECRETSECRET42";
  for (const auto& [key, what] :
       {std::pair<std::string, const char*>{wrong, "wrong"}, {"", "missing"}}) {
    SCOPED_TRACE(what);
    TestResponse r = mock.Chat(ChatBody(), key);
    EXPECT_EQ(r.status, 401);
    json err = Json(r)["error"];
    EXPECT_TRUE(err["message"].is_string());
    EXPECT_TRUE(err["type"].is_string());
    EXPECT_THAT(r.body, Not(HasSubstr("SECRET")));
    EXPECT_THAT(r.body, Not(HasSubstr("sk-")));
    for (const auto& [name, value] : r.headers) EXPECT_THAT(value, Not(HasSubstr("SECRET")));
  }
  EXPECT_EQ(mock.Chat(ChatBody(), kKey).status, 200);
  // A non-Bearer scheme is no token at all.
  TestResponse basic = testing::HttpPost(mock.Url("/v1/chat/completions"), ChatBody(),
                                         {std::string("Authorization: Basic ") + kKey});
  EXPECT_EQ(basic.status, 401);
  EXPECT_THAT(basic.body, Not(HasSubstr(kKey)));
}

TEST_P(MockProviderTest, WithoutConfiguredKeysAnyNonEmptyTokenIsAccepted) {
  MockOptions o = Options(GetParam());
  o.keys.clear();
  MockServer mock(o);
  ASSERT_OK(mock.status());
  EXPECT_EQ(mock.Chat(ChatBody(), "anything").status, 200);
  EXPECT_EQ(mock.Chat(ChatBody(), "").status, 401);
}

TEST_P(MockProviderTest, RequestIdsFollowTheFlavor) {
  MockServer mock(Options(GetParam()));
  ASSERT_OK(mock.status());
  TestResponse ok1 = mock.Chat(ChatBody(), kKey);
  TestResponse ok2 = mock.Chat(ChatBody(), kKey);
  TestResponse denied = mock.Chat(ChatBody(), "sk-nope-nope-nope");
  if (GetParam() == Flavor::kOpenAi) {
    for (const TestResponse* r : {&ok1, &ok2, &denied}) {
      ASSERT_NE(r->Header("x-request-id"), nullptr);
      EXPECT_THAT(*r->Header("x-request-id"), MatchesRegex("req_[0-9a-f]+"));
    }
    EXPECT_NE(*ok1.Header("x-request-id"), *ok2.Header("x-request-id"));
    EXPECT_THAT(ErrorMessage(denied), Not(HasSubstr("request id")));
  } else {
    for (const TestResponse* r : {&ok1, &ok2, &denied})
      EXPECT_EQ(r->Header("x-request-id"), nullptr);
    EXPECT_THAT(ErrorMessage(denied), MatchesRegex(R"(invalid token \(request id: [0-9a-f]+\))"));
    TestResponse denied2 = mock.Chat(ChatBody(), "sk-nope-nope-nope");
    EXPECT_NE(ErrorMessage(denied), ErrorMessage(denied2));  // unique per response
  }
}

TEST_P(MockProviderTest, BadRequestsGetTheFlavorsStatus) {
  MockServer mock(Options(GetParam()));
  ASSERT_OK(mock.status());
  bool comet = GetParam() == Flavor::kCometApi;

  TestResponse malformed = mock.Chat("{\"model\": ", kKey);
  EXPECT_EQ(malformed.status, 400);
  TestResponse no_model = mock.Chat(R"({"messages":[{"role":"user","content":"hi"}]})", kKey);
  EXPECT_EQ(no_model.status, 400);
  TestResponse no_messages = mock.Chat(R"({"model":"gpt-4o-mini"})", kKey);
  if (comet) {
    for (const TestResponse* r : {&malformed, &no_model}) {
      EXPECT_THAT(ErrorMessage(*r), MatchesRegex(R"(model name is required \(request id: .+\))"));
    }
    EXPECT_EQ(Json(no_model)["error"]["type"], "comet_api_error");
    EXPECT_EQ(no_messages.status, 500);  // CometAPI's quirk (FACTS §1.4)
    EXPECT_EQ(Json(no_messages)["error"]["code"], "invalid_request");
  } else {
    EXPECT_EQ(Json(malformed)["error"]["type"], "invalid_request_error");
    EXPECT_EQ(Json(no_model)["error"]["type"], "invalid_request_error");
    EXPECT_EQ(no_messages.status, 400);
    EXPECT_EQ(Json(no_messages)["error"]["param"], "messages");
  }
}

TEST_P(MockProviderTest, UnknownModelsAre404OnOpenAiAnd503OnCometApi) {
  MockOptions o = Options(GetParam());
  o.models = {"gpt-4o-mini"};
  MockServer mock(o);
  ASSERT_OK(mock.status());
  ChatBodyOptions body;
  body.model = "gpt-9-imaginary";
  TestResponse r = mock.Chat(ChatBody(body), kKey);
  json err = Json(r)["error"];
  EXPECT_EQ(err["code"], "model_not_found");
  if (GetParam() == Flavor::kCometApi) {
    EXPECT_EQ(r.status, 503);
    EXPECT_THAT(err["message"].get<std::string>(),
                MatchesRegex(R"(no available channel for group default and model gpt-9-imaginary )"
                             R"(\(distributor\) \(request id: .+\))"));
  } else {
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(err["message"],
              "The model `gpt-9-imaginary` does not exist or you do not have access to it.");
  }
  EXPECT_EQ(mock.Chat(ChatBody(), kKey).status, 200);
}

TEST_P(MockProviderTest, ReportedModelIsADatedSnapshotOnlyOnCometApi) {
  MockServer mock(Options(GetParam()));
  ASSERT_OK(mock.status());
  ChatBodyOptions o;
  o.model = "gpt-4.1-nano";
  std::string model = Json(mock.Chat(ChatBody(o), kKey))["model"];
  EXPECT_EQ(model, GetParam() == Flavor::kCometApi ? "gpt-4.1-nano-2025-04-14" : "gpt-4.1-nano");
}

TEST_P(MockProviderTest, StreamIsFramedLikeTheSdksExpect) {
  MockServer mock(Options(GetParam()));
  ASSERT_OK(mock.status());
  ChatBodyOptions o;
  o.stream = true;
  o.include_usage = true;
  TestResponse r = mock.Chat(ChatBody(o), kKey);
  ASSERT_TRUE(r.transport_ok) << r.error;
  ASSERT_EQ(r.status, 200);
  ASSERT_NE(r.Header("content-type"), nullptr);
  EXPECT_EQ(*r.Header("content-type"), "text/event-stream");
  EXPECT_THAT(r.body, ::testing::EndsWith("data: [DONE]\n\n"));
  std::vector<json> chunks = StreamChunks(r);
  ASSERT_GE(chunks.size(), 4u);
  std::string content;
  int finishes = 0;
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
    const json& c = chunks[i];
    EXPECT_EQ(c["object"], "chat.completion.chunk");
    EXPECT_EQ(c["id"], chunks[0]["id"]);
    EXPECT_EQ(c["created"], chunks[0]["created"]);
    EXPECT_EQ(c["model"], chunks[0]["model"]);
    EXPECT_TRUE(c["usage"].is_null());
    const json& choice = c["choices"][0];
    if (choice["delta"].contains("content"))
      content += choice["delta"]["content"].get<std::string>();
    if (!choice["finish_reason"].is_null()) ++finishes;
    if (GetParam() == Flavor::kCometApi) {
      EXPECT_TRUE(c.contains("obfuscation"));
      EXPECT_TRUE(choice.contains("logprobs"));
    }
  }
  EXPECT_EQ(chunks[0]["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(content, kSmoke);
  EXPECT_EQ(finishes, 1);
  const json& usage_chunk = chunks.back();
  EXPECT_TRUE(usage_chunk["choices"].empty());
  EXPECT_EQ(usage_chunk["usage"]["completion_tokens"], 9);
  EXPECT_EQ(usage_chunk["usage"]["total_tokens"].get<int>(),
            usage_chunk["usage"]["prompt_tokens"].get<int>() + 9);
}

TEST_P(MockProviderTest, StreamWithoutIncludeUsageHasNoUsageChunk) {
  MockServer mock(Options(GetParam()));
  ASSERT_OK(mock.status());
  ChatBodyOptions o;
  o.stream = true;
  TestResponse r = mock.Chat(ChatBody(o), kKey);
  EXPECT_THAT(r.body, ::testing::EndsWith("data: [DONE]\n\n"));
  for (const json& c : StreamChunks(r)) {
    EXPECT_FALSE(c.contains("usage"));
    EXPECT_EQ(c["choices"].size(), 1u);
  }
}

TEST_P(MockProviderTest, UnknownPathsRedirectOnCometApiAnd404OnOpenAi) {
  MockServer mock(Options(GetParam()));
  ASSERT_OK(mock.status());
  TestResponse r = testing::HttpPost(mock.Url("/chat/completions"), ChatBody(),
                                     {std::string("Authorization: Bearer ") + kKey});
  if (GetParam() == Flavor::kCometApi) {
    EXPECT_EQ(r.status, 301);
    ASSERT_NE(r.Header("location"), nullptr);
    EXPECT_EQ(*r.Header("location"), "/");
    EXPECT_THAT(*r.Header("content-type"), HasSubstr("text/html"));
  } else {
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(ErrorMessage(r), "Invalid URL (POST /chat/completions)");
    EXPECT_NE(r.Header("x-request-id"), nullptr);
  }
  EXPECT_THAT(r.body, Not(HasSubstr(kKey)));
}

TEST_P(MockProviderTest, ListsModelsInTheOpenAiShape) {
  MockOptions o = Options(GetParam());
  o.models = {"gpt-5.4", "claude-sonnet-4-5"};
  MockServer mock(o);
  ASSERT_OK(mock.status());
  std::string auth = std::string("Authorization: Bearer ") + kKey;
  TestResponse r = HttpGet(mock.Url("/v1/models"), {auth});
  ASSERT_EQ(r.status, 200);
  json b = Json(r);
  EXPECT_EQ(b["object"], "list");
  ASSERT_EQ(b["data"].size(), 2u);
  EXPECT_EQ(b["data"][0]["id"], "gpt-5.4");
  EXPECT_EQ(b["data"][1]["id"], "claude-sonnet-4-5");
  for (const json& m : b["data"]) {
    EXPECT_EQ(m["object"], "model");
    EXPECT_TRUE(m["created"].is_number_integer());
    EXPECT_TRUE(m["owned_by"].is_string());
  }
  EXPECT_EQ(HttpGet(mock.Url("/v1/models")).status, 401);
}

}  // namespace
}  // namespace rollgate::mock
