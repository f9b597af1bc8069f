#include "contract/chat_stream.h"

#include <gtest/gtest.h>

#include "contract/error_body.h"
#include "contract/request_id.h"

namespace rollgate::internal {
namespace {

std::string Chunk(const std::string& delta, const std::string& finish = "null") {
  return R"({"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":)" +
         delta + R"(,"finish_reason":)" + finish + "}]}";
}

ChatStream Assemble(const std::vector<std::string>& datas, bool usage_requested = true) {
  ChatStreamAssembler a;
  double t = 100;
  for (const auto& d : datas) a.OnEvent({"", d, ""}, t += 10);
  a.Finish(usage_requested);
  return a.result();
}

TEST(ChatStreamTest, AssemblesDeltasAndSeesDoneAndUsage) {
  ChatStream s = Assemble(
      {Chunk(R"({"role":"assistant","content":""})"), Chunk(R"({"content":"{\"ok\":"})"),
       Chunk(R"({"content":"true}"})"), Chunk("{}", "\"stop\""),
       R"({"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})",
       "[DONE]"});
  EXPECT_TRUE(s.problems.empty()) << s.problems[0];
  EXPECT_TRUE(s.warnings.empty());
  EXPECT_EQ(s.content, "{\"ok\":true}");
  EXPECT_EQ(s.finish_reason, "stop");
  EXPECT_TRUE(s.done_seen);
  EXPECT_TRUE(s.usage_seen);
  EXPECT_EQ(s.total_tokens, 3);
  EXPECT_EQ(s.first_content_ms, 120);  // the empty role delta does not count as a token
}

TEST(ChatStreamTest, CutStreamHasNoDoneAndNoFinishReason) {
  ChatStream s = Assemble({Chunk(R"({"content":"{\"ok\""})")});
  ASSERT_EQ(s.problems.size(), 2u);
  EXPECT_NE(s.problems[0].find("finish_reason"), std::string::npos);
  EXPECT_NE(s.problems[1].find("[DONE]"), std::string::npos);
}

TEST(ChatStreamTest, ErrorMidStreamIsCaught) {
  ChatStream s = Assemble(
      {Chunk(R"({"content":"x"})"),
       R"({"error":{"message":"upstream overloaded","type":"server_error","code":"overloaded"}})"});
  ASSERT_TRUE(s.error.has_value());
  EXPECT_EQ(s.error->code, "overloaded");
  ChatStreamAssembler named;
  named.OnEvent({"error", R"({"message":"boom"})", ""}, 1);
  named.Finish(false);
  EXPECT_TRUE(named.result().error.has_value());
}

TEST(ChatStreamTest, MessageInsteadOfDeltaIsSchemaDrift) {
  ChatStream s = Assemble(
      {R"({"object":"chat.completion","choices":[{"index":0,"message":{"content":"x"},"finish_reason":"stop"}]})",
       "[DONE]"});
  ASSERT_FALSE(s.problems.empty());
  EXPECT_NE(s.problems[0].find("chat.completion.chunk"), std::string::npos);
  EXPECT_NE(s.problems[1].find("message"), std::string::npos);
}

TEST(ChatStreamTest, MissingUsageIsAWarningAndMalformedJsonAProblem) {
  ChatStream s = Assemble({Chunk(R"({"content":"x"})", "\"stop\""), "[DONE]"});
  EXPECT_TRUE(s.problems.empty());
  ASSERT_EQ(s.warnings.size(), 1u);
  ChatStream bad = Assemble({"{not json", "[DONE]"});
  EXPECT_NE(bad.problems[0].find("not JSON"), std::string::npos);
}

TEST(ErrorBodyTest, CometApiAndOpenAiEnvelopes) {
  auto comet = ParseErrorBody(
      R"J({"error":{"message":"no available channel for group default and model x (distributor) (request id: 20261125abc)","type":"comet_api_error","param":"","code":"model_not_found"}})J");
  ASSERT_TRUE(comet.has_value());
  EXPECT_EQ(comet->code, "model_not_found");
  EXPECT_EQ(comet->request_id, "20261125abc");
  auto openai = ParseErrorBody(
      R"({"error":{"message":"bad key","type":"invalid_request_error","param":null,"code":null}})");
  ASSERT_TRUE(openai.has_value());
  EXPECT_EQ(openai->code, "");
  EXPECT_FALSE(ParseErrorBody(R"({"error":null})").has_value());
  EXPECT_FALSE(ParseErrorBody("<html>").has_value());
  EXPECT_EQ(ParseErrorBody(R"({"error":"plain"})")->message, "plain");
}

TEST(RequestIdTest, HeaderThenOtherHeaderThenMessage) {
  Headers h = {{"X-Request-Id", "req-1"}, {"X-Oneapi-Request-Id", "one-1"}};
  EXPECT_EQ(FindRequestId(h, std::nullopt).id, "req-1");
  Headers other = {{"X-Oneapi-Request-Id", "one-1"}};
  EXPECT_EQ(FindRequestId(other, std::nullopt).source, "header x-oneapi-request-id");
  ErrorBody err;
  err.request_id = "msg-1";
  EXPECT_EQ(FindRequestId({}, err).source, "error message");
  EXPECT_EQ(FindRequestId({}, std::nullopt).id, "");
}

}  // namespace
}  // namespace rollgate::internal
