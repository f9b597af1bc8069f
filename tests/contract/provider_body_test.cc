#include "contract/provider_body.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "testutil/test_http_client.h"

namespace rollgate::internal {
namespace {

using mock::Flavor;
using nlohmann::json;

Answer SmokeObjectAnswer() {
  Answer a;
  a.content = R"({"ok":true,"label":"rollback-smoke"})";
  a.finish_reason = "stop";
  a.prompt_tokens = 24;
  a.completion_tokens = 9;
  return a;
}

BodyShape TestShape(Flavor flavor) {
  BodyShape s;
  s.flavor = flavor;
  s.id = "chatcmpl-test";
  s.created = 1700000000;
  s.model = "gpt-4o-mini";
  s.system_fingerprint = "fp_test";
  s.obfuscation = [] { return std::string("Ab3dE5g7"); };
  return s;
}

std::vector<json> ParsedChunks(const std::vector<std::string>& events) {
  std::vector<json> out;
  for (const auto& e : events) {
    for (const auto& data : testing::SseDataEvents(e)) {
      if (data != "[DONE]") out.push_back(json::parse(data));
    }
  }
  return out;
}

TEST(ProviderBodyTest, CometApiReportsADatedSnapshotOpenAiEchoes) {
  EXPECT_EQ(ReportedModel(Flavor::kCometApi, "gpt-4.1-nano"), "gpt-4.1-nano-2025-04-14");
  EXPECT_EQ(ReportedModel(Flavor::kCometApi, "gpt-5.4-mini-2026-03-17"), "gpt-5.4-mini-2026-03-17");
  EXPECT_EQ(ReportedModel(Flavor::kOpenAi, "gpt-4.1-nano"), "gpt-4.1-nano");
}

TEST(ProviderBodyTest, CompletionBodyHasTheOpenAiShape) {
  json b = json::parse(CompletionBody(SmokeObjectAnswer(), TestShape(Flavor::kOpenAi)));
  EXPECT_EQ(b["id"], "chatcmpl-test");
  EXPECT_EQ(b["object"], "chat.completion");
  EXPECT_EQ(b["created"], 1700000000);
  EXPECT_EQ(b["service_tier"], "default");
  EXPECT_EQ(b["system_fingerprint"], "fp_test");
  const json& choice = b["choices"][0];
  EXPECT_EQ(choice["index"], 0);
  EXPECT_TRUE(choice["logprobs"].is_null());
  EXPECT_EQ(choice["finish_reason"], "stop");
  EXPECT_EQ(choice["message"]["role"], "assistant");
  EXPECT_EQ(choice["message"]["content"], R"({"ok":true,"label":"rollback-smoke"})");
  EXPECT_TRUE(choice["message"]["refusal"].is_null());
  EXPECT_TRUE(choice["message"]["annotations"].is_array());
  EXPECT_EQ(b["usage"]["total_tokens"], 33);
  EXPECT_EQ(b["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
  EXPECT_EQ(b["usage"]["completion_tokens_details"]["reasoning_tokens"], 0);
  EXPECT_FALSE(b["usage"].contains("latency_checkpoint"));
  EXPECT_TRUE(
      json::parse(CompletionBody(SmokeObjectAnswer(), TestShape(Flavor::kCometApi)))["usage"]
          .contains("latency_checkpoint"));
}

TEST(ProviderBodyTest, ShapeKnobsBendTheBody) {
  BodyShape s = TestShape(Flavor::kOpenAi);
  s.content_as_parts = true;
  json parts =
      json::parse(CompletionBody(SmokeObjectAnswer(), s))["choices"][0]["message"]["content"];
  ASSERT_TRUE(parts.is_array());
  EXPECT_EQ(parts[0]["type"], "text");
  EXPECT_EQ(parts[0]["text"], R"({"ok":true,"label":"rollback-smoke"})");

  s = TestShape(Flavor::kOpenAi);
  s.empty_choices = true;
  EXPECT_TRUE(json::parse(CompletionBody(SmokeObjectAnswer(), s))["choices"].empty());

  s = TestShape(Flavor::kOpenAi);
  s.invalid_utf8 = true;
  std::string raw = CompletionBody(SmokeObjectAnswer(), s);
  EXPECT_FALSE(internal::IsValidUtf8(raw));
  EXPECT_NE(raw.find("rollback-smoke\\\"}\xff\xfe\""), std::string::npos) << raw;

  s = TestShape(Flavor::kOpenAi);
  s.padding_bytes = 1000;
  EXPECT_EQ(
      json::parse(CompletionBody(SmokeObjectAnswer(), s))["padding"].get<std::string>().size(),
      1000u);
}

TEST(ProviderBodyTest, NormalStreamFramesRoleContentFinishUsageDone) {
  StreamOptions o;
  o.include_usage = true;
  std::vector<std::string> events =
      StreamEvents(SmokeObjectAnswer(), TestShape(Flavor::kOpenAi), o);
  ASSERT_GE(events.size(), 5u);
  EXPECT_EQ(events.back(), "data: [DONE]\n\n");
  for (const auto& e : events) {
    EXPECT_EQ(e.rfind("data: ", 0), 0u);
    EXPECT_EQ(e.substr(e.size() - 2), "\n\n");
  }
  std::vector<json> chunks = ParsedChunks(events);
  EXPECT_EQ(chunks.front()["choices"][0]["delta"], json({{"role", "assistant"}, {"content", ""}}));
  std::string content;
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i]["object"], "chat.completion.chunk");
    EXPECT_EQ(chunks[i]["id"], "chatcmpl-test");
    EXPECT_TRUE(chunks[i]["usage"].is_null());
    const json& delta = chunks[i]["choices"][0]["delta"];
    if (delta.contains("content")) content += delta["content"].get<std::string>();
  }
  EXPECT_EQ(content, SmokeObjectAnswer().content);
  EXPECT_EQ(chunks[chunks.size() - 2]["choices"][0]["finish_reason"], "stop");
  EXPECT_TRUE(chunks.back()["choices"].empty());
  EXPECT_EQ(chunks.back()["usage"]["total_tokens"], 33);
}

TEST(ProviderBodyTest, WithoutIncludeUsageThereIsNoUsageAtAll) {
  std::vector<json> chunks =
      ParsedChunks(StreamEvents(SmokeObjectAnswer(), TestShape(Flavor::kOpenAi), {}));
  for (const auto& c : chunks) {
    EXPECT_FALSE(c.contains("usage"));
    EXPECT_FALSE(c["choices"].empty());
  }
}

TEST(ProviderBodyTest, CometApiChunksCarryObfuscationAndLogprobs) {
  std::vector<json> chunks =
      ParsedChunks(StreamEvents(SmokeObjectAnswer(), TestShape(Flavor::kCometApi), {}));
  for (const auto& c : chunks) {
    EXPECT_TRUE(c["obfuscation"].is_string());
    EXPECT_TRUE(c["choices"][0].contains("logprobs"));
  }
}

TEST(ProviderBodyTest, FaultShapesEndTheStreamEarly) {
  StreamOptions o;
  o.include_usage = true;
  o.shape = StreamShape::kCut;
  std::vector<std::string> cut = StreamEvents(SmokeObjectAnswer(), TestShape(Flavor::kOpenAi), o);
  EXPECT_NE(cut.back(), "data: [DONE]\n\n");
  for (const auto& c : ParsedChunks(cut)) EXPECT_TRUE(c["choices"][0]["finish_reason"].is_null());

  o.shape = StreamShape::kError;
  o.error_json = R"({"error":{"message":"boom"}})";
  std::vector<std::string> err = StreamEvents(SmokeObjectAnswer(), TestShape(Flavor::kOpenAi), o);
  ASSERT_EQ(err.size(), 3u);  // role, one content chunk, the error
  EXPECT_EQ(err.back(), "data: {\"error\":{\"message\":\"boom\"}}\n\n");

  o.shape = StreamShape::kNoUsage;
  std::vector<std::string> no_usage =
      StreamEvents(SmokeObjectAnswer(), TestShape(Flavor::kOpenAi), o);
  EXPECT_EQ(no_usage.back(), "data: [DONE]\n\n");
  for (const auto& c : ParsedChunks(no_usage)) EXPECT_FALSE(c.contains("usage"));

  o.shape = StreamShape::kSchemaDrift;
  std::vector<json> drift =
      ParsedChunks(StreamEvents(SmokeObjectAnswer(), TestShape(Flavor::kOpenAi), o));
  for (const auto& c : drift) {
    EXPECT_EQ(c["object"], "chat.completion");
    EXPECT_TRUE(c["choices"][0].contains("message"));
    EXPECT_FALSE(c["choices"][0].contains("delta"));
  }
}

}  // namespace
}  // namespace rollgate::internal
