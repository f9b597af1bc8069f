// The rehearsal's report as JSON, byte for byte (docs/rehearse.md), and each result's word.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rollgate/rehearse.h"

namespace rollgate {
namespace {

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

// Two rows and three apps: observed with every measurement, not observed, observed with none.
RehearseReport Report() {
  RehearseReport report;
  report.rows = {{"ok", "new", "decision pass", RehearseResult::kCaught, "fine"},
                 {"x", "rollback", "gate y", RehearseResult::kMissed, "d\n\"q\""}};
  report.caught = 1;
  report.missed = 1;
  AppReport a;
  a.release = "new";
  a.through = "app";
  a.reason = "probe: exec";
  a.observed = true;
  a.client.user_agent = "OpenAI/JS 6.49.0";
  a.client.sdk = "OpenAI/JS";
  a.client.sdk_version = "6.49.0";
  a.client.runtime = "node v20";
  a.request.fields = {"max_tokens", "messages", "model"};
  a.request.headers = {"authorization", "content-type"};
  a.request.model = "gpt";
  a.request.stream = true;
  a.request.stream_options_include_usage = true;
  a.request.token_field = "max_tokens";
  a.not_in_contract = {"max_tokens"};
  a.not_sent = {"temperature"};
  a.attempts = {{"401", 4}, {"429", 2}};
  a.retry_after_honoured = false;
  a.retry_delays_ms = {12, 1000};
  a.timeout_headers_ms = 3000;
  a.timeout_stream_ms = 5;
  a.stall_limit_ms = {{"body", 9000}, {"headers", 9000}};
  a.reported_as = {{"stream-cut", "content"}};
  a.disconnect = DisconnectObservation{true, 40, 2000};
  a.notes = {"n1"};
  AppReport b;
  b.release = "rollback";
  b.notes = {"could not run"};
  AppReport c;
  c.release = "third";
  c.through = "app";
  c.observed = true;
  c.disconnect = DisconnectObservation{false, std::nullopt, 2000};
  report.apps = {a, b, c};
  report.app_differences = {"diff one"};
  return report;
}

TEST(RehearseJsonTest, AppsByteForByte) {
  EXPECT_EQ(RenderRehearseJson(Report()),
            R"json({
  "modes": [
    {
      "mode": "ok",
      "release": "new",
      "expected": "decision pass",
      "result": "caught",
      "detail": "fine"
    },
    {
      "mode": "x",
      "release": "rollback",
      "expected": "gate y",
      "result": "missed",
      "detail": "d\n\"q\""
    }
  ],
  "apps": [
    {
      "release": "new",
      "through": "app",
      "reason": "probe: exec",
      "client": {
        "user_agent": "OpenAI/JS 6.49.0",
        "sdk": "OpenAI/JS",
        "sdk_version": "6.49.0",
        "runtime": "node v20"
      },
      "request": {
        "fields": [
          "max_tokens",
          "messages",
          "model"
        ],
        "headers": [
          "authorization",
          "content-type"
        ],
        "model": "gpt",
        "stream": true,
        "stream_options_include_usage": true,
        "token_field": "max_tokens",
        "not_in_contract": [
          "max_tokens"
        ],
        "not_sent": [
          "temperature"
        ]
      },
      "attempts": {
        "401": 4,
        "429": 2
      },
      "retry_after_honoured": false,
      "retry_delays_ms": [
        12,
        1000
      ],
      "timeout_ms": {
        "headers": 3000,
        "body": null,
        "stream": 5
      },
      "stall_limit_ms": {
        "body": 9000,
        "headers": 9000
      },
      "reported_as": {
        "stream-cut": "content"
      },
      "disconnect": {
        "propagated": true,
        "upstream_closed_ms": 40
      },
      "notes": [
        "n1"
      ]
    },
    {
      "release": "rollback",
      "through": "direct",
      "notes": [
        "could not run"
      ]
    },
    {
      "release": "third",
      "through": "app",
      "client": {
        "user_agent": "",
        "sdk": "",
        "sdk_version": "",
        "runtime": ""
      },
      "request": {
        "fields": [],
        "headers": [],
        "model": "",
        "stream": false,
        "stream_options_include_usage": false,
        "token_field": "",
        "not_in_contract": [],
        "not_sent": []
      },
      "attempts": {},
      "retry_after_honoured": null,
      "retry_delays_ms": [],
      "timeout_ms": {
        "headers": null,
        "body": null,
        "stream": null
      },
      "stall_limit_ms": {},
      "reported_as": {},
      "disconnect": {
        "propagated": false,
        "upstream_closed_ms": null
      }
    }
  ],
  "app_differences": [
    "diff one"
  ],
  "caught": 1,
  "missed": 1,
  "not_applicable": 0
}
)json");
}

TEST(RehearseJsonTest, InterruptedByteForByte) {
  RehearseReport report = Report();
  report.apps.clear();
  report.app_differences.clear();
  report.interrupted = true;
  report.signal = "SIGTERM";
  report.interrupted_rows = 3;
  EXPECT_EQ(RenderRehearseJson(report),
            R"json({
  "modes": [
    {
      "mode": "ok",
      "release": "new",
      "expected": "decision pass",
      "result": "caught",
      "detail": "fine"
    },
    {
      "mode": "x",
      "release": "rollback",
      "expected": "gate y",
      "result": "missed",
      "detail": "d\n\"q\""
    }
  ],
  "apps": [],
  "app_differences": [],
  "caught": 1,
  "missed": 1,
  "not_applicable": 0,
  "interrupted": true,
  "signal": "SIGTERM",
  "not_rehearsed": 3
}
)json");
  report.signal.clear();  // no signal: no "signal" key
  EXPECT_EQ(RenderRehearseJson(report).find("signal"), std::string::npos);
}

TEST(RehearseJsonTest, BytesThatAreNotUtf8AreReplacedNotFatal) {
  RehearseReport report;
  report.rows = {{"ok", "new", "decision pass", RehearseResult::kCaught, "fine \xff byte"}};
  EXPECT_NE(RenderRehearseJson(report).find("\"fine \xef\xbf\xbd byte\""), std::string::npos);
}

}  // namespace
}  // namespace rollgate
