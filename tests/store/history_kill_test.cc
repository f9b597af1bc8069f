// kill -9 mid-run never corrupts the history (issue 6). A writer process
// (tests/store/history_writer_main.cc) appends runs in a tight loop and reports each commit on
// stdout; the test SIGKILLs it at several points of its progress, each time on the database the
// previous (killed) writer left behind, and checks after every kill that:
//
//  * PRAGMA integrity_check says "ok";
//  * every run is complete: its gate, release and check rows all present (the counts the run
//    rows carry), its gate.json parses and matches the run;
//  * no committed run was lost and at most the one in flight appeared (atomicity: the run the
//    kill interrupted is there whole or not at all).
//
// Synchronisation is on the writer's progress lines, never on time.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <string>

#include "base/file_util.h"
#include "store/history_store.h"
#include "store/sqlite_db.h"
#include "testutil/child_process.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

using internal::HistoryRun;

int CountLines(const std::string& out, const std::string& prefix) {
  int n = 0;
  std::size_t at = 0;
  while ((at = out.find(prefix, at)) != std::string::npos) {
    if (at == 0 || out[at - 1] == '\n') ++n;
    at += prefix.size();
  }
  return n;
}

// Every run row must have exactly the child rows it says it has, and no child row may be an
// orphan. Returns the number of runs.
int64_t ExpectStructurallyComplete(const std::string& db_path) {
  Result<std::unique_ptr<internal::SqliteDb>> db =
      internal::SqliteDb::Open(db_path, internal::SqliteDb::Mode::kReadOnly, 5000);
  EXPECT_OK(db);
  if (!db.ok()) return -1;
  auto count = [&](const std::string& sql) -> int64_t {
    Result<internal::SqlRows> rows = (*db)->Query(sql, {});
    EXPECT_OK(rows) << sql;
    return rows.ok() && rows->rows() == 1 ? rows->Int(0, 0) : -1;
  };
  // Killed during the very first append, before the schema's transaction committed: the file
  // exists (in WAL mode) with no tables. That is an empty history, and readers must say so.
  if (count("SELECT COUNT(*) FROM sqlite_master") == 0) return 0;
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs r WHERE r.gate_count != "
                  "(SELECT COUNT(*) FROM gates g WHERE g.run_id = r.id)"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs r WHERE r.release_count != "
                  "(SELECT COUNT(*) FROM releases rel WHERE rel.run_id = r.id)"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM releases rel WHERE rel.check_count != "
                  "(SELECT COUNT(*) FROM checks c WHERE c.run_id = rel.run_id AND "
                  "c.release = rel.name)"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM gates WHERE run_id NOT IN (SELECT id FROM runs)"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM releases WHERE run_id NOT IN (SELECT id FROM runs)"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM checks WHERE run_id NOT IN (SELECT id FROM runs)"), 0);
  return count("SELECT COUNT(*) FROM runs");
}

// The same through the public reader: every listed run has both releases and a gate.json that
// parses and describes that run. Returns the number of runs listed.
int64_t ExpectEveryListedRunComplete(const std::string& db_path) {
  internal::HistoryQuery query;
  query.last = 100000;
  query.include_gate_json = true;
  Result<std::vector<HistoryRun>> runs = internal::ListHistory(db_path, query);
  EXPECT_OK(runs);
  if (!runs.ok()) return -1;
  for (const HistoryRun& run : *runs) {
    SCOPED_TRACE("run " + std::to_string(run.id));
    if (run.releases.size() != 2u) {
      ADD_FAILURE() << "run " << run.id << " lists " << run.releases.size() << " releases";
      continue;
    }
    EXPECT_EQ(run.releases[0].name, "new");
    EXPECT_EQ(run.releases[1].name, "rollback");
    nlohmann::json j = nlohmann::json::parse(run.gate_json, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "gate.json of run " << run.id << " does not parse (" << run.gate_json.size()
                    << " bytes)";
      continue;
    }
    EXPECT_EQ(j["decision"], ToString(run.decision));
    EXPECT_EQ(j["releases"].size(), 2u);
    EXPECT_EQ(j["gates"].size(), 3u);
    // The padded detail survived whole: "run N xxxx...".
    const std::string detail = j["gates"][0]["detail"].get<std::string>();
    EXPECT_EQ(detail.rfind("run ", 0), 0u);
    EXPECT_EQ(detail.find_first_not_of('x', detail.find(' ', 4) + 1), std::string::npos);
  }
  return static_cast<int64_t>(runs->size());
}

