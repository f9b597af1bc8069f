#include "contract/app_protocol.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

const std::vector<std::string> kAppFields = {"choices.0.message.content",
                                             "choices.0.finish_reason"};

TEST(AppProtocolTest, ReadsTheLastJsonLineAfterNoise) {
  AppAnswer a = ParseAppAnswer(
      "Defaulted container \"app\" out of: app, sidecar\n"
      R"({"status":200,"content":"{\"ok\":true}","finish_reason":"stop","request_id":"r1","model":"m-2025",)"
      R"("fields_present":["choices.0.message.content","choices.0.finish_reason"]})"
      "\n",
      kAppFields);
  ASSERT_TRUE(a.valid) << a.problem;
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.chat.content, "{\"ok\":true}");
  EXPECT_EQ(a.chat.finish_reason, "stop");
  EXPECT_EQ(a.request_id, "r1");
  EXPECT_TRUE(a.chat.problems.empty());
}

TEST(AppProtocolTest, NotProtocolIsAProblem) {
  EXPECT_FALSE(ParseAppAnswer("", kAppFields).valid);
  EXPECT_FALSE(ParseAppAnswer("Traceback (most recent call last):\n  boom", kAppFields).valid);
  AppAnswer no_status = ParseAppAnswer(R"({"content":"x"})", kAppFields);
  EXPECT_FALSE(no_status.valid);
  EXPECT_NE(no_status.problem.find("integer `status`"), std::string::npos);
}

TEST(AppProtocolTest, ErrorsMissingFieldsAndStreams) {
  AppAnswer err = ParseAppAnswer(
      R"J({"status":503,"error":{"message":"no available channel (request id: abc)","code":"model_not_found"}})J",
      kAppFields);
  ASSERT_TRUE(err.error.has_value());
  EXPECT_EQ(err.error->code, "model_not_found");
  EXPECT_EQ(err.request_id, "abc");
  EXPECT_FALSE(err.chat.error.has_value());  // not an error *in a 200*

  AppAnswer parse_error = ParseAppAnswer(
      R"({"status":200,"error":{"message":"parse error","type":"parser_error"}})", kAppFields);
  EXPECT_TRUE(parse_error.chat.error.has_value());

  AppAnswer missing = ParseAppAnswer(
      R"({"status":200,"content":"x","finish_reason":"stop","fields_present":["choices.0.message.content"]})",
      kAppFields);
  ASSERT_EQ(missing.chat.problems.size(), 1u);
  EXPECT_NE(missing.chat.problems[0].find("choices.0.finish_reason"), std::string::npos);

  AppAnswer cut = ParseAppAnswer(
      R"({"status":200,"content":"x","finish_reason":"stop","done":false,"chunks":3})", kAppFields);
  ChatStream s = AppAnswerAsStream(cut);
  EXPECT_EQ(s.chunks, 3);
  EXPECT_FALSE(s.done_seen);
  ASSERT_FALSE(s.problems.empty());
}

TEST(AppProtocolTest, SmokeKeyAcknowledgementIsAJsonTrueOnly) {
  AppAnswer used = ParseAppAnswer(
      R"({"status":401,"smoke_api_key_used":true,"client":{"sdk":"x"}})", kAppFields);
  EXPECT_TRUE(used.smoke_api_key_used);
  EXPECT_TRUE(used.client_reported);
  // A string is not an acknowledgement (an app might be echoing the key itself), nor is false.
  EXPECT_FALSE(ParseAppAnswer(R"({"status":401,"smoke_api_key_used":"used"})", kAppFields)
                   .smoke_api_key_used);
  EXPECT_FALSE(ParseAppAnswer(R"({"status":401,"smoke_api_key_used":false})", kAppFields)
                   .smoke_api_key_used);
  AppAnswer old = ParseAppAnswer(R"({"status":200,"content":"x"})", kAppFields);
  EXPECT_FALSE(old.smoke_api_key_used);
  EXPECT_FALSE(old.client_reported);
  EXPECT_FALSE(ParseAppAnswer(R"({"status":200,"client":"curl"})", kAppFields).client_reported);
}

}  // namespace
}  // namespace rollgate::internal
