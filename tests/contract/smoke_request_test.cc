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

}  // namespace
}  // namespace rollgate::internal
