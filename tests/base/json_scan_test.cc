#include "base/json_scan.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace rollgate::internal {
namespace {

// The brackets ScanJsonBrackets reports, in order, as a string.
std::string JsonScanBrackets(std::string_view text, std::size_t from = 0) {
  std::string seen;
  ScanJsonBrackets(text, from, [&](char c, std::size_t) {
    seen += c;
    return true;
  });
  return seen;
}

TEST(JsonScanTest, SkipsBracketsInsideStringsAndEscapedQuotes) {
  EXPECT_EQ(JsonScanBrackets(R"({"a":[1,"]}"],"b\"{":{}})"), "{[]{}}");
  EXPECT_EQ(JsonScanBrackets(R"("\\"{})"), "{}");  // an escaped backslash ends the string
  EXPECT_EQ(JsonScanBrackets("x{y", 2), "");
}

TEST(JsonScanTest, StopsWhereTheCallbackSaysAndReportsThatPosition) {
  std::string_view text = R"(say {"ok":"}"} then {})";
  int depth = 0;
  std::size_t end = ScanJsonBrackets(text, text.find('{'), [&](char c, std::size_t) {
    if (c == '{') ++depth;
    return !(c == '}' && --depth == 0);
  });
  EXPECT_EQ(text.substr(text.find('{'), end - text.find('{') + 1), R"({"ok":"}"})");
  EXPECT_EQ(ScanJsonBrackets("{\"open", 0, [](char, std::size_t) { return true; }),
            std::string_view::npos);
}

}  // namespace
}  // namespace rollgate::internal
