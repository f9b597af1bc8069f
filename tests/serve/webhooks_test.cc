// What Flagger, Argo Rollouts and POST /run callers get for each outcome, without a server.
#include "serve/webhooks.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/history_test_util.h"

namespace rollgate::internal {
namespace {

using Kind = RunOutcome::Kind;

RunOutcome WithReport(Kind kind, const std::string& rollback_fails = "") {
  RunOutcome o;
  o.kind = kind;
  o.report = std::make_shared<RunReport>(testing::MakeRun(1795600800000, "", rollback_fails));
  return o;
}

RunOutcome Without(Kind kind, const std::string& reason = "") {
  RunOutcome o;
  o.kind = kind;
  o.reason = reason;
  o.detail = "why";
  return o;
}

TEST(WebhooksTest, FlaggerAndRunGetAFailingCodeForEveryNonPass) {
  for (Caller c : {Caller::kFlagger, Caller::kRunApi}) {
    EXPECT_EQ(StatusFor(c, WithReport(Kind::kRan)), 200);
    EXPECT_EQ(StatusFor(c, WithReport(Kind::kJoined)), 200);
    EXPECT_EQ(StatusFor(c, WithReport(Kind::kReused)), 200);
    EXPECT_EQ(StatusFor(c, WithReport(Kind::kRan, "authentication")), 412);
    EXPECT_EQ(StatusFor(c, WithReport(Kind::kReused, "authentication")), 412);
    EXPECT_EQ(StatusFor(c, Without(Kind::kCapped, "max_runs_per_day")), 503);
    EXPECT_EQ(StatusFor(c, Without(Kind::kBusy)), 503);
    EXPECT_EQ(StatusFor(c, Without(Kind::kShuttingDown)), 503);
    EXPECT_EQ(StatusFor(c, Without(Kind::kTimedOut)), 503);
    EXPECT_EQ(StatusFor(c, Without(Kind::kError)), 500);
  }
}

TEST(WebhooksTest, ArgoGets200ForEveryVerdictAndErrorsOnlyWithoutOne) {
  EXPECT_EQ(StatusFor(Caller::kArgo, WithReport(Kind::kRan)), 200);
  EXPECT_EQ(StatusFor(Caller::kArgo, WithReport(Kind::kRan, "latency")), 200);
  EXPECT_EQ(StatusFor(Caller::kArgo, Without(Kind::kCapped, "max_tokens_per_day")), 200);
  EXPECT_EQ(StatusFor(Caller::kArgo, Without(Kind::kBusy)), 503);
  EXPECT_EQ(StatusFor(Caller::kArgo, Without(Kind::kError)), 500);
}

TEST(WebhooksTest, TheBodyCarriesTheVerdictAndTheFailingChecksRedacted) {
  RunReport report = testing::MakeRun(1795600800000, "", "authentication");
  report.releases[1].checks[2].detail = "bad key tok-123456789";
  RunOutcome block;
  block.kind = Kind::kReused;
  block.report = std::make_shared<RunReport>(report);
  block.age_ms = 1500;
  Redactor redactor;
  redactor.AddSecret("tok-123456789");
  nlohmann::json j = nlohmann::json::parse(RenderOutcomeJson(block, redactor));
  EXPECT_EQ(j["decision"], "block");
  EXPECT_EQ(j["success"], false);
  EXPECT_EQ(j["result"], "reused");
  EXPECT_EQ(j["age_seconds"], 1.5);
  EXPECT_EQ(j["started_at"], "2026-11-25T09:59:59.800Z");
  EXPECT_EQ(j["finished_at"], "2026-11-25T10:00:00.000Z");
  ASSERT_EQ(j["failed_checks"].size(), 1u);
  EXPECT_EQ(j["failed_checks"][0]["detail"], "bad key [redacted]");
  EXPECT_EQ(j["failed"][0]["id"], "rollback_release_smoke");

  nlohmann::json capped =
      nlohmann::json::parse(RenderOutcomeJson(Without(Kind::kCapped, "max_runs_per_day"), {}));
  EXPECT_EQ(capped["decision"], "capped");
  EXPECT_EQ(capped["success"], false);
  EXPECT_EQ(capped["reason"], "max_runs_per_day");
  EXPECT_EQ(capped["result"], "none");
  EXPECT_TRUE(capped["finished_at"].is_null());
}

TEST(WebhooksTest, OnlyTransientRefusalsCarryRetryAfter) {
  ServerResponse busy = OutcomeResponse(Caller::kFlagger, Without(Kind::kBusy), {});
  EXPECT_NE(FindHeader(busy.headers, "Retry-After"), nullptr);
  ServerResponse capped =
      OutcomeResponse(Caller::kFlagger, Without(Kind::kCapped, "max_runs_per_day"), {});
  EXPECT_EQ(capped.status, 503);
  EXPECT_EQ(FindHeader(capped.headers, "Retry-After"), nullptr) << "a cap lasts until midnight UTC";
  EXPECT_EQ(busy.content_type, "application/json");
}

}  // namespace
}  // namespace rollgate::internal
