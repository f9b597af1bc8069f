#include "gate/consistency.h"

#include <gtest/gtest.h>

#include "base/secret.h"

namespace rollgate::internal {
namespace {

class ConsistencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto* c : {&new_cfg_, &old_cfg_}) {
      c->timeout_ms = 20000;
    }
    a_ = Profile("new", &new_cfg_);
    b_ = Profile("rollback", &old_cfg_);
  }
  static ReleaseProfile Profile(const std::string& name, const ReleaseConfig* cfg) {
    ReleaseProfile p;
    p.name = name;
    p.config = cfg;
    p.base_url = "https://api.cometapi.com";
    p.method = "POST";
    p.path = "/v1/chat/completions";
    p.model = "gpt-4o-mini";
    p.key_fingerprint = "sha256:aaaaaaaaaaaa";
    p.provenance = {{"model", "literal"}, {"api_key", "env KEY"}, {"base_url", "literal"}};
    return p;
  }
  ReleaseConfig new_cfg_, old_cfg_;
  ReleaseProfile a_, b_;
};

// An exec release has no HTTP method; the diff row shows it as "EXEC", as it always has.
TEST_F(ConsistencyTest, AnExecReleaseShowsItsMethodAsExec) {
  old_cfg_.probe = ProbeKind::kExec;
  b_.method.clear();  // as ResolveRelease leaves it for exec
  int rows = 0;
  for (const FieldDiff& d : DiffReleases(a_, b_, {})) {
    if (d.field != "method") continue;
    ++rows;
    EXPECT_EQ(d.left, "POST");
    EXPECT_EQ(d.right, "EXEC");
    EXPECT_TRUE(d.differs);
  }
  EXPECT_EQ(rows, 1);
}

TEST_F(ConsistencyTest, IdenticalReleasesPass) {
  CheckResult g = ConfigConsistencyGate(DiffReleases(a_, b_, {}), "new", "rollback");
  EXPECT_EQ(g.status, CheckStatus::kPass) << g.detail;
}

TEST_F(ConsistencyTest, UndeclaredDifferenceBlocksWithBothValuesAndSources) {
  b_.model = "gpt-4o";
  b_.provenance["model"] = "yaml deploy/v1/app.yaml:llm.model (line 3)";
  old_cfg_.timeout_ms = 60000;
  CheckResult g = ConfigConsistencyGate(DiffReleases(a_, b_, {"timeout_ms"}), "new", "rollback");
  EXPECT_EQ(g.status, CheckStatus::kFail);
  EXPECT_NE(g.detail.find("model: new 'gpt-4o-mini' (literal) vs rollback 'gpt-4o' (yaml "
                          "deploy/v1/app.yaml:llm.model (line 3))"),
            std::string::npos)
      << g.detail;
  EXPECT_EQ(g.detail.find("timeout_ms"), std::string::npos);  // declared, so not in the failure
  CheckResult declared =
      ConfigConsistencyGate(DiffReleases(a_, b_, {"timeout_ms", "model"}), "new", "rollback");
  EXPECT_EQ(declared.status, CheckStatus::kPass);
  EXPECT_NE(declared.detail.find("only expected differences"), std::string::npos);
}

TEST_F(ConsistencyTest, EndpointComparesThePort) {
  a_.base_url = "http://127.0.0.1:9";
  b_.base_url = "http://127.0.0.1:10";
  CheckResult g = ConfigConsistencyGate(DiffReleases(a_, b_, {}), "new", "rollback");
  EXPECT_EQ(g.status, CheckStatus::kFail);
  EXPECT_NE(
      g.detail.find(
          "endpoint_host: new 'http://127.0.0.1:9' (literal) vs rollback 'http://127.0.0.1:10'"),
      std::string::npos)
      << g.detail;
  // The default port written out or left implicit is the same server.
  a_.base_url = "https://API.cometapi.com:443/v1";
  b_.base_url = "https://api.cometapi.com/v1/";
  EXPECT_EQ(ConfigConsistencyGate(DiffReleases(a_, b_, {}), "new", "rollback").status,
            CheckStatus::kPass);
  b_.base_url = "http://api.cometapi.com";
  EXPECT_EQ(ConfigConsistencyGate(DiffReleases(a_, b_, {}), "new", "rollback").status,
            CheckStatus::kFail);
}

