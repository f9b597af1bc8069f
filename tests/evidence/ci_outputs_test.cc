// GitHub Actions and GitLab CI outputs (docs/ci.md): escaping per GitHub's rules, one
// annotation per failing gate that no provider text can break out of, step outputs, dotenv.
#include "evidence/ci_outputs.h"

#include <gtest/gtest.h>

#include <string>

#include "base/strings.h"

namespace rollgate::internal {
namespace {

constexpr char kCiFakeKey[] = "sk-CIOUTPUTS-9f8e7d6c5b4a3210";

RunReport CiSample() {
  RunReport report;
  report.command = Command::kGate;
  report.service = "checkout, assistant";
  report.decision = Decision::kBlock;
  ReleaseReport n;
  n.name = "new";
  n.version = "2.4.0";
  ReleaseReport b;
  b.name = "rollback";
  b.version = "2.3.1";
  report.releases = {n, b};
  report.gates = {
      {"contract_reviewed", CheckStatus::kPass, "reviewed 10 days ago", false},
      {"new_release_smoke", CheckStatus::kPass, "every check passed", false},
      {"rollback_release_smoke", CheckStatus::kFail,
       "ROLLBACK IS NOT SAFE: authentication failed: key rejected (401 Incorrect API key "
       "provided: " +
           std::string(kCiFakeKey) + ")\n::set-output name=decision::pass\r\n::error::100% forged",
       false},
      {"negative_auth", CheckStatus::kFail, "an invalid token was accepted", false},
      {"observability", CheckStatus::kPass, "no request id from the provider", true},
      {"rollback_switch_drill", CheckStatus::kSkip, "not part of rollgate gate", false},
  };
  return report;
}

TEST(CiOutputsTest, EscapingFollowsGithubsRules) {
  EXPECT_EQ(GithubEscapeData("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
  EXPECT_EQ(GithubEscapeProperty("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
}

TEST(CiOutputsTest, OneErrorPerFailingGateAndAWarningPerPassWithANote) {
  Redactor redactor;
  redactor.AddSecret(kCiFakeKey);
  std::string out = RenderGithubAnnotations(CiSample(), redactor);
  std::vector<std::string> lines = Split(out.substr(0, out.size() - 1), '\n');
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_EQ(
      lines[0].rfind(
          "::error title=rollgate gate (checkout%2C assistant)%3A rollback_release_smoke failed::"
          "release rollback 2.3.1: ROLLBACK IS NOT SAFE: authentication failed",
          0),
      0u)
      << lines[0];
  EXPECT_EQ(lines[1],
            "::error title=rollgate gate (checkout%2C assistant)%3A negative_auth failed::"
            "releases new 2.4.0, rollback 2.3.1: an invalid token was accepted");
  EXPECT_EQ(
      lines[2],
      "::warning title=rollgate gate (checkout%2C assistant)%3A observability passed with a note::"
      "releases new 2.4.0, rollback 2.3.1: no request id from the provider");
}

TEST(CiOutputsTest, ProviderTextCannotLeakTheKeyOrInjectAWorkflowCommand) {
  Redactor redactor;
  redactor.AddSecret(kCiFakeKey);
  std::string out = RenderGithubAnnotations(CiSample(), redactor);
  EXPECT_EQ(out.find(kCiFakeKey), std::string::npos) << out;
  EXPECT_NE(out.find("[redacted]"), std::string::npos) << out;
  // Every line is one of ours: the provider's "\n::set-output" stayed inside the message.
  for (const std::string& line : Split(out.substr(0, out.size() - 1), '\n')) {
    EXPECT_TRUE(line.rfind("::error title=rollgate gate", 0) == 0 ||
                line.rfind("::warning title=rollgate gate", 0) == 0)
        << line;
  }
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_NE(out.find("::set-output name=decision::pass  ::error::100%25 forged"), std::string::npos)
      << out;
  // A key nobody told the redactor about is still masked by its shape.
  EXPECT_EQ(RenderGithubAnnotations(CiSample(), Redactor()).find(kCiFakeKey), std::string::npos);
}

TEST(CiOutputsTest, APassWithoutNotesHasNoAnnotationAndALongDetailIsCut) {
  RunReport report = CiSample();
  report.gates = {{"negative_auth", CheckStatus::kPass, "rejected", false}};
  EXPECT_EQ(RenderGithubAnnotations(report, Redactor()), "");
  report.gates = {{"negative_auth", CheckStatus::kFail, std::string(5000, 'x'), false}};
  std::string out = RenderGithubAnnotations(report, Redactor());
  EXPECT_LT(out.size(), 1500u);
  EXPECT_NE(out.find("x…\n"), std::string::npos);
}

TEST(CiOutputsTest, VerdictListsTheFailingGatesInOrder) {
  CiVerdict v = CiVerdictFor(CiSample(), "out/ev");
  EXPECT_EQ(v.decision, Decision::kBlock);
  EXPECT_EQ(v.evidence_dir, "out/ev");
  EXPECT_EQ(Join(v.blocked_gates, ","), "rollback_release_smoke,negative_auth");

  RunReport other = CiSample();
  other.service = "billing";
  other.gates = {{"contract_reviewed", CheckStatus::kFail, "stale", false}};
  CiVerdict fleet = CiVerdictForFleet({CiSample(), other}, Decision::kBlock, "ev");
  EXPECT_EQ(Join(fleet.blocked_gates, ","),
            "checkout, assistant/rollback_release_smoke,checkout, assistant/negative_auth,"
            "billing/contract_reviewed");
}

TEST(CiOutputsTest, GithubOutputsUseTheDelimiterFormOnlyForALineBreak) {
  CiVerdict v{Decision::kBlock, {"negative_auth", "observability"}, "/w/ev"};
  EXPECT_EQ(RenderGithubOutputs(v),
            "decision=block\nevidence_dir=/w/ev\nblocked_gates=negative_auth,observability\n");
  v.evidence_dir = "/w/odd\ndir ROLLGATE_EOF";
  EXPECT_EQ(
      RenderGithubOutputs(v),
      "decision=block\nevidence_dir<<ROLLGATE_EOF_1\n/w/odd\ndir ROLLGATE_EOF\nROLLGATE_EOF_1\n"
      "blocked_gates=negative_auth,observability\n");
}

TEST(CiOutputsTest, StopCommandsWrapsWithTheToken) {
  EXPECT_EQ(GithubStopCommands("tok123"), "::stop-commands::tok123\n");
  EXPECT_EQ(GithubResumeCommands("tok123"), "::tok123::\n");
}

TEST(CiOutputsTest, DotenvIsWhatGitlabParses) {
  Result<std::string> env =
      RenderDotenv({Decision::kBlock, {"negative_auth", "observability"}, "ev/$CI_JOB_ID"});
  ASSERT_TRUE(env.ok()) << env.status().message();
  EXPECT_EQ(*env,
            "ROLLGATE_DECISION=block\nROLLGATE_BLOCKED_GATES=negative_auth,observability\n"
            "ROLLGATE_EVIDENCE_DIR=ev/$$CI_JOB_ID\n");
  env = RenderDotenv({Decision::kPass, {}, "rollgate-evidence"});
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(
      *env,
      "ROLLGATE_DECISION=pass\nROLLGATE_BLOCKED_GATES=\nROLLGATE_EVIDENCE_DIR=rollgate-evidence\n");
}

TEST(CiOutputsTest, DotenvRefusesAValueGitlabWouldChange) {
  Result<std::string> env = RenderDotenv({Decision::kPass, {}, "ev\nROLLGATE_DECISION=pass"});
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(env.status().message().find("ROLLGATE_EVIDENCE_DIR"), std::string::npos)
      << env.status().message();
  EXPECT_NE(env.status().message().find("line break"), std::string::npos);
  env = RenderDotenv({Decision::kPass, {}, "ev "});
  ASSERT_FALSE(env.ok());
  EXPECT_NE(env.status().message().find("white space"), std::string::npos)
      << env.status().message();
}

}  // namespace
}  // namespace rollgate::internal
