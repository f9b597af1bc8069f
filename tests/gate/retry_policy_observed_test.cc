// The retry_policy gate judged from what a release's own client was observed doing on the wire
// (`rollgate rehearse`), with the declared retry: block audited where nothing was observed.
#include <gtest/gtest.h>

#include "gate/consistency.h"

namespace rollgate::internal {
namespace {

class RetryObservedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto* c : {&new_cfg_, &old_cfg_}) c->timeout_ms = 20000;
    profiles_ = {Profile("new", &new_cfg_), Profile("rollback", &old_cfg_)};
  }
  static ReleaseProfile Profile(const std::string& name, const ReleaseConfig* cfg) {
    ReleaseProfile p;
    p.name = name;
    p.config = cfg;
    return p;
  }
  ReleaseConfig new_cfg_, old_cfg_;
  std::vector<ReleaseProfile> profiles_;
};

TEST_F(RetryObservedTest, AnObservedAmplifierFailsWithTheCountEvenWhenItsDeclarationIsClean) {
  std::map<std::string, ObservedRetries> seen;
  seen["new"].sends_per_status = {{400, 1}, {401, 1}, {429, 3}, {503, 3}};
  seen["rollback"].sends_per_status = {{400, 4}, {401, 4}, {500, 4}};
  CheckResult g = RetryPolicyGate(profiles_, &seen);
  EXPECT_EQ(g.status, CheckStatus::kFail) << g.detail;
  EXPECT_NE(
      g.detail.find(
          "observed: rollback's client sent the 400 request 4 times, the 401 request 4 times"),
      std::string::npos)
      << g.detail;
  // The clean declaration says otherwise: named.
  EXPECT_NE(g.detail.find("releases.rollback.retry says it does not retry 400, 401"),
            std::string::npos)
      << g.detail;
  EXPECT_NE(g.detail.find("[judged from the observed client: new, rollback]"), std::string::npos)
      << g.detail;
  // Retrying a 429 or a 5xx is not an amplifier.
  EXPECT_EQ(g.detail.find("new's client"), std::string::npos) << g.detail;
}

TEST_F(RetryObservedTest, WithoutObservationTheDeclarationIsAuditedAndTheGateSaysWhich) {
  old_cfg_.retry.retry_on = {401, 503};
  std::map<std::string, ObservedRetries> seen;
  seen["new"].sends_per_status = {{401, 1}};
  CheckResult g = RetryPolicyGate(profiles_, &seen);
  EXPECT_EQ(g.status, CheckStatus::kFail) << g.detail;
  EXPECT_NE(g.detail.find("releases.rollback.retry retries 401"), std::string::npos) << g.detail;
  EXPECT_NE(
      g.detail.find("judged from the observed client: new; from the declared retry: rollback"),
      std::string::npos)
      << g.detail;
  // No observation at all: the gate is what it always was, with no basis note.
  CheckResult plain = RetryPolicyGate(profiles_);
  EXPECT_EQ(plain.status, CheckStatus::kFail);
  EXPECT_EQ(plain.detail.find("judged from"), std::string::npos) << plain.detail;
}

TEST_F(RetryObservedTest, ADeclarationTheObservationContradictsIsNamedNotFailed) {
  // The declaration retries 401, the client sends it once: the client is what runs.
  old_cfg_.retry.retry_on = {401, 503};
  std::map<std::string, ObservedRetries> seen;
  seen["new"].sends_per_status = {{401, 1}};
  seen["rollback"].sends_per_status = {{401, 1}};
  CheckResult g = RetryPolicyGate(profiles_, &seen);
  EXPECT_EQ(g.status, CheckStatus::kPass) << g.detail;
  EXPECT_TRUE(g.warning);
  EXPECT_NE(g.detail.find("releases.rollback.retry declares retrying 401 but its client was "
                          "observed sending it once"),
            std::string::npos)
      << g.detail;
}

}  // namespace
}  // namespace rollgate::internal
