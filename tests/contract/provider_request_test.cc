#include "contract/provider_request.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

TEST(ProviderRequestTest, ReadsTheFieldsTheMockNeeds) {
  ChatRequest r = ParseChatRequest(R"({"model":"gpt-4o-mini","messages":[
      {"role":"system","content":"be brief"},
      {"role":"user","content":[{"type":"text","text":"hi "},{"type":"image_url"},
                                {"type":"text","text":"there"}]},
      {"role":"assistant","content":null}],
    "stream":true,"stream_options":{"include_usage":true},
    "max_tokens":40,"max_completion_tokens":16})");
  EXPECT_EQ(r.problem, RequestProblem::kNone);
  EXPECT_EQ(r.model, "gpt-4o-mini");
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
  EXPECT_EQ(r.max_tokens, 16);  // the smaller of the two budgets
  EXPECT_EQ(r.last_user_text, "hi there");
  ASSERT_EQ(r.message_texts.size(), 3u);
  EXPECT_EQ(r.message_texts[2], "");
}

TEST(ProviderRequestTest, ClassifiesWhatAProviderRejects) {
  EXPECT_EQ(ParseChatRequest("{not json").problem, RequestProblem::kMalformedJson);
  EXPECT_EQ(ParseChatRequest("[1,2]").problem, RequestProblem::kMalformedJson);
  EXPECT_EQ(ParseChatRequest(R"({"messages":[]})").problem, RequestProblem::kMissingModel);
  EXPECT_EQ(ParseChatRequest(R"({"model":"","messages":[]})").problem,
            RequestProblem::kMissingModel);
  EXPECT_EQ(ParseChatRequest(R"({"model":7,"messages":[]})").problem,
            RequestProblem::kMissingModel);
  ChatRequest no_messages = ParseChatRequest(R"({"model":"m"})");
  EXPECT_EQ(no_messages.problem, RequestProblem::kMissingMessages);
  EXPECT_EQ(no_messages.model, "m");  // still known, for per-model scenarios
  EXPECT_EQ(ParseChatRequest(R"({"model":"m","messages":"hi"})").problem,
            RequestProblem::kMissingMessages);
}

TEST(ProviderRequestTest, OddlyTypedFieldsNeverThrow) {
  ChatRequest r = ParseChatRequest(R"({"model":"m","messages":[1,{"role":5,"content":{}}],
      "stream":"yes","stream_options":{"include_usage":1},"max_tokens":-3})");
  EXPECT_EQ(r.problem, RequestProblem::kNone);
  EXPECT_FALSE(r.stream);
  EXPECT_FALSE(r.include_usage);
  EXPECT_FALSE(r.max_tokens.has_value());
  EXPECT_EQ(r.last_user_text, "");
}

TEST(ProviderRequestTest, KeepsTheShapeOfTheBody) {
  ChatRequest r = ParseChatRequest(
      R"({"stream":false,"model":"m","messages":[],"max_completion_tokens":9,"temperature":0})");
  EXPECT_EQ(r.fields, (std::vector<std::string>{"max_completion_tokens", "messages", "model",
                                                "stream", "temperature"}));
  EXPECT_EQ(r.token_field, "max_completion_tokens");
  EXPECT_EQ(ParseChatRequest(R"({"model":"m","messages":[],"max_tokens":1})").token_field,
            "max_tokens");
  EXPECT_EQ(ParseChatRequest(R"({"max_tokens":1,"max_completion_tokens":2})").token_field, "both");
  EXPECT_EQ(ParseChatRequest(R"({"model":"m","messages":[]})").token_field, "");
  // A body the provider rejects still has a shape; one that is not an object has none.
  ChatRequest no_model =
      ParseChatRequest(R"({"stream":true,"stream_options":{"include_usage":true}})");
  EXPECT_EQ(no_model.problem, RequestProblem::kMissingModel);
  EXPECT_TRUE(no_model.stream);
  EXPECT_TRUE(no_model.include_usage);
  EXPECT_EQ(no_model.fields, (std::vector<std::string>{"stream", "stream_options"}));
  EXPECT_TRUE(ParseChatRequest("[1]").fields.empty());
}

}  // namespace
}  // namespace rollgate::internal
