#include "evidence/evidence.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace rollgate::internal {
namespace {

RunReport Sample() {
  RunReport report;
  report.command = Command::kGate;
  report.service = "svc <&> \"quoted\"";
  report.decision = Decision::kBlock;
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
  EXPECT_NE(xml.find("key rejected | &lt;401&gt; &amp;  control"), std::string::npos) << xml;
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"gates\""), std::string::npos);
}

TEST(EvidenceTest, SummaryTableEscapesPipes) {
  std::string md = RenderSummaryMarkdown(Sample());
  EXPECT_NE(md.find("| `rollback_release_smoke` | ❌ fail | ROLLBACK IS NOT SAFE |"),
            std::string::npos);
  EXPECT_NE(md.find("key rejected \\| &lt;401&gt;"), std::string::npos) << md;
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

TEST(EvidenceTest, EachAttemptNamesItsKindInBothFiles) {
  RunReport report = Sample();
  std::vector<AttemptRecord>& attempts = report.releases[0].attempts;
  attempts.resize(3, attempts[0]);
  attempts[1].kind = AttemptKind::kStream;
  attempts[2].kind = AttemptKind::kNegativeAuth;
  std::vector<std::string> lines = Split(RenderProbesJsonl(report), '\n');
  nlohmann::json gate = nlohmann::json::parse(RenderGateJson(report));
  const char* words[] = {"chat", "stream", "negative_auth"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(nlohmann::json::parse(lines.at(i))["kind"], words[i]) << i;
    EXPECT_EQ(gate["releases"][0]["attempts"][i]["kind"], words[i]) << i;
  }
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

// A report as a hostile provider and a careless environment would fill it.
RunReport HostileSample() {
  RunReport report = Sample();
  report.service = "svc\x1b]0;pwned\x07";
  ReleaseReport& r = report.releases[0];
  r.version = "2.3.1\x1b[2J\r";  // from an env var
  r.model =
      "gpt\xc2\x9b"
      "31m";  // a C1 CSI
  r.endpoint = "exec: env APP_KEY=my-real-key-0001 app smoke";
  r.provenance["model"] = "env MODEL\x07";
  r.parsed.response_model = "m\xff\xfe";
  r.request_id = "req\x1b[31m-1";
  r.attempts[0].request_id = "req\x1b[31m-1";
  r.attempts[0].request_id_source = "header x-\x1b[1mevil-request-id";
  r.checks[0].detail =
      "key rejected (401: \x1b[31mred\x07\rFAKE PASS <img src=x onerror=alert(1)> "
      "[login](https://evil.example/x) my-real-key-0001)";
  report.gates[0].detail = "see `rollback`\x1b[0m | fake | cell |";
  return report;
}

bool HasControl(const std::string& s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
  }
  return s.find("\xc2\x9b") != std::string::npos || s.find("\xff") != std::string::npos;
}

TEST(EvidenceTest, RedactReportLeavesNoSecretAndNoControlCharacterInAnyField) {
  RunReport report = HostileSample();
  Redactor redactor;
  redactor.AddSecret("my-real-key-0001");
  RedactReport(redactor, &report);
  const ReleaseReport& r = report.releases[0];
  for (const std::string& field :
       {report.service, r.version, r.model, r.endpoint, r.provenance.at("model"),
        r.parsed.response_model, r.request_id, r.attempts[0].request_id,
        r.attempts[0].request_id_source, r.checks[0].detail, report.gates[0].detail}) {
    EXPECT_FALSE(HasControl(field)) << SanitizeForDisplay(field);
    EXPECT_EQ(field.find("my-real-key-0001"), std::string::npos) << field;
  }
  EXPECT_EQ(r.endpoint, "exec: env APP_KEY=[redacted] app smoke");
  EXPECT_EQ(r.version, "2.3.1[2J ");
  EXPECT_EQ(r.parsed.response_model, "m\xef\xbf\xbd\xef\xbf\xbd");
  for (const std::string& out :
       {RenderConsole(report, {false}), RenderSummaryMarkdown(report), RenderJunitXml(report),
        RenderGateJson(report), RenderProbesJsonl(report)}) {
    EXPECT_FALSE(HasControl(out)) << SanitizeForDisplay(out, 4000);
  }
}

TEST(EvidenceTest, RenderersAreSafeEvenForAnUnscrubbedReport) {
  RunReport report = HostileSample();
  for (const std::string& out :
       {RenderConsole(report, {false}), RenderSummaryMarkdown(report), RenderJunitXml(report)}) {
    EXPECT_FALSE(HasControl(out)) << SanitizeForDisplay(out, 4000);
  }
}

TEST(EvidenceTest, SummaryEscapesMarkdownAndHtmlFromProviders) {
  RunReport report = HostileSample();
  std::string md = RenderSummaryMarkdown(report);
  EXPECT_NE(md.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos) << md;
  EXPECT_EQ(md.find("<img"), std::string::npos) << md;
  EXPECT_EQ(md.find("](https://evil"), std::string::npos) << md;
  EXPECT_EQ(md.find("https://evil"), std::string::npos) << md;
  EXPECT_EQ(md.find("| fake | cell |"), std::string::npos) << "no extra table columns: " << md;
  EXPECT_NE(md.find("\\| fake \\| cell \\|"), std::string::npos) << md;
  EXPECT_NE(md.find("see \\`rollback\\`"), std::string::npos) << md;
}

TEST(EvidenceTest, DoneSeenIsNullWhenTheAppDidNotReportIt) {
  RunReport report = Sample();
  report.releases[0].stream.probed = true;
  report.releases[0].stream.done_seen = std::nullopt;
  nlohmann::json j = nlohmann::json::parse(RenderGateJson(report));
  EXPECT_TRUE(j["releases"][0]["stream"]["done_seen"].is_null())
      << j["releases"][0]["stream"].dump();
  report.releases[0].stream.done_seen = true;
  j = nlohmann::json::parse(RenderGateJson(report));
  EXPECT_EQ(j["releases"][0]["stream"]["done_seen"], true);
}

}  // namespace
}  // namespace rollgate::internal
