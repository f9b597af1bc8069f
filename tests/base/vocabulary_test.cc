// The vocabulary's string tables (rollgate/vocabulary.h, src/base/report.cc): every value
// round-trips through its word, and nothing else parses. The words are part of the interface
// (gate.json, probes.jsonl, the history, the config), so they are spelled out here once more.
#include "rollgate/vocabulary.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "rollgate/report.h"

namespace rollgate {
namespace {

template <typename E, typename Parse>
void VocabExpectRoundTrip(const std::vector<std::pair<E, std::string>>& table, Parse parse) {
  for (const auto& [value, word] : table) {
    EXPECT_EQ(ToString(value), word);
    EXPECT_EQ(parse(word), value) << word;
  }
  for (const char* odd : {"", " ", "PASS", "Gate", "exec ", "negative-auth", "error"})
    EXPECT_FALSE(parse(odd).has_value()) << '"' << odd << '"';
}

TEST(VocabularyTest, ProbeKindRoundTrips) {
  VocabExpectRoundTrip<ProbeKind>(
      {{ProbeKind::kDirect, "direct"}, {ProbeKind::kHttp, "http"}, {ProbeKind::kExec, "exec"}},
      ParseProbeKind);
}

TEST(VocabularyTest, DecisionRoundTrips) {
  VocabExpectRoundTrip<Decision>({{Decision::kPass, "pass"}, {Decision::kBlock, "block"}},
                                 ParseDecision);
}

TEST(VocabularyTest, CommandRoundTrips) {
  VocabExpectRoundTrip<Command>(
      {{Command::kGate, "gate"}, {Command::kCheck, "check"}, {Command::kDrill, "drill"}},
      ParseCommand);
}

TEST(VocabularyTest, CheckStatusRoundTrips) {
  VocabExpectRoundTrip<CheckStatus>(
      {{CheckStatus::kPass, "pass"}, {CheckStatus::kFail, "fail"}, {CheckStatus::kSkip, "skip"}},
      ParseCheckStatus);
}

TEST(VocabularyTest, AttemptKindRoundTrips) {
  VocabExpectRoundTrip<AttemptKind>({{AttemptKind::kChat, "chat"},
                                     {AttemptKind::kStream, "stream"},
                                     {AttemptKind::kNegativeAuth, "negative_auth"}},
                                    ParseAttemptKind);
}

}  // namespace
}  // namespace rollgate