TEST_F(ConsistencyTest, SecretResolvingOnOneSideIsNeverExpected) {
  b_.key_fingerprint = "";
  b_.errors = {"api_key from env KEY_OLD: env KEY_OLD is not set"};
  CheckResult g =
      ConfigConsistencyGate(DiffReleases(a_, b_, {"key_fingerprint"}), "new", "rollback");
  EXPECT_EQ(g.status, CheckStatus::kFail);
  EXPECT_NE(g.detail.find("key_fingerprint resolves for new (env KEY) but not for rollback "
                          "(api_key from env KEY_OLD: "
                          "env KEY_OLD is not set)"),
            std::string::npos)
      << g.detail;
}

TEST_F(ConsistencyTest, HeadersAreComparedByFingerprintNeverByValue) {
  ValueSource env;
  env.kind = ValueSource::Kind::kEnv;
  env.name = "GW_KEY";
  new_cfg_.headers["X-Api-Key"] = env;
  old_cfg_.headers["x-api-key"] = env;
  a_.headers = {{"X-Api-Key", "gw-new-secret-1", true}};
  a_.provenance["headers.X-Api-Key"] = "env GW_KEY";
  b_.headers = {{"x-api-key", "gw-old-secret-2", true}};
  b_.provenance["headers.x-api-key"] = "env GW_KEY";
  std::vector<FieldDiff> diffs = DiffReleases(a_, b_, {});
  const FieldDiff& row = diffs.back();
  EXPECT_EQ(row.field, "headers.X-Api-Key");
  EXPECT_EQ(row.left, KeyFingerprint("gw-new-secret-1"));
  EXPECT_EQ(row.right, KeyFingerprint("gw-old-secret-2"));
  EXPECT_TRUE(row.differs);
  CheckResult g = ConfigConsistencyGate(diffs, "new", "rollback");
  EXPECT_EQ(g.status, CheckStatus::kFail);
  EXPECT_EQ(g.detail.find("gw-new-secret"), std::string::npos) << g.detail;
  EXPECT_EQ(ConfigConsistencyGate(DiffReleases(a_, b_, {"headers"}), "new", "rollback").status,
            CheckStatus::kPass);
  EXPECT_EQ(
      ConfigConsistencyGate(DiffReleases(a_, b_, {"headers.X-Api-Key"}), "new", "rollback").status,
      CheckStatus::kPass);

  // Sent by one release only, or configured but unresolved.
  b_.headers.clear();
  b_.errors = {"headers.x-api-key from env GW_KEY: env GW_KEY is not set"};
  const FieldDiff unresolved = DiffReleases(a_, b_, {"headers"}).back();
  EXPECT_TRUE(unresolved.unresolved);
  EXPECT_EQ(unresolved.right_source, "headers.x-api-key from env GW_KEY: env GW_KEY is not set");
  old_cfg_.headers.clear();
  const FieldDiff one_side = DiffReleases(a_, b_, {}).back();
  EXPECT_EQ(one_side.right, "(not sent)");
  EXPECT_TRUE(one_side.differs);
}

TEST_F(ConsistencyTest, RetryPolicyAudit) {
  EXPECT_EQ(RetryPolicyGate({a_, b_}).status, CheckStatus::kPass);
  old_cfg_.retry.retry_on = {400, 503};
  CheckResult bad = RetryPolicyGate({a_, b_});
  EXPECT_EQ(bad.status, CheckStatus::kFail);
  EXPECT_NE(bad.detail.find("releases.rollback.retry retries 400"), std::string::npos);
  old_cfg_.retry.retry_on = {503};
  old_cfg_.retry.max_attempts = 8;
  old_cfg_.retry.backoff_ms = 5000;
  old_cfg_.timeout_ms = 10000;
  CheckResult noted = RetryPolicyGate({a_, b_});
  EXPECT_EQ(noted.status, CheckStatus::kPass);
  EXPECT_TRUE(noted.warning);
  EXPECT_NE(noted.detail.find("8 attempts"), std::string::npos);
  EXPECT_NE(noted.detail.find("longer than timeout_ms 10000"), std::string::npos);
}

}  // namespace
}  // namespace rollgate::internal
