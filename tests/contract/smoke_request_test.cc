#include "contract/smoke_request.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

using Fields = std::vector<std::string>;

TEST(SmokeRequestTest, TopLevelFieldsAreSortedAndNotNested) {
  EXPECT_EQ(
      JsonBodyTopLevelFields(R"({"model":"m","stream_options":{"include_usage":true},"a":1})"),
      (Fields{"a", "model", "stream_options"}));
  PromptOptions prompt;
  EXPECT_EQ(JsonBodyTopLevelFields(BuildSmokeRequestBody("m", prompt, true)),
            (Fields{"max_tokens", "messages", "model", "stream", "stream_options", "temperature"}));
}

TEST(SmokeRequestTest, TopLevelFieldsOfANonObjectAreEmpty) {
  EXPECT_TRUE(JsonBodyTopLevelFields("[1,2]").empty());
  EXPECT_TRUE(JsonBodyTopLevelFields("not json").empty());
  EXPECT_TRUE(JsonBodyTopLevelFields("").empty());
}

TEST(SmokeRequestTest, FindsTheSmokeLabelInAnyPromptWording) {
  EXPECT_EQ(FindSmokeLabel(R"(return {"ok":true,"label":"rollback-smoke"})"), "rollback-smoke");
  EXPECT_EQ(FindSmokeLabel(R"(Return { "ok": true, "label": "v2.4.0" } please)"), "v2.4.0");
  EXPECT_EQ(FindSmokeLabel(R"({"label":"first","ok":true})"), "first");
  EXPECT_EQ(FindSmokeLabel(R"(text {not json} then {"ok":true,"label":"x}y"})"), "x}y");
  EXPECT_EQ(FindSmokeLabel(R"(unbalanced { then {"ok":true,"label":"later"})"), "later");
  EXPECT_FALSE(FindSmokeLabel(R"({"ok":false,"label":"no"})"));
  EXPECT_FALSE(FindSmokeLabel(R"({"ok":true,"label":3})"));
  EXPECT_FALSE(FindSmokeLabel("hello"));
}

}  // namespace
}  // namespace rollgate::internal
