#include "evidence/evidence.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rollgate::internal {
namespace {

RunReport Sample() {
  RunReport report;
  report.command = "gate";
  report.service = "svc <&> \"quoted\"";
  report.decision = "block";
  report.started_unix_ms = 1795564800000;
  report.finished_unix_ms = 1795564800250;
  ReleaseReport r;
  r.name = "rollback";
  r.version = "2.3.1";
  r.endpoint = "http://127.0.0.1:1/v1/chat/completions";
  r.method = "POST";
  r.model = "gpt-4o-mini";
  r.key_fingerprint = "sha256:0123456789ab";
  AttemptRecord a;
  a.ts_unix_ms = 1795564800000;
  a.http_status = 401;
  a.outcome = "http_401";
  a.error = "";
  r.attempts = {a};
  r.checks = {{"authentication", CheckStatus::kFail, "key rejected | <401> & \x01 control", false},
              {"model", CheckStatus::kSkip, "not reached", false}};
  report.releases = {r};
  report.gates = {{"rollback_release_smoke", CheckStatus::kFail, "ROLLBACK IS NOT SAFE", false}};
  return report;
}

TEST(EvidenceTest, GateJsonHasTheDesignFields) {
  nlohmann::json j = nlohmann::json::parse(RenderGateJson(Sample()));
  for (const char* k :
       {"tool", "service", "started_at", "finished_at", "decision", "gates", "releases"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  const auto& r = j["releases"][0];
  for (const char* k :
       {"name", "version", "probe", "endpoint", "method", "model", "key_fingerprint", "timestamp",
        "http_status", "request_id", "latency_ms", "attempts", "timings", "parsed", "checks"}) {
    EXPECT_TRUE(r.contains(k)) << k;
  }
  for (const char* k : {"dns_ms", "connect_ms", "tls_ms", "ttfb_ms", "total_ms"})
    EXPECT_TRUE(r["timings"].contains(k));
  EXPECT_EQ(j["started_at"], "2026-11-25T00:00:00.000Z");
  EXPECT_TRUE(r["request_id"].is_null());
}

TEST(EvidenceTest, JunitIsEscapedAndCountsFailures) {
  std::string xml = RenderJunitXml(Sample());
  EXPECT_NE(xml.find("<testsuite name=\"release.rollback\" tests=\"2\" failures=\"1\" errors=\"0\" "
                     "skipped=\"1\""),
            std::string::npos);
  EXPECT_NE(xml.find("key rejected | &lt;401&gt; &amp; ? control"), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"gates\""), std::string::npos);
}

TEST(EvidenceTest, SummaryTableEscapesPipes) {
  std::string md = RenderSummaryMarkdown(Sample());
  EXPECT_NE(md.find("| `rollback_release_smoke` | ❌ fail | ROLLBACK IS NOT SAFE |"),
            std::string::npos);
  EXPECT_NE(md.find("key rejected \\| <401>"), std::string::npos);
  EXPECT_NE(md.find("**Decision: block**"), std::string::npos);
}

TEST(EvidenceTest, ProbesJsonlHasOneLinePerAttemptWithTheDesignFields) {
  std::string jsonl = RenderProbesJsonl(Sample());
  nlohmann::json line = nlohmann::json::parse(jsonl.substr(0, jsonl.find('\n')));
  for (const char* k : {"ts", "service", "release", "version", "endpoint", "model", "status",
                        "request_id", "latency_ms", "attempt", "outcome"}) {
    EXPECT_TRUE(line.contains(k)) << k;
  }
  EXPECT_EQ(line["version"], "2.3.1");
}

TEST(EvidenceTest, ConsoleColoursOnlyWhenAsked) {
  RunReport report = Sample();
  EXPECT_EQ(RenderConsole(report, {false}).find('\033'), std::string::npos);
  EXPECT_NE(RenderConsole(report, {true}).find("\033[1;31m"), std::string::npos);
  EXPECT_NE(RenderConsole(report, {false}).find("DECISION: BLOCK  failed: rollback_release_smoke"),
            std::string::npos);
}

TEST(EvidenceTest, RedactReportScrubsEchoedSecrets) {
  RunReport report = Sample();
  report.releases[0].checks[0].detail =
      "provider said: Incorrect API key provided: my-real-key-0001";
  report.releases[0].attempts[0].error = "my-real-key-0001";
  Redactor redactor;
  redactor.AddSecret("my-real-key-0001");
  RedactReport(redactor, &report);
  EXPECT_EQ(report.releases[0].checks[0].detail,
            "provider said: Incorrect API key provided: [redacted]");
  EXPECT_EQ(report.releases[0].attempts[0].error, "[redacted]");
}

}  // namespace
}  // namespace rollgate::internal
