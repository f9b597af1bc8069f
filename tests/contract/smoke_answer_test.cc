#include "contract/smoke_answer.h"

#include <gtest/gtest.h>

#include "contract/smoke_request.h"

namespace rollgate::internal {
namespace {

SmokeAnswerInput Input(std::string_view content, std::string_view finish = "stop") {
  SmokeAnswerInput in;
  in.has_content = true;
  in.content = content;
  in.finish_reason = finish;
  in.label = "rollback-smoke";
  in.max_tokens = 40;
  return in;
}

TEST(SmokeAnswerTest, ExpectedObjectPasses) {
  SmokeAnswer a = EvaluateSmokeAnswer(Input(R"({"ok":true,"label":"rollback-smoke"})"));
  EXPECT_TRUE(a.ok) << a.reason;
  EXPECT_EQ(*a.content_json, R"({"ok":true,"label":"rollback-smoke"})");
  EXPECT_TRUE(EvaluateSmokeAnswer(Input(" {\"label\":\"rollback-smoke\",\"ok\":true}\n")).ok);
}

TEST(SmokeAnswerTest, FailuresNameTheReasonWithoutQuotingTheText) {
  SmokeAnswer prose = EvaluateSmokeAnswer(Input("Sure! Here you go: ok"));
  EXPECT_FALSE(prose.ok);
  EXPECT_NE(prose.reason.find("prose"), std::string::npos);
  EXPECT_EQ(prose.reason.find("Sure"), std::string::npos);

  SmokeAnswer fenced = EvaluateSmokeAnswer(Input("```json\n{\"ok\":true}\n```"));
  EXPECT_NE(fenced.reason.find("code fence"), std::string::npos);

  SmokeAnswer truncated = EvaluateSmokeAnswer(Input(R"({"ok":true,"lab)", "length"));
  EXPECT_NE(truncated.reason.find("max_tokens (now 40)"), std::string::npos);

  EXPECT_NE(EvaluateSmokeAnswer(Input(R"({"ok":false,"label":"rollback-smoke"})"))
                .reason.find("\"ok\": true"),
            std::string::npos);
  EXPECT_NE(EvaluateSmokeAnswer(Input(R"({"ok":true,"label":"other"})")).reason.find("label"),
            std::string::npos);
}

TEST(SmokeAnswerTest, RefusalAndContentFilterFail) {
  SmokeAnswerInput refused = Input(R"({"ok":true,"label":"rollback-smoke"})");
  refused.refused = true;
  EXPECT_NE(EvaluateSmokeAnswer(refused).reason.find("refused"), std::string::npos);
  EXPECT_NE(EvaluateSmokeAnswer(Input("", "content_filter")).reason.find("content_filter"),
            std::string::npos);
  SmokeAnswerInput null_content = Input("");
  null_content.has_content = false;
  EXPECT_FALSE(EvaluateSmokeAnswer(null_content).ok);
}

TEST(SmokeRequestTest, BodyCarriesPromptBudgetAndStreamOptionsOnlyWhenStreaming) {
  PromptOptions prompt;
  std::string body = BuildSmokeRequestBody("gpt-4o-mini", prompt, false);
  EXPECT_NE(body.find("\"max_tokens\":40"), std::string::npos);
  EXPECT_NE(body.find("\"temperature\":0"), std::string::npos);
  EXPECT_EQ(body.find("stream"), std::string::npos);
  EXPECT_NE(body.find(R"(Return {\"ok\":true,\"label\":\"rollback-smoke\"})"), std::string::npos);
  prompt.token_field = PromptOptions::TokenField::kMaxCompletionTokens;
  prompt.max_tokens = 400;
  std::string streaming = BuildSmokeRequestBody("o4", prompt, true);
  EXPECT_NE(streaming.find("\"max_completion_tokens\":400"), std::string::npos);
  EXPECT_NE(streaming.find("\"stream\":true"), std::string::npos);
  EXPECT_NE(streaming.find("\"include_usage\":true"), std::string::npos);
}

}  // namespace
}  // namespace rollgate::internal