TEST(HistoryKillTest, KillNineMidAppendNeverCorruptsTheHistory) {
  TempDir dir;
  const std::string db = dir.Join("history.db");
  // Kill points: as soon as the writer starts (during the very first append, when the file and
  // its schema are being created), then after 1, 2, 5, 11 and 23 further commits. Each round
  // reopens what the previous kill left, so recovery of a hot WAL is exercised too.
  const int kKillAfter[] = {0, 1, 2, 5, 11, 23};
  int64_t runs_in_db = 0;
  for (int round = 0; round < static_cast<int>(std::size(kKillAfter)); ++round) {
    const int kill_after = kKillAfter[round];
    SCOPED_TRACE("round " + std::to_string(round) + ", kill after " + std::to_string(kill_after) +
                 " commits");
    const int64_t first = runs_in_db + 1;
    ChildProcess writer;
    ASSERT_OK(writer.Start({{ROLLGATE_HISTORY_WRITER, db, std::to_string(first)}, {}, ""}));
    const std::string wait_for = kill_after == 0
                                     ? "writer ready "
                                     : "appended " + std::to_string(first + kill_after - 1) + " ";
    Result<std::string> line = writer.WaitForLine(wait_for, std::chrono::seconds(60));
    ASSERT_OK(line) << writer.err();
    ASSERT_TRUE(writer.Signal(SIGKILL)) << "the writer ended on its own: " << writer.err();
    std::optional<ChildExit> exit = writer.WaitForExit(std::chrono::seconds(10));
    ASSERT_TRUE(exit.has_value());
    ASSERT_EQ(exit->term_signal, SIGKILL)
        << "exit code " << exit->exit_code << ": " << writer.err();
    const int reported = CountLines(writer.out(), "appended ");
    ASSERT_GE(reported, kill_after);

    if (!internal::FileExists(db)) {
      // Killed before SQLite created the file: nothing was written, nothing can be torn.
      ASSERT_EQ(runs_in_db, 0);
      ASSERT_EQ(reported, 0);
      continue;
    }
    Result<std::string> integrity = internal::CheckHistoryIntegrity(db);
    ASSERT_OK(integrity);
    EXPECT_EQ(*integrity, "ok");
    const int64_t structural = ExpectStructurallyComplete(db);
    const int64_t listed = ExpectEveryListedRunComplete(db);
    EXPECT_EQ(listed, structural);
    // Every reported commit is there; at most the run in flight at the kill committed unseen.
    EXPECT_GE(listed, runs_in_db + reported);
    EXPECT_LE(listed, runs_in_db + reported + 1);
    if (::testing::Test::HasFatalFailure()) return;
    runs_in_db = listed;
  }
  EXPECT_GE(runs_in_db, 1 + 2 + 5 + 11 + 23);

  // What the kills left is still a working history: the next append lands and reads back.
  ChildProcess writer;
  ASSERT_OK(writer.Start({{ROLLGATE_HISTORY_WRITER, db, std::to_string(runs_in_db + 1)}, {}, ""}));
  ASSERT_OK(writer.WaitForLine("appended " + std::to_string(runs_in_db + 1) + " ",
                               std::chrono::seconds(60)));
  writer.Stop();
  EXPECT_GE(ExpectEveryListedRunComplete(db), runs_in_db + 1);
}

}  // namespace
}  // namespace rollgate::testing
