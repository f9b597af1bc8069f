#include "base/strings.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

TEST(StringsTest, TrimRemovesSurroundingWhitespace) {
  EXPECT_EQ(Trim("  a b \n"), "a b");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(TrimTrailingNewlines("key\r\n\n"), "key");
  EXPECT_EQ(TrimTrailingNewlines(" key "), " key ");
}

TEST(StringsTest, SanitizeEndsKeepsBothEndsAndTheTailNeverStartsInsideAToken) {
  EXPECT_EQ(SanitizeEndsForDisplay("short\n", 10), "short\\n");
  // A tool's error first, a wrapper's summary last: both stay.
  EXPECT_EQ(
      SanitizeEndsForDisplay("E: bad port\n" + std::string(300, ' ') + "\nwrapper failed", 32),
      "E: bad port\\n    …(295 bytes)… \\nwrapper failed");
  // A tail cut inside "sk-live-0123456789" would show the key's last bytes, which a later
  // Redactor cannot recognise: the tail starts after the token.
  EXPECT_EQ(SanitizeEndsForDisplay("a b c d e key sk-live-0123456789 rejected", 28),
            "a b c d e key …(18 bytes)… rejected");
}

TEST(StringsTest, SanitizeEscapesControlAndHighBytesAndCuts) {
  EXPECT_EQ(SanitizeForDisplay("a\nb\x01\xff"), "a\\nb\\x01\\xff");
  EXPECT_EQ(SanitizeForDisplay("abcdef", 3), "abc…(3 more bytes)");
}

TEST(StringsTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));      // cut short
}

TEST(StringsTest, ClosestMatchSuggestsTyposOnly) {
  std::vector<std::string> keys = {"timeout_ms", "retry", "stream", "model"};
  EXPECT_EQ(ClosestMatch("timout_ms", keys), "timeout_ms");
  EXPECT_EQ(ClosestMatch("strem", keys), "stream");
  EXPECT_EQ(ClosestMatch("completely_else", keys), "");
}

TEST(StringsTest, FormatsDurationsForHumans) {
  EXPECT_EQ(FormatDurationMs(850), "850 ms");
  EXPECT_EQ(FormatDurationMs(1234), "1.2 s");
  EXPECT_EQ(FormatDurationMs(20000), "20 s");
  EXPECT_EQ(Plural(1, "retry", "retries"), "1 retry");
  EXPECT_EQ(Plural(2, "retry", "retries"), "2 retries");
}

}  // namespace
}  // namespace rollgate::internal

namespace rollgate::internal {
namespace {

TEST(StringsTest, Durations) {
  EXPECT_EQ(ParseDurationMs("500ms"), 500);
  EXPECT_EQ(ParseDurationMs("30s"), 30000);
  EXPECT_EQ(ParseDurationMs("10m"), 600000);
  EXPECT_EQ(ParseDurationMs("2h"), 7200000);
  EXPECT_EQ(ParseDurationMs("1d"), 86400000);
  EXPECT_EQ(ParseDurationMs("45"), 45000);
  EXPECT_EQ(ParseDurationMs("10 m"), -1);
  EXPECT_EQ(ParseDurationMs("m"), -1);
  EXPECT_EQ(ParseDurationMs("-5s"), -1);
  EXPECT_EQ(ParseDurationMs("99999999999999999s"), -1);
}

TEST(StringsTest, PrefixNeverSplitsAUtf8Sequence) {
  EXPECT_EQ(PrefixCodePoints("a\xc3\xa9z", 2), "a\xc3\xa9");
  EXPECT_EQ(PrefixCodePoints("a\xc3\xa9z", 1), "a");
  EXPECT_EQ(PrefixCodePoints("ab", 5), "ab");
}

TEST(StringsTest, CodePointsAreTheBytesThatStartASequence) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("a\xc3\xa9z\xf0\x9f\x98\x80"), 4u);  // a, é, z, U+1F600
}

}  // namespace
}  // namespace rollgate::internal
