#include "checks/app_logs.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

TEST(AppLogsTest, FindsTheLineByCorrelationIdAndChecksFields) {
  Redactor redactor;
  redactor.AddSecret("sk-live-secret-000000");
  std::string logs =
      R"({"ts":"t","msg":"other request","correlation_id":"rg-0000"})"
      "\n"
      R"({"ts":"t","msg":"smoke completion ok","version":"2.4.0","route":"/smoke","status":200,"request_id":"r1","correlation_id":"rg-abc"})"
      "\n";
  CheckResult ok = CheckAppLogs(
      {logs, {"rg-abc"}, {"version", "route", "status", "request_id"}, "kubectl logs", {}, {}},
      redactor);
  EXPECT_EQ(ok.status, CheckStatus::kPass) << ok.detail;

  CheckResult minimal =
      CheckAppLogs({R"({"level":"error","msg":"completion failed","correlation_id":"rg-abc"})",
                    {"rg-abc"},
                    {"version", "route", "status", "request_id"},
                    "kubectl logs",
                    {},
                    {}},
                   redactor);
  EXPECT_EQ(minimal.status, CheckStatus::kFail);
  EXPECT_NE(minimal.detail.find("lacks version, route, status, request_id"), std::string::npos);

  CheckResult absent =
      CheckAppLogs({logs, {"rg-zzz"}, {"version"}, "kubectl logs", {}, {}}, redactor);
  EXPECT_EQ(absent.status, CheckStatus::kFail);
  EXPECT_NE(absent.detail.find("rg-zzz"), std::string::npos);
}

TEST(AppLogsTest, SecretInALogLineFailsWithoutQuotingIt) {
  Redactor redactor;
  redactor.AddSecret("sk-live-secret-000000");
  CheckResult leak = CheckAppLogs({"version=2.4.0 route=/smoke status=200 request_id=r auth=Bearer "
                                   "sk-live-secret-000000 cid=rg-abc",
                                   {"rg-abc"},
                                   {"version"},
                                   "tail app.log",
                                   {},
                                   {}},
                                  redactor);
  EXPECT_EQ(leak.status, CheckStatus::kFail);
  EXPECT_NE(leak.detail.find("secret"), std::string::npos);
  EXPECT_EQ(leak.detail.find("sk-live"), std::string::npos);
  CheckResult logfmt =
      CheckAppLogs({"version=2.4.0 route=/smoke status=200 request_id=r cid=rg-abc",
                    {"rg-abc"},
                    {"version", "route", "status", "request_id"},
                    "tail app.log",
                    {},
                    {}},
                   redactor);
  EXPECT_EQ(logfmt.status, CheckStatus::kPass) << logfmt.detail;
}

TEST(AppLogsTest, JsonFieldNamesAreConfigurable) {
  Redactor redactor;
  const std::string line =
      R"({"app":{"ver":"2.4.0"},"http":{"path":"/smoke","code":200},"upstream_id":"r1","cid":"rg-abc"})";
  AppLogsInput in{line,           {"rg-abc"}, {"version", "route", "status", "request_id"},
                  "file app.log", {},         {}};
  // By their own names, none is there.
  CheckResult plain = CheckAppLogs(in, redactor);
  EXPECT_EQ(plain.status, CheckStatus::kFail);
  EXPECT_NE(plain.detail.find("lacks version, route, status, request_id"), std::string::npos)
      << plain.detail;
  // Mapped: a dotted path from the top, or a key name at any depth.
  in.fields = {{"version", "app.ver"},
               {"route", "http.path"},
               {"status", "code"},
               {"request_id", "upstream_id"}};
  CheckResult mapped = CheckAppLogs(in, redactor);
  EXPECT_EQ(mapped.status, CheckStatus::kPass) << mapped.detail;
  // A path that is not there names the field and the key it looked for.
  in.fields["status"] = "http.status";
  CheckResult wrong = CheckAppLogs(in, redactor);
  EXPECT_EQ(wrong.status, CheckStatus::kFail);
  EXPECT_NE(wrong.detail.find("lacks status (http.status)"), std::string::npos) << wrong.detail;
}

TEST(AppLogsTest, PlainTextLinesMatchARegexPerField) {
  Redactor redactor;
  const std::string line =
      "2026-11-30T10:00:00Z INFO smoke ok v2.4.0 GET /smoke -> 200 upstream req_77 [rg-abc]";
  AppLogsInput in{line,           {"rg-abc"}, {"version", "route", "status", "request_id"},
                  "file app.log", {},         {}};
  EXPECT_EQ(CheckAppLogs(in, redactor).status, CheckStatus::kFail);  // no key=value tokens
  in.patterns = {{"version", " v[0-9]+\\.[0-9]+\\.[0-9]+ "},
                 {"route", "(GET|POST) /[a-z]+"},
                 {"status", "-> [1-5][0-9]{2}"},
                 {"request_id", "upstream req_[0-9a-z]+"}};
  CheckResult ok = CheckAppLogs(in, redactor);
  EXPECT_EQ(ok.status, CheckStatus::kPass) << ok.detail;
  // A field whose pattern does not match is named; the line is not quoted.
  in.logs = "2026-11-30T10:00:00Z ERROR smoke failed v2.4.0 GET /smoke [rg-abc]";
  CheckResult missing = CheckAppLogs(in, redactor);
  EXPECT_EQ(missing.status, CheckStatus::kFail);
  EXPECT_NE(missing.detail.find("lacks status (pattern), request_id (pattern)"), std::string::npos)
      << missing.detail;
  EXPECT_EQ(missing.detail.find("ERROR smoke failed"), std::string::npos);
  // A huge line is matched on its beginning, promptly.
  const std::string huge =
      line + std::string(4 << 20, 'a');  // AppLogsInput::logs is a view: keep it alive
  in.logs = huge;
  EXPECT_EQ(CheckAppLogs(in, redactor).status, CheckStatus::kPass);
}

}  // namespace
}  // namespace rollgate::internal
