#include "sse/sse_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace rollgate::internal {
namespace {

std::vector<SseEvent> ParseAll(const std::vector<std::string>& chunks) {
  std::vector<SseEvent> events;
  SseParser parser([&](const SseEvent& e) { events.push_back(e); });
  for (const auto& c : chunks) parser.Feed(c);
  parser.Finish();
  return events;
}

std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(ROLLGATE_SOURCE_DIR) + "/tests/data/sse/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SseParserTest, DispatchesOnBlankLineAndJoinsDataLines) {
  auto events = ParseAll({"event: update\ndata: a\ndata: b\n\ndata: c\n\n"});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event, "update");
  EXPECT_EQ(events[0].data, "a\nb");
  EXPECT_EQ(events[1].event, "");
  EXPECT_EQ(events[1].data, "c");
}

TEST(SseParserTest, CommentsAndLoneBlankLinesAreIgnored) {
  auto events = ParseAll({": ping\n\n\n\n: another\ndata: x\n\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "x");
}

TEST(SseParserTest, OnlyOneLeadingSpaceIsRemoved) {
  auto events = ParseAll({"data:no-space\n\ndata:  two-spaces\n\n"});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "no-space");
  EXPECT_EQ(events[1].data, " two-spaces");
}

TEST(SseParserTest, CrLfAndCrLineEndings) {
  EXPECT_EQ(ParseAll({"data: a\r\n\r\n"}).at(0).data, "a");
  EXPECT_EQ(ParseAll({"data: a\r\r"}).at(0).data, "a");
  // A CRLF split across two reads is one line ending, not a CR then an empty LF line.
  auto events = ParseAll({"data: a\r", "\ndata: b\r\n", "\r\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "a\nb");
}

TEST(SseParserTest, UnterminatedEventIsNotDispatchedAtEof) {
  std::vector<SseEvent> events;
  SseParser parser([&](const SseEvent& e) { events.push_back(e); });
  parser.Feed("data: complete\n\ndata: partial");
  parser.Finish();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(parser.had_undispatched_event());
}

TEST(SseParserTest, FieldWithoutColonAndUnknownFields) {
  auto events = ParseAll({"data\n\nretry: 10\nfoo: bar\ndata: y\n\n"});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "");
  EXPECT_EQ(events[1].data, "y");
}

TEST(SseParserTest, RecordedStreamSplitAtEveryByteBoundary) {
  std::string stream = ReadData("smoke_crlf.sse");
  ASSERT_FALSE(stream.empty());
  std::vector<SseEvent> whole = ParseAll({stream});
  ASSERT_EQ(whole.size(), 6u);
  EXPECT_EQ(whole.back().data, "[DONE]");
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    std::vector<SseEvent> split = ParseAll({stream.substr(0, cut), stream.substr(cut)});
    ASSERT_EQ(split.size(), whole.size()) << "cut at " << cut;
    for (std::size_t i = 0; i < whole.size(); ++i) {
      ASSERT_EQ(split[i].data, whole[i].data) << "cut at " << cut << " event " << i;
    }
  }
}

TEST(SseParserTest, OneByteAtATime) {
  std::string stream = ReadData("smoke_crlf.sse");
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  std::vector<SseEvent> events = ParseAll(bytes);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[5].data, "[DONE]");
}

TEST(SseParserTest, OverlongLineIsRefusedNotBuffered) {
  std::vector<SseEvent> events;
  SseParser parser([&](const SseEvent& e) { events.push_back(e); }, /*max_event_bytes=*/1024);
  std::string big(600, 'x');
  EXPECT_TRUE(parser.Feed("data: " + big));
  EXPECT_FALSE(parser.Feed(big));
  EXPECT_TRUE(parser.overflowed());
  EXPECT_FALSE(parser.Feed("\n\n"));
  EXPECT_TRUE(events.empty());
}

}  // namespace
}  // namespace rollgate::internal
