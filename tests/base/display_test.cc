#include "base/display.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

TEST(DisplayTextTest, StripsTerminalControlsAndKeepsPrintableUtf8) {
  // ESC sequences (colour, title, clear), BEL, a bare CR that would overwrite the line, DEL.
  EXPECT_EQ(DisplayText("a\x1b[31mred\x1b[0m\x07"), "a[31mred[0m");
  EXPECT_EQ(DisplayText("\x1b]0;pwned\x07title"), "]0;pwnedtitle");
  EXPECT_EQ(DisplayText("ok\rFAKE PASS\x7f"), "ok FAKE PASS");
  EXPECT_EQ(DisplayText("two\nlines\tand tab"), "two lines and tab");
  // C1 controls in UTF-8 (U+009B is a one-byte CSI on some terminals) and U+2028.
  EXPECT_EQ(DisplayText("x\xc2\x9b"
                        "31my\xe2\x80\xa8z"),
            "x31my z");
  // Bidi overrides and zero-width characters reorder or hide text.
  EXPECT_EQ(DisplayText("abc\xe2\x80\xae"
                        "def\xe2\x80\x8bghi\xef\xbb\xbf"),
            "abcdefghi");
  EXPECT_EQ(DisplayText("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

TEST(DisplayTextTest, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(DisplayText("a\xff"
                        "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(DisplayText("\xe9t\xe9"), "\xef\xbf\xbdt\xef\xbf\xbd");  // Latin-1
  EXPECT_EQ(DisplayText("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");    // cut short
  std::string once = DisplayText("\x1b[2J\xc0\xaf\xe2\x80\xaeq");
  EXPECT_EQ(DisplayText(once), once) << "idempotent";
}

TEST(MarkdownTextTest, ProviderTextCannotMakeLinksTablesOrHtml) {
  std::string md = MarkdownText(
      "<img src=x onerror=alert(1)> [click](https://evil.example) | *b* _i_ `c` ~~s~~ &lt;");
  EXPECT_EQ(md.find('<'), std::string::npos) << md;
  EXPECT_NE(md.find("\\[click\\](https:\\/\\/evil"), std::string::npos)
      << "brackets escaped: " << md;
  EXPECT_EQ(md.find("https://"), std::string::npos) << "no bare URL for the autolinker: " << md;
  EXPECT_NE(md.find("\\|"), std::string::npos) << md;
  EXPECT_NE(md.find("\\*b\\*"), std::string::npos) << md;
  EXPECT_NE(md.find("\\`c\\`"), std::string::npos) << md;
  EXPECT_NE(md.find("&amp;lt;"), std::string::npos) << "an entity stays text: " << md;
  EXPECT_NE(MarkdownText("see www.evil.example").find("www\\."), std::string::npos);
  EXPECT_EQ(MarkdownText("line\none\x1b[1m"), "line one\\[1m");
  EXPECT_EQ(MarkdownText("plain text, 2.4.0 - ok"), "plain text, 2.4.0 - ok");
}

TEST(MarkupEntityTest, MarkdownAndXmlShareTheEntitiesAndOnlyXmlEscapesQuotes) {
  EXPECT_STREQ(MarkupEntity('<'), "&lt;");
  EXPECT_STREQ(MarkupEntity('>'), "&gt;");
  EXPECT_STREQ(MarkupEntity('&'), "&amp;");
  EXPECT_EQ(MarkupEntity('"'), nullptr);
  EXPECT_STREQ(MarkupEntity('"', true), "&quot;");
  EXPECT_STREQ(MarkupEntity('\'', true), "&apos;");
  EXPECT_EQ(MarkupEntity('a', true), nullptr);
}

TEST(MarkdownCodeTest, TextCannotCloseTheCodeSpan) {
  EXPECT_EQ(MarkdownCode("gpt-4o"), "`gpt-4o`");
  EXPECT_EQ(MarkdownCode("a`](x)`b"), "`a'](x)'b`");
  EXPECT_EQ(MarkdownCode("a|b", /*in_table=*/true), "`a\\|b`");
  EXPECT_EQ(MarkdownCode("a|b"), "`a|b`");
  EXPECT_EQ(MarkdownCode(""), "` `");
}

}  // namespace
}  // namespace rollgate::internal

namespace rollgate::internal {
namespace {

TEST(DisplayTest, AnsiPaintWrapsOnlyWhenColourIsOn) {
  EXPECT_EQ(AnsiPaint(true, "1;31", "BLOCK"), "\033[1;31mBLOCK\033[0m");
  EXPECT_EQ(AnsiPaint(false, "1;31", "BLOCK"), "BLOCK");
}

TEST(DisplayTest, PadRightFillsTheColumnAndKeepsColumnsApart) {
  EXPECT_EQ(PadRight("ab", 5), "ab   ");
  EXPECT_EQ(PadRight("abcde", 5), "abcde ");
  EXPECT_EQ(PadRight("abcdefg", 5), "abcdefg ");
}

}  // namespace
}  // namespace rollgate::internal
