// The rehearsal's report as the console's matrix, byte for byte, for one row of each result
// (docs/rehearse.md). The JSON and the words: tests/evidence/rehearse_json_test.cc.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace rollgate::internal
