// The rehearsal's report as text: each result's word (ToString/ParseRehearseResult), and the
// console matrix and the JSON, byte for byte, for one row of each result (docs/rehearse.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rehearse/rehearse.h"

namespace rollgate::internal {
namespace {

RehearseReport RenderTestReport() {
  RehearseReport report;
  report.rows = {
      {"ok", "new", "decision pass", RehearseResult::kCaught,
       "the healthy setup passes every gate (the control row)"},
      {"accept-any-key", "new", "gate negative_auth", RehearseResult::kMissed, "pass: no call"},
      {"stream-cut", "stream", "stream streaming", RehearseResult::kNotApplicable,
       "no release streams (stream: true), so the streaming path is not in use"},
      {"slow", "new", "new connectivity", RehearseResult::kInterrupted,
       "not rehearsed: interrupted by SIGINT"},
  };
  report.caught = 1;
  report.missed = 1;
  report.not_applicable = 1;
  report.interrupted_rows = 1;
  report.interrupted = true;
  report.signal = "SIGINT";
  return report;
}

TEST(RehearseResultTest, EveryResultRoundTripsThroughItsWord) {
  const std::vector<std::pair<RehearseResult, std::string>> words = {
      {RehearseResult::kCaught, "caught"},
      {RehearseResult::kMissed, "missed"},
      {RehearseResult::kNotApplicable, "not_applicable"},
      {RehearseResult::kInterrupted, "interrupted"},
  };
  for (const auto& [result, word] : words) {
    EXPECT_EQ(ToString(result), word);
    EXPECT_EQ(ParseRehearseResult(word), result) << word;
  }
  // The value after the last one listed has no word: a result added to the enum without its
  // word here (and in ToString and ParseRehearseResult) fails this.
  EXPECT_STREQ(ToString(static_cast<RehearseResult>(words.size())), "");
  EXPECT_EQ(ParseRehearseResult("MISSED"), std::nullopt);  // the console's word, not the JSON's
  EXPECT_EQ(ParseRehearseResult("n/a"), std::nullopt);
  EXPECT_EQ(ParseRehearseResult(""), std::nullopt);
}

TEST(RehearseRenderTest, TableShowsEachResultInItsColumn) {
  EXPECT_EQ(
      RenderRehearseTable(RenderTestReport(), false),
      "MODE                           RELEASE   EXPECTED                           RESULT         "
      "DETAIL\n"
      "ok                             new       decision pass                      caught         "
      "the healthy setup passes every gate (the control row)\n"
      "accept-any-key                 new       gate negative_auth                 MISSED         "
      "pass: no call\n"
      "stream-cut                     stream    stream streaming                   n/a            "
      "no release streams (stream: true), so the streaming path is not in use\n"
      "slow                           new       new connectivity                   interrupted    "
      "not rehearsed: interrupted by SIGINT\n"
      "\n1 caught, 1 missed, 1 not applicable\n"
      "INTERRUPTED by SIGINT: 1 modes not rehearsed to the end; this is not a complete answer\n");
}

TEST(RehearseRenderTest, TableColoursEachResult) {
  std::string table = RenderRehearseTable(RenderTestReport(), true);
  EXPECT_NE(table.find("\x1b[32mcaught         \x1b[0m"), std::string::npos) << table;
  EXPECT_NE(table.find("\x1b[1;31mMISSED         \x1b[0m"), std::string::npos) << table;
  EXPECT_NE(table.find("\x1b[2mn/a            \x1b[0m"), std::string::npos) << table;
  EXPECT_NE(table.find("\x1b[33minterrupted    \x1b[0m"), std::string::npos) << table;
}

TEST(RehearseRenderTest, JsonCarriesEachResultAsItsWord) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(RenderRehearseJson(RenderTestReport()));
  ASSERT_EQ(j["modes"].size(), 4u);
  EXPECT_EQ(j["modes"][0]["result"], "caught");
  EXPECT_EQ(j["modes"][1]["result"], "missed");
  EXPECT_EQ(j["modes"][2]["result"], "not_applicable");
  EXPECT_EQ(j["modes"][3]["result"], "interrupted");
  EXPECT_EQ(j["modes"][1].dump(),
            R"({"mode":"accept-any-key","release":"new","expected":"gate negative_auth",)"
            R"("result":"missed","detail":"pass: no call"})");
  EXPECT_EQ(j["caught"], 1);
  EXPECT_EQ(j["not_rehearsed"], 1);
  EXPECT_EQ(j["signal"], "SIGINT");
}

}  // namespace
}  // namespace rollgate::internal
