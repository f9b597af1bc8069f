// The history as JSON for scripts, byte for byte (docs/serve.md lists the fields).
#include "evidence/history_json.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

// Run 7 passed with a failing and a passing release; run 8 blocked with none.
std::vector<HistoryRun> Runs() {
  HistoryRun run;
  run.id = 7;
  run.command = "gate";
  run.trigger = "serve:schedule";
  run.service = "svc";
  run.decision = Decision::kPass;
  run.started_unix_ms = 1795600800000;
  run.finished_unix_ms = 1795600801234;
  run.tokens_used = 42;
  HistoryRelease rel;
  rel.name = "new";
  rel.version = "2.4.0";
  rel.endpoint = "http://x/v1";
  rel.model = "m";
  rel.key_fingerprint = "sha256:abc";
  rel.passed = false;
  rel.failed_checks = {"latency", "auth"};
  run.releases = {rel, rel};
  run.releases[1].passed = true;
  run.releases[1].failed_checks.clear();
  HistoryRun blocked = run;
  blocked.id = 8;
  blocked.decision = Decision::kBlock;
  blocked.releases.clear();
  return {run, blocked};
}

TEST(HistoryJsonTest, RunsAndLastKnownGoodByteForByte) {
  LastKnownGood g{"svc", "new", "2.4.0", 7, 1795600801234, "sha256:abc", "http://x", "m"};
  EXPECT_EQ(RenderHistoryJson("h.db", Runs(), {g, g}),
            R"json({
  "db": "h.db",
  "runs": [
    {
      "id": 7,
      "command": "gate",
      "trigger": "serve:schedule",
      "service": "svc",
      "decision": "pass",
      "started_at": "2026-11-25T10:00:00.000Z",
      "finished_at": "2026-11-25T10:00:01.234Z",
      "tokens_used": 42,
      "releases": [
        {
          "name": "new",
          "version": "2.4.0",
          "passed": false,
          "failed_checks": [
            "latency",
            "auth"
          ],
          "endpoint": "http://x/v1",
          "model": "m",
          "key_fingerprint": "sha256:abc"
        },
        {
          "name": "new",
          "version": "2.4.0",
          "passed": true,
          "failed_checks": [],
          "endpoint": "http://x/v1",
          "model": "m",
          "key_fingerprint": "sha256:abc"
        }
      ]
    },
    {
      "id": 8,
      "command": "gate",
      "trigger": "serve:schedule",
      "service": "svc",
      "decision": "block",
      "started_at": "2026-11-25T10:00:00.000Z",
      "finished_at": "2026-11-25T10:00:01.234Z",
      "tokens_used": 42,
      "releases": []
    }
  ],
  "last_known_good": [
    {
      "service": "svc",
      "release": "new",
      "version": "2.4.0",
      "at": "2026-11-25T10:00:01.234Z",
      "run_id": 7,
      "key_fingerprint": "sha256:abc",
      "endpoint": "http://x",
      "model": "m"
    },
    {
      "service": "svc",
      "release": "new",
      "version": "2.4.0",
      "at": "2026-11-25T10:00:01.234Z",
      "run_id": 7,
      "key_fingerprint": "sha256:abc",
      "endpoint": "http://x",
      "model": "m"
    }
  ]
}
)json");
  EXPECT_EQ(RenderHistoryJson("h.db", {}, {}),
            R"json({
  "db": "h.db",
  "runs": [],
  "last_known_good": []
}
)json");
}

TEST(HistoryJsonTest, FleetByteForByte) {
  EXPECT_EQ(RenderFleetHistoryJson("h.db", Runs()),
            R"json({
  "db": "h.db",
  "services": [
    {
      "service": "svc",
      "decision": "pass",
      "run_id": 7,
      "command": "gate",
      "trigger": "serve:schedule",
      "finished_at": "2026-11-25T10:00:01.234Z",
      "releases": [
        {
          "name": "new",
          "version": "2.4.0",
          "passed": false,
          "failed_checks": [
            "latency",
            "auth"
          ],
          "endpoint": "http://x/v1",
          "model": "m",
          "key_fingerprint": "sha256:abc"
        },
        {
          "name": "new",
          "version": "2.4.0",
          "passed": true,
          "failed_checks": [],
          "endpoint": "http://x/v1",
          "model": "m",
          "key_fingerprint": "sha256:abc"
        }
      ]
    },
    {
      "service": "svc",
      "decision": "block",
      "run_id": 8,
      "command": "gate",
      "trigger": "serve:schedule",
      "finished_at": "2026-11-25T10:00:01.234Z",
      "releases": []
    }
  ],
  "summary": {
    "services": 2,
    "pass": 1,
    "block": 1
  }
}
)json");
  EXPECT_EQ(RenderFleetHistoryJson("h.db", {}),
            R"json({
  "db": "h.db",
  "services": [],
  "summary": {
    "services": 0,
    "pass": 0,
    "block": 0
  }
}
)json");
}

TEST(HistoryJsonTest, BytesThatAreNotUtf8AreReplacedNotFatal) {
  std::vector<HistoryRun> runs = Runs();
  runs[0].service = "svc \xc3";
  EXPECT_NE(RenderHistoryJson("h.db", runs, {}).find("\"svc \xef\xbf\xbd\""), std::string::npos);
}

}  // namespace
}  // namespace rollgate::internal
