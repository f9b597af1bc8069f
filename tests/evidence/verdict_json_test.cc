// The body of `rollgate serve`'s run endpoints, byte for byte (docs/serve.md).
#include "evidence/verdict_json.h"

#include <gtest/gtest.h>

#include "store/history_test_util.h"

namespace rollgate::internal {
namespace {

TEST(VerdictJsonTest, AVerdictListsTheFailingGatesAndChecksRedacted) {
  RunReport report = testing::MakeRun(1795600800000, "", "authentication");
  report.releases[1].checks[2].detail = "bad key tok-123456789";
  Redactor redactor;
  redactor.AddSecret("tok-123456789");
  VerdictBody body;
  body.decision = "block";
  body.report = &report;
  body.result = "reused";
  body.age_seconds = 1.5;
  body.detail = "ignored with a report";
  EXPECT_EQ(RenderVerdictJson(body, redactor),
            R"({"decision":"block","success":false,"failed":[{"id":"rollback_release_smoke",)"
            R"("detail":"smoke failed"}],"failed_checks":[{"release":"rollback",)"
            R"("id":"authentication","detail":"bad key [redacted]"}],)"
            R"("service":"checkout-assistant","started_at":"2026-11-25T09:59:59.800Z",)"
            R"("finished_at":"2026-11-25T10:00:00.000Z","result":"reused","age_seconds":1.5})"
            "\n");
  RunReport pass = testing::MakeRun(1795600800000, "", "");
  body = VerdictBody{"pass", true, &pass, "ran", 0, "", ""};
  EXPECT_EQ(RenderVerdictJson(body, redactor),
            R"({"decision":"pass","success":true,"failed":[],"failed_checks":[],)"
            R"("service":"checkout-assistant","started_at":"2026-11-25T09:59:59.800Z",)"
            R"("finished_at":"2026-11-25T10:00:00.000Z","result":"ran","age_seconds":0.0})"
            "\n");
}

TEST(VerdictJsonTest, NoVerdictCarriesTheReasonAndTheDetailRedacted) {
  Redactor redactor;
  redactor.AddSecret("tok-123456789");
  VerdictBody body;
  body.decision = "capped";
  body.result = "ignored without a report";
  body.reason = "max_runs_per_day";
  body.detail = "why tok-123456789";
  EXPECT_EQ(RenderVerdictJson(body, redactor),
            R"({"decision":"capped","success":false,"failed":[],"failed_checks":[],)"
            R"("finished_at":null,"result":"none","reason":"max_runs_per_day",)"
            R"("detail":"why [redacted]"})"
            "\n");
  body.decision = "busy";
  body.reason.clear();  // no reason: no "reason" key
  EXPECT_EQ(RenderVerdictJson(body, redactor),
            R"({"decision":"busy","success":false,"failed":[],"failed_checks":[],)"
            R"("finished_at":null,"result":"none","detail":"why [redacted]"})"
            "\n");
}

TEST(VerdictJsonTest, ErrorBody) {
  EXPECT_EQ(RenderJsonErrorBody("unauthorized \"x\""),
            R"({"decision":"error","success":false,"error":"unauthorized \"x\""})"
            "\n");
}

}  // namespace
}  // namespace rollgate::internal
