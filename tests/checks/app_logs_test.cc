#include "checks/app_logs.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

TEST(AppLogsTest, FindsTheLineByCorrelationIdAndChecksFields) {
  Redactor redactor;
  redactor.AddSecret("sk-live-secret-000000");
  std::string logs =
      R"({"ts":"t","msg":"other request","correlation_id":"rg-0000"})" "\n"
      R"({"ts":"t","msg":"smoke completion ok","version":"2.4.0","route":"/smoke","status":200,"request_id":"r1","correlation_id":"rg-abc"})" "\n";
  CheckResult ok = CheckAppLogs({logs, {"rg-abc"}, {"version", "route", "status", "request_id"}, "kubectl logs"}, redactor);
  EXPECT_EQ(ok.status, CheckStatus::kPass) << ok.detail;

  CheckResult minimal = CheckAppLogs(
      {R"({"level":"error","msg":"completion failed","correlation_id":"rg-abc"})", {"rg-abc"},
       {"version", "route", "status", "request_id"}, "kubectl logs"},
      redactor);
  EXPECT_EQ(minimal.status, CheckStatus::kFail);
  EXPECT_NE(minimal.detail.find("lacks version, route, status, request_id"), std::string::npos);

  CheckResult absent = CheckAppLogs({logs, {"rg-zzz"}, {"version"}, "kubectl logs"}, redactor);
  EXPECT_EQ(absent.status, CheckStatus::kFail);
  EXPECT_NE(absent.detail.find("rg-zzz"), std::string::npos);
}

TEST(AppLogsTest, SecretInALogLineFailsWithoutQuotingIt) {
  Redactor redactor;
  redactor.AddSecret("sk-live-secret-000000");
  CheckResult leak = CheckAppLogs(
      {"version=2.4.0 route=/smoke status=200 request_id=r auth=Bearer sk-live-secret-000000 cid=rg-abc", {"rg-abc"},
       {"version"}, "tail app.log"},
      redactor);
  EXPECT_EQ(leak.status, CheckStatus::kFail);
  EXPECT_NE(leak.detail.find("secret"), std::string::npos);
  EXPECT_EQ(leak.detail.find("sk-live"), std::string::npos);
  CheckResult logfmt =
      CheckAppLogs({"version=2.4.0 route=/smoke status=200 request_id=r cid=rg-abc", {"rg-abc"},
                    {"version", "route", "status", "request_id"}, "tail app.log"},
                   redactor);
  EXPECT_EQ(logfmt.status, CheckStatus::kPass) << logfmt.detail;
}

}  // namespace
}  // namespace rollgate::internal
