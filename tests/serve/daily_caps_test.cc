// The daily caps on their own: UTC days, the run cap, the token cap with the previous run as
// the estimate of the next, and seeding.
#include "serve/daily_caps.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

constexpr int64_t kDay = 86400000;
constexpr int64_t kNoon = 20417 * kDay + kDay / 2;  // 2025-11-25T12:00:00Z

TEST(DailyCapsTest, TheRunCapRefusesTheRunAfterTheLastAllowedOne) {
  DailyCaps caps(2, 1000000);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(caps.Check(kNoon).allowed);
    caps.StartRun(kNoon);
    caps.FinishRun(kNoon, 10);
  }
  CapDecision d = caps.Check(kNoon);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "max_runs_per_day");
  EXPECT_NE(d.detail.find("2 of 2 runs today (UTC)"), std::string::npos) << d.detail;
  EXPECT_NE(d.detail.find("after 2025-11-26T00:00:00.000Z"), std::string::npos) << d.detail;
  EXPECT_EQ(caps.runs_today(kNoon), 2);
  EXPECT_EQ(caps.tokens_today(kNoon), 20);
}

TEST(DailyCapsTest, ANewUtcDayStartsFromZero) {
  DailyCaps caps(1, 1000000);
  const int64_t last_ms_of_day = kNoon + kDay / 2 - 1;  // 23:59:59.999Z
  caps.StartRun(last_ms_of_day);
  EXPECT_FALSE(caps.Check(last_ms_of_day).allowed);
  EXPECT_TRUE(caps.Check(last_ms_of_day + 1).allowed);
  EXPECT_EQ(caps.runs_today(last_ms_of_day + 1), 0);
}

TEST(DailyCapsTest, TheTokenCapUsesThePreviousRunAsTheEstimate) {
  DailyCaps caps(100, 250);
  ASSERT_TRUE(caps.Check(kNoon).allowed);  // nothing known yet: the first run may go
  caps.StartRun(kNoon);
  caps.FinishRun(kNoon, 100);
  ASSERT_TRUE(caps.Check(kNoon).allowed);  // 100 + 100 <= 250
  caps.StartRun(kNoon);
  caps.FinishRun(kNoon, 100);
  CapDecision d = caps.Check(kNoon);  // 200 + 100 > 250: this run would cross the cap
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "max_tokens_per_day");
  EXPECT_NE(d.detail.find("200 of 250 usage tokens"), std::string::npos) << d.detail;
  // The estimate survives midnight, the usage does not.
  EXPECT_TRUE(caps.Check(kNoon + kDay).allowed);
  EXPECT_EQ(caps.tokens_today(kNoon + kDay), 0);
}

TEST(DailyCapsTest, SeedingCarriesTodaysUsageOverARestart) {
  DailyCaps caps(3, 1000);
  caps.Seed(kNoon / kDay, 3, 120, 40);
  EXPECT_EQ(caps.runs_today(kNoon), 3);
  EXPECT_EQ(caps.tokens_today(kNoon), 120);
  EXPECT_EQ(caps.Check(kNoon).reason, "max_runs_per_day");
  // Yesterday's seed does not limit today.
  DailyCaps stale(3, 1000);
  stale.Seed(kNoon / kDay - 1, 3, 999, 40);
  EXPECT_TRUE(stale.Check(kNoon).allowed);
  EXPECT_EQ(stale.tokens_today(kNoon), 0);
}

TEST(DailyCapsTest, NegativeUsageIsNotCredit) {
  DailyCaps caps(10, 100);
  caps.StartRun(kNoon);
  caps.FinishRun(kNoon, -50);
  EXPECT_EQ(caps.tokens_today(kNoon), 0);
}

}  // namespace
}  // namespace rollgate::internal
