// The contract layer's helpers over nlohmann::json: the bounded parse every untrusted body goes
// through, member names in byte order, and key paths.
#include "contract/json_util.h"

#include <gtest/gtest.h>

#include "testutil/status_matchers.h"

namespace rollgate::internal {
namespace {

TEST(JsonUtilTest, ObjectKeysAreSortedByByteValueWhateverTheDocumentsOrder) {
  // "\xc3\xa9" (é) is above every ASCII byte, whatever the locale would say.
  const nlohmann::json j =
      nlohmann::json::parse("{\"zeta\":1,\"\xc3\xa9t\xc3\xa9\":0,\"Alpha\":2,\"beta\":3}");
  EXPECT_EQ(ObjectKeys(j),
            (std::vector<std::string>{"Alpha", "beta", "zeta", "\xc3\xa9t\xc3\xa9"}));
  EXPECT_TRUE(ObjectKeys(nlohmann::json::array({1, 2})).empty());
  EXPECT_TRUE(ObjectKeys(nlohmann::json("text")).empty());
}

TEST(JsonUtilTest, TheBoundedParseRefusesANestingBombAndSaysWhereTextIsNotJson) {
  const std::string deep =
      std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  Result<nlohmann::json> bomb = ParseJsonBounded(deep);
  ASSERT_FALSE(bomb.ok());
  EXPECT_EQ(bomb.status().message(), "nested deeper than 128 levels");
  const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_OK(ParseJsonBounded(ok));
  Result<nlohmann::json> broken = ParseJsonBounded("{\"a\":}");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().message(), "not JSON at byte 6");
}

TEST(JsonUtilTest, FindPathFollowsKeysAndIndexes) {
  const nlohmann::json j = nlohmann::json::parse(R"({"a":{"b":[{"c":7}]}})");
  const nlohmann::json* c = FindPath(j, "a.b.0.c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(*c, 7);
  EXPECT_EQ(FindPath(j, "a.b.1.c"), nullptr);
  EXPECT_EQ(FindPath(j, "a.x"), nullptr);
}

}  // namespace
}  // namespace rollgate::internal
