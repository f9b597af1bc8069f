#include "mock/scenario.h"

#include <gtest/gtest.h>

#include "mock/mock_provider.h"

namespace rollgate::mock {
namespace {

TEST(MockScenarioTest, NamesAreExactlyTheDocumentedSetInOrder) {
  const std::vector<std::string> expected = {"ok",
                                             "rotated-key",
                                             "model-missing",
                                             "schema-drift",
                                             "truncated",
                                             "prompt-ignored",
                                             "error-in-200",
                                             "html-502",
                                             "rate-limited",
                                             "flaky-5xx",
                                             "slow",
                                             "slow-body",
                                             "stream-cut",
                                             "stream-error",
                                             "stream-no-usage",
                                             "no-request-id",
                                             "accept-any-key",
                                             "wrong-content-type",
                                             "invalid-utf8",
                                             "oversized-body",
                                             "reset-mid-body",
                                             "empty-choices",
                                             "stream-stall",
                                             "stream-schema-drift",
                                             "primary-model-down",
                                             "stall-headers",
                                             "stall-mid-body",
                                             "status-400",
                                             "status-403",
                                             "status-404",
                                             "status-422",
                                             "status-500",
                                             "status-503"};
  EXPECT_EQ(ScenarioNames(), expected);
}

TEST(MockScenarioTest, StatusScenariosNameTheirStatus) {
  for (const auto& name : ScenarioNames()) {
    int status = InjectedStatus(*ParseScenario(name));
    if (name.rfind("status-", 0) == 0) {
      EXPECT_EQ("status-" + std::to_string(status), name);
    } else {
      EXPECT_EQ(status, 0) << name;
    }
  }
}

TEST(MockScenarioTest, NamesRoundTrip) {
  for (const auto& name : ScenarioNames()) {
    std::optional<Scenario> s = ParseScenario(name);
    ASSERT_TRUE(s.has_value()) << name;
    EXPECT_EQ(ScenarioName(*s), name);
  }
  EXPECT_FALSE(ParseScenario("Ok").has_value());
  EXPECT_FALSE(ParseScenario("").has_value());
}

TEST(MockScenarioTest, OnlyTheStreamScenariosAreStreamOnly) {
  for (const auto& name : ScenarioNames()) {
    EXPECT_EQ(OnlyAffectsStreams(*ParseScenario(name)), name.rfind("stream-", 0) == 0) << name;
  }
}

TEST(MockScenarioTest, ParseFlavorAcceptsTheTwoNames) {
  ASSERT_TRUE(ParseFlavor("cometapi").ok());
  EXPECT_EQ(*ParseFlavor("cometapi"), Flavor::kCometApi);
  EXPECT_EQ(*ParseFlavor("openai"), Flavor::kOpenAi);
  Result<Flavor> bad = ParseFlavor("anthropic");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace rollgate::mock
