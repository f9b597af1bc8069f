#include "gate/gates.h"

#include <gtest/gtest.h>

#include "base/clock.h"

namespace rollgate::internal {
namespace {

ReleaseProfile Profile(const std::string& name, const std::string& path = "/v1/chat/completions") {
  ReleaseProfile p;
  p.name = name;
  p.method = "POST";
  p.path = path;
  return p;
}

TEST(ContractGateTest, FreshStaleFutureMissingAndMismatched) {
  ContractState cs;
  cs.state = ContractState::State::kLoaded;
  cs.contract.reviewed_on = "2026-11-20";
  cs.contract.max_age_days = 30;
  cs.contract.sources = {"https://apidoc.cometapi.com/api-13851472"};
  int64_t today = *ParseIsoDate("2026-11-25");
  EXPECT_EQ(ContractReviewedGate(cs, {Profile("new")}, today).status, CheckStatus::kPass);

  CheckResult stale = ContractReviewedGate(cs, {Profile("new")}, *ParseIsoDate("2027-01-05"));
  EXPECT_EQ(stale.status, CheckStatus::kFail);
  EXPECT_NE(stale.detail.find("46 days old (max_age_days 30)"), std::string::npos) << stale.detail;
  EXPECT_NE(stale.detail.find("apidoc.cometapi.com"), std::string::npos);

  EXPECT_NE(ContractReviewedGate(cs, {}, *ParseIsoDate("2026-11-01")).detail.find("in the future"),
            std::string::npos);

  CheckResult mismatch =
      ContractReviewedGate(cs, {Profile("rollback", "/v1/chat/completion")}, today);
  EXPECT_EQ(mismatch.status, CheckStatus::kFail);
  EXPECT_NE(mismatch.detail.find(
                "releases.rollback calls POST /v1/chat/completion but the contract pins"),
            std::string::npos);

  ContractState missing;
  missing.state = ContractState::State::kMissing;
  missing.path = "/x/contract.yaml";
  missing.error = "no such file";
  EXPECT_EQ(ContractReviewedGate(missing, {}, today).status, CheckStatus::kFail);
  EXPECT_EQ(ContractReviewedGate(ContractState{}, {}, today).status, CheckStatus::kFail);
}

TEST(ReleaseGateTest, FirstFailingCheckIsTheDetailAndRollbackIsLoud) {
  ReleaseReport r;
  r.name = "rollback";
  r.checks = {{"configuration", CheckStatus::kPass, "ok", false},
              {"connectivity", CheckStatus::kPass, "ok", false},
              {"authentication", CheckStatus::kFail, "key rejected (401)", false},
              {"model", CheckStatus::kSkip, "not reached", false}};
  CheckResult g = ReleaseSmokeGate(r);
  EXPECT_EQ(g.id, "rollback_release_smoke");
  EXPECT_EQ(g.status, CheckStatus::kFail);
  EXPECT_EQ(g.detail, "ROLLBACK IS NOT SAFE: authentication failed: key rejected (401)");
  r.name = "new";
  r.checks[2].status = CheckStatus::kPass;
  r.checks[1].warning = true;
  r.checks[1].detail = "passed after 1 retry";
  CheckResult ok = ReleaseSmokeGate(r);
  EXPECT_EQ(ok.status, CheckStatus::kPass);
  EXPECT_TRUE(ok.warning);
  EXPECT_NE(ok.detail.find("passed after 1 retry"), std::string::npos);
}

TEST(ObservabilityGateTest, RequestIdAbsenceIsANoteNotAFailure) {
  RunReport report;
  ReleaseReport r;
  r.name = "new";
  r.version = "2.4.0";
  r.endpoint = "http://127.0.0.1:1/v1/chat/completions";
  AttemptRecord a;
  a.ts_unix_ms = 1;
  a.http_status = 200;
  r.attempts = {a};
  report.releases = {r};
  CheckResult none = ObservabilityGate(report);
  EXPECT_EQ(none.status, CheckStatus::kPass);
  EXPECT_TRUE(none.warning);
  report.releases[0].attempts[0].request_id = "req-1";
  report.releases[0].attempts[0].request_id_source = "header x-request-id";
  CheckResult with = ObservabilityGate(report);
  EXPECT_FALSE(with.warning);
  report.releases[0].version = "";
  EXPECT_EQ(ObservabilityGate(report).status, CheckStatus::kFail);
}

TEST(NegativeAuthGateTest, SkipSaysWhyAndAnyFailingEndpointFails) {
  EXPECT_NE(NegativeAuthGate(false, {}, true).detail.find("negative_auth.enabled: false"),
            std::string::npos);
  CheckResult none = NegativeAuthGate(true, {}, false);
  EXPECT_EQ(none.status, CheckStatus::kSkip);
  EXPECT_NE(none.detail.find("no release had a usable configuration"), std::string::npos);
  // exec/http releases without base_url: usable, but nothing names the provider.
  CheckResult app_only = NegativeAuthGate(true, {}, true);
  EXPECT_EQ(app_only.status, CheckStatus::kSkip);
  EXPECT_NE(app_only.detail.find("add base_url"), std::string::npos) << app_only.detail;
  EXPECT_EQ(app_only.detail.find("usable configuration"), std::string::npos) << app_only.detail;

  CheckResult ok{"negative_auth", CheckStatus::kPass, "a rejected the invalid token with 401"};
  CheckResult bad{"negative_auth", CheckStatus::kFail, "b accepted an invalid token"};
  EXPECT_EQ(NegativeAuthGate(true, {ok}, true).status, CheckStatus::kPass);
  CheckResult mixed = NegativeAuthGate(true, {ok, bad}, true);
  EXPECT_EQ(mixed.status, CheckStatus::kFail);
  EXPECT_EQ(mixed.detail, "b accepted an invalid token");
}

TEST(NegativeAuthGateTest, AnAppWithoutTheCallSkipsSayingWhatToAddNeverSilently) {
  CheckResult ok{"negative_auth", CheckStatus::kPass, "a rejected the invalid token with 401"};
  CheckResult todo{"negative_auth", CheckStatus::kSkip,
                   "not run through new's app: To add it: ..."};
  CheckResult bad{"negative_auth", CheckStatus::kFail,
                  "the app ignored ROLLGATE_SMOKE_API_KEY: ..."};
  CheckResult only = NegativeAuthGate(true, {todo}, true);
  EXPECT_EQ(only.status, CheckStatus::kSkip);
  EXPECT_EQ(only.detail, todo.detail);
  CheckResult beside = NegativeAuthGate(true, {ok, todo}, true);
  EXPECT_EQ(beside.status, CheckStatus::kPass);
  EXPECT_TRUE(beside.warning);  // the skip's sentence stays visible as a note
  EXPECT_NE(beside.detail.find("To add it"), std::string::npos) << beside.detail;
  EXPECT_EQ(NegativeAuthGate(true, {todo, bad}, true).status, CheckStatus::kFail);
}

TEST(DecisionTest, AnyFailBlocks) {
  EXPECT_EQ(Decide({{"a", CheckStatus::kPass, "", false}, {"b", CheckStatus::kSkip, "", false}}),
            Decision::kPass);
  EXPECT_EQ(Decide({{"a", CheckStatus::kPass, "", false}, {"b", CheckStatus::kFail, "", false}}),
            Decision::kBlock);
  EXPECT_EQ(ExitCodeFor(Decision::kBlock), ExitCode::kBlock);
  EXPECT_EQ(ExitCodeFor(Decision::kPass), ExitCode::kPass);
}

}  // namespace
}  // namespace rollgate::internal
