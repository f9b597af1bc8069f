#include "mock/chat_answer.h"

#include <gtest/gtest.h>

namespace rollgate::mock {
namespace {

ChatRequest UserSays(std::string text) {
  ChatRequest r;
  r.model = "m";
  r.message_texts = {"reply with a compact JSON object only, no markdown", text};
  r.last_user_text = std::move(text);
  return r;
}

TEST(MockChatAnswerTest, SmokePromptGetsTheCompactObjectBack) {
  Answer a = ComposeAnswer(UserSays(R"(return {"ok": true, "label": "rollback-smoke"})"),
                           AnswerStyle::kFollowPrompt);
  EXPECT_EQ(a.content, R"({"ok":true,"label":"rollback-smoke"})");
  EXPECT_EQ(a.finish_reason, "stop");
}

TEST(MockChatAnswerTest, LabelsAreJsonEscaped) {
  Answer a =
      ComposeAnswer(UserSays(R"({"ok":true,"label":"a\"b\\c"})"), AnswerStyle::kFollowPrompt);
  EXPECT_EQ(a.content, R"({"ok":true,"label":"a\"b\\c"})");
}

TEST(MockChatAnswerTest, OtherPromptsGetTheFixedSentence) {
  Answer a = ComposeAnswer(UserSays("What is the weather?"), AnswerStyle::kFollowPrompt);
  EXPECT_EQ(a.content, kDefaultAnswer);
  EXPECT_EQ(a.finish_reason, "stop");
}

TEST(MockChatAnswerTest, TokensAreCeilOfCodePointsOverFour) {
  EXPECT_EQ(CountTokens(""), 0);
  EXPECT_EQ(CountTokens("abcd"), 1);
  EXPECT_EQ(CountTokens("abcde"), 2);
  EXPECT_EQ(CountTokens("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), 1);  // four é: 8 bytes, 4 code points
  Answer a = ComposeAnswer(UserSays("abcdefgh"), AnswerStyle::kFollowPrompt);
  // "reply with a compact JSON object only, no markdown" is 50 code points -> 13, plus 2.
  EXPECT_EQ(a.prompt_tokens, 15);
  EXPECT_EQ(a.completion_tokens, CountTokens(kDefaultAnswer));
  EXPECT_EQ(a.total_tokens(), a.prompt_tokens + a.completion_tokens);
}

TEST(MockChatAnswerTest, SmallBudgetCutsTheAnswerAndSaysLength) {
  ChatRequest r = UserSays(R"(return {"ok":true,"label":"rollback-smoke"})");
  r.max_tokens = 3;
  Answer a = ComposeAnswer(r, AnswerStyle::kFollowPrompt);
  EXPECT_EQ(a.content, R"({"ok":true,")");  // 3 tokens = 12 code points
  EXPECT_EQ(a.finish_reason, "length");
  EXPECT_EQ(a.completion_tokens, 3);

  r.max_tokens = 40;  // rollgate's default budget is plenty
  EXPECT_EQ(ComposeAnswer(r, AnswerStyle::kFollowPrompt).finish_reason, "stop");
}

TEST(MockChatAnswerTest, TruncatedStyleCutsTheJsonInHalf) {
  Answer a = ComposeAnswer(UserSays(R"(return {"ok":true,"label":"rollback-smoke"})"),
                           AnswerStyle::kTruncated);
  EXPECT_EQ(a.content, R"({"ok":true,"label")");
  EXPECT_EQ(a.finish_reason, "length");
}

TEST(MockChatAnswerTest, IgnoredPromptIsProseWithoutJson) {
  Answer a =
      ComposeAnswer(UserSays(R"(return {"ok":true,"label":"x"})"), AnswerStyle::kIgnorePrompt);
  EXPECT_EQ(a.content.find('{'), std::string::npos);
  EXPECT_EQ(a.finish_reason, "stop");
}

}  // namespace
}  // namespace rollgate::mock
