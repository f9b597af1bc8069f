#include "checks/app_negative_auth.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

const std::vector<int> kNegJudgeExpect = {401, 403};

AppNegativeAuthInput NegJudgeInput(const std::string& protocol_line, bool http = false) {
  AppNegativeAuthInput in;
  in.release = "new";
  in.http = http;
  in.answer = ParseAppAnswer(protocol_line, {});
  return in;
}

CheckResult NegJudge(const std::string& line, bool http = false) {
  return EvaluateAppNegativeAuth(NegJudgeInput(line, http), kNegJudgeExpect);
}

TEST(AppNegativeAuthJudgeTest, A401OrATypedAuthErrorWithNoContentPasses) {
  CheckResult r = NegJudge(
      R"({"status":401,"error":{"type":"AuthenticationError","code":"invalid_api_key","message":"bad key"},)"
      R"("smoke_api_key_used":true,"client":{"sdk":"OpenAI/JS"}})");
  EXPECT_EQ(r.status, CheckStatus::kPass) << r.detail;
  EXPECT_EQ(r.detail,
            "new's own client treated the invalid key as an error: 401 AuthenticationError "
            "invalid_api_key: "
            "bad key, no content");
  EXPECT_EQ(NegJudge(R"({"status":403,"smoke_api_key_used":true})").status, CheckStatus::kPass);
  // No HTTP status, but the client's typed error says what happened.
  EXPECT_EQ(
      NegJudge(R"({"status":0,"error":{"type":"AuthenticationError"},"smoke_api_key_used":true})")
          .status,
      CheckStatus::kPass);
}

TEST(AppNegativeAuthJudgeTest, ContentFromTheInvalidKeyFails) {
  CheckResult r =
      NegJudge(R"({"status":200,"content":"{\"ok\":true}","smoke_api_key_used":true,"client":{}})");
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail.rfind(
                "content from an invalid key: new's app (smoke command) used the deliberately", 0),
            0u)
      << r.detail;
  // Content next to a 401 is still content: the client turned the error into an answer.
  EXPECT_EQ(NegJudge(R"({"status":401,"content":"hi","smoke_api_key_used":true})").status,
            CheckStatus::kFail);
  CheckResult empty = NegJudge(R"({"status":200,"content":null,"smoke_api_key_used":true})");
  EXPECT_EQ(empty.status, CheckStatus::kFail);
  EXPECT_NE(empty.detail.find("a success without content"), std::string::npos) << empty.detail;
}

TEST(AppNegativeAuthJudgeTest, AnAppIgnoringTheKeyFailsSayingWhich) {
  CheckResult exec = NegJudge(R"({"status":200,"content":"{\"ok\":true}","client":{"sdk":"x"}})");
  EXPECT_EQ(exec.status, CheckStatus::kFail);
  EXPECT_EQ(exec.detail.rfind(
                "the app ignored ROLLGATE_SMOKE_API_KEY: new's app (smoke command) answered the "
                "invalid-token call with 200 and content, so its call succeeded with its own key",
                0),
            0u)
      << exec.detail;
  EXPECT_NE(exec.detail.find(AppNegativeAuthHowTo(false)), std::string::npos);
  CheckResult http = NegJudge(R"({"status":200,"content":"x","client":{}})", /*http=*/true);
  EXPECT_EQ(
      http.detail.rfind("the app ignored X-Rollgate-Smoke-Api-Key: new's app (smoke route)", 0), 0u)
      << http.detail;
}

TEST(AppNegativeAuthJudgeTest, AnAppWithoutTheCallSkipsWithTheSentenceToAdd) {
  CheckResult old = NegJudge(R"({"status":200,"content":"{\"ok\":true}"})");
  EXPECT_EQ(old.status, CheckStatus::kSkip);
  EXPECT_EQ(
      old.detail,
      "not run through new's app (smoke command): it does not implement the invalid-token call yet "
      "(its "
      "answer does not say it used ROLLGATE_SMOKE_API_KEY). To add it: when ROLLGATE_SMOKE_API_KEY "
      "is set, "
      "make the smoke command call the provider with that key instead of its configured one and "
      "add "
      "\"smoke_api_key_used\": true to its JSON line (docs/app-probes.md#the-invalid-token-call)");
  // A 401 without the acknowledgement may be the app's own key failing: not proof either.
  EXPECT_EQ(NegJudge(R"({"status":401,"client":{}})").status, CheckStatus::kSkip);
  CheckResult http = NegJudge(R"({"status":200,"content":"x"})", /*http=*/true);
  EXPECT_EQ(http.status, CheckStatus::kSkip);
  EXPECT_NE(http.detail.find(
                "when the X-Rollgate-Smoke-Api-Key header is sent, make the smoke route call"),
            std::string::npos)
      << http.detail;
}

TEST(AppNegativeAuthJudgeTest, AmbiguousAnswersAndProbeFailuresFail) {
  CheckResult limited =
      NegJudge(R"({"status":429,"error":{"type":"RateLimitError"},"smoke_api_key_used":true})");
  EXPECT_EQ(limited.status, CheckStatus::kFail);
  EXPECT_EQ(
      limited.detail.rfind("ambiguous: new's app (smoke command) reported 429 RateLimitError", 0),
      0u)
      << limited.detail;
  EXPECT_NE(limited.detail.find("not 401/403"), std::string::npos);
  EXPECT_EQ(NegJudge(R"({"status":0,"error":"timeout","smoke_api_key_used":true})").status,
            CheckStatus::kFail);

  AppNegativeAuthInput crashed = NegJudgeInput("");
  crashed.failure = "the smoke command `app smoke` exited with 1";
  CheckResult r = EvaluateAppNegativeAuth(crashed, kNegJudgeExpect);
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_EQ(r.detail,
            "the invalid-token call through new's app (smoke command) failed: the smoke command "
            "`app smoke` exited with 1");
}

}  // namespace
}  // namespace rollgate::internal
