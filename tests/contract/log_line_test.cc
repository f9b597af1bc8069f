#include "contract/log_line.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

using Keys = std::set<std::string>;

TEST(LogLineTest, PlainKeysAreFoundAtAnyDepthThroughObjects) {
  Result<Keys> got = JsonLogLineFields(
      R"({"version":"2.4.0","http":{"route":"/smoke","status":200},"list":[{"request_id":"r"}]})",
      {"version", "route", "status", "request_id", "absent"});
  ASSERT_TRUE(got.ok()) << got.status().message();
  // Arrays are not entered, so request_id inside "list" does not count.
  EXPECT_EQ(*got, (Keys{"version", "route", "status"}));
}

TEST(LogLineTest, DottedKeysArePathsFromTheTop) {
  Result<Keys> got = JsonLogLineFields(R"({"http":{"status":200},"ids":["a",""],"x":{"y":null}})",
                                       {"http.status", "ids.0", "ids.1", "x.y", "status.http"});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, (Keys{"http.status", "ids.0"}));
}

TEST(LogLineTest, NullAndEmptyValuesDoNotCount) {
  Result<Keys> got = JsonLogLineFields(R"({"version":null,"route":"","status":0,"ok":false})",
                                       {"version", "route", "status", "ok"});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, (Keys{"status", "ok"}));
}

TEST(LogLineTest, NotAJsonObjectLineIsAnError) {
  EXPECT_EQ(JsonLogLineFields("version=2.4.0 route=/smoke", {"version"}).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(JsonLogLineFields("", {"version"}).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(JsonLogLineFields("{version=2.4.0}", {"version"}).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(JsonLogLineFields(std::string(200, '{'), {"version"}).status().code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace rollgate::internal
