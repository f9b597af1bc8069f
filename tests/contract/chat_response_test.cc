#include "contract/chat_response.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

const std::vector<std::string> kChatFields = {"choices.0.message.content",
                                              "choices.0.finish_reason"};

// A CometAPI-style answer: dated snapshot, extra fields the SDKs ignore.
const char kCometAnswer[] = R"({
  "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-5.4-mini-2026-03-17",
  "service_tier": "default", "system_fingerprint": "fp",
  "choices": [{"index": 0, "logprobs": null, "finish_reason": "stop",
               "message": {"role": "assistant", "content": "{\"ok\":true,\"label\":\"rollback-smoke\"}",
                           "refusal": null, "annotations": []}}],
  "usage": {"prompt_tokens": 20, "completion_tokens": 9, "total_tokens": 29, "latency_checkpoint": 3}
})";

TEST(ChatResponseTest, TolerantOfUnknownFieldsAndSnapshots) {
  ChatResponse r = ParseChatResponse(kCometAnswer, "application/json; charset=utf-8", kChatFields);
  ASSERT_TRUE(r.is_json);
  EXPECT_TRUE(r.problems.empty()) << r.problems[0];
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(r.model, "gpt-5.4-mini-2026-03-17");
  EXPECT_EQ(r.finish_reason, "stop");
  EXPECT_EQ(r.content_kind, ChatResponse::ContentKind::kString);
  EXPECT_EQ(r.fields_present, kChatFields);
  EXPECT_EQ(r.total_tokens, 29);
  EXPECT_FALSE(r.refusal.has_value());
}

TEST(ChatResponseTest, ErrorObjectInA200IsNeverAnAnswer) {
  ChatResponse r = ParseChatResponse(
      R"J({"error":{"message":"upstream failed (request id: abc)","type":"comet_api_error","param":"","code":""}})J",
      "application/json", kChatFields);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->request_id, "abc");
  EXPECT_EQ(r.content_kind, ChatResponse::ContentKind::kAbsent);
}

TEST(ChatResponseTest, MissingContractFieldIsAProblem) {
  ChatResponse r = ParseChatResponse(
      R"({"object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant"}}]})",
      "application/json", kChatFields);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_NE(r.problems.back().find("choices.0.message.content"), std::string::npos);
  EXPECT_NE(r.problems.back().find("choices.0.finish_reason"), std::string::npos);
}

TEST(ChatResponseTest, ContentAsArrayOfPartsIsSchemaDrift) {
  ChatResponse r = ParseChatResponse(
      R"({"object":"chat.completion","choices":[{"index":0,"finish_reason":"stop",
          "message":{"role":"assistant","content":[{"type":"text","text":"hi"}]}}]})",
      "application/json", kChatFields);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].find("array"), std::string::npos);
}

TEST(ChatResponseTest, EmptyChoicesAndWrongObject) {
  EXPECT_EQ(
      ParseChatResponse(R"({"object":"chat.completion","choices":[]})", "application/json", {})
          .problems.at(0),
      "`choices` is empty");
  ChatResponse chunk = ParseChatResponse(R"({"object":"chat.completion.chunk","choices":[]})",
                                         "application/json", {});
  EXPECT_NE(chunk.problems.at(0).find("chat.completion.chunk"), std::string::npos);
}

TEST(ChatResponseTest, HtmlIsNotJsonAndSaysWhy) {
  ChatResponse r =
      ParseChatResponse("<html><body>502 Bad Gateway</body></html>", "text/html", kChatFields);
  EXPECT_FALSE(r.is_json);
  EXPECT_NE(r.json_error.find("byte"), std::string::npos);
  EXPECT_FALSE(r.content_type_json);
}

TEST(ChatResponseTest, InvalidUtf8IsNamed) {
  std::string body =
      "{\"object\":\"chat.completion\",\"choices\":[{\"message\":{\"content\":\"\xff\xfe\"}}]}";
  ChatResponse r = ParseChatResponse(body, "application/json", kChatFields);
  EXPECT_FALSE(r.is_json);
  EXPECT_EQ(r.json_error, "invalid UTF-8");
}

TEST(ChatResponseTest, NestingBombIsRefusedQuickly) {
  std::string bomb(200000, '[');
  ChatResponse r = ParseChatResponse(bomb, "application/json", kChatFields);
  EXPECT_FALSE(r.is_json);
  EXPECT_NE(r.json_error.find("nested deeper"), std::string::npos);
}

TEST(ChatResponseTest, UsageSumMismatchAndUnknownFinishReasonAreWarnings) {
  ChatResponse r = ParseChatResponse(
      R"({"object":"chat.completion","choices":[{"index":0,"finish_reason":"eos",
          "message":{"role":"assistant","content":"x"}}],
          "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":5}})",
      "application/json", kChatFields);
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.warnings.size(), 2u);
}

TEST(ChatResponseTest, JsonContentTypes) {
  EXPECT_TRUE(IsJsonContentType("application/json"));
  EXPECT_TRUE(IsJsonContentType("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(IsJsonContentType("application/problem+json"));
  EXPECT_FALSE(IsJsonContentType("text/plain"));
  EXPECT_FALSE(IsJsonContentType("text/json+html"));
}

}  // namespace
}  // namespace rollgate::internal
