// The history database through its public functions: what a run appends, how the listing
// orders and filters it, the last known good state per release, the usage the serve caps are
// seeded from, and the clear refusal of a file that is not a rollgate history.
#include "store/history_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <latch>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/file_util.h"
#include "evidence/evidence.h"
#include "evidence/history_json.h"
#include "store/history_format.h"
#include "store/history_test_util.h"
#include "store/serve_lock.h"
#include "store/sqlite_db.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

using testing::MakeRelease;
using testing::MakeRun;
using testing::TempDir;

constexpr int64_t kStoreT0 = 1795600800000;  // 2026-11-25T10:00:00Z

class HistoryStoreTest : public ::testing::Test {
 protected:
  std::string Db() const { return dir_.Join("history.db"); }

  void Append(const RunReport& run, const std::string& trigger = "cli") {
    AppendOptions options;
    options.trigger = trigger;
    ASSERT_OK(AppendToHistory(Db(), run, RenderGateJson(run), options));
  }

  std::vector<HistoryRun> List(HistoryQuery query = {}) {
    Result<std::vector<HistoryRun>> runs = ListHistory(Db(), query);
    EXPECT_OK(runs);
    return runs.ok() ? *runs : std::vector<HistoryRun>{};
  }

  TempDir dir_;
};

std::vector<int64_t> Ids(const std::vector<HistoryRun>& runs) {
  std::vector<int64_t> ids;
  for (const auto& r : runs) ids.push_back(r.id);
  return ids;
}

TEST_F(HistoryStoreTest, AppendsRunsAndListsThemNewestFirst) {
  Append(MakeRun(kStoreT0 + 1000));
  Append(MakeRun(kStoreT0 + 2000, "", "authentication"), "serve:flagger");
  Append(MakeRun(kStoreT0 + 3000, "content_sanity", ""));

  std::vector<HistoryRun> runs = List();
  ASSERT_EQ(Ids(runs), (std::vector<int64_t>{3, 2, 1}));
  const HistoryRun& blocked = runs[1];
  EXPECT_EQ(blocked.command, "gate");
  EXPECT_EQ(blocked.trigger, "serve:flagger");
  EXPECT_EQ(blocked.service, "checkout-assistant");
  EXPECT_EQ(blocked.decision, Decision::kBlock);
  EXPECT_EQ(blocked.started_unix_ms, kStoreT0 + 1800);
  EXPECT_EQ(blocked.finished_unix_ms, kStoreT0 + 2000);
  EXPECT_EQ(blocked.tokens_used, 80);  // 40 per release
  EXPECT_TRUE(blocked.gate_json.empty()) << "list views leave gate.json out";
  ASSERT_EQ(blocked.releases.size(), 2u);
  EXPECT_EQ(blocked.releases[0].name, "new");
  EXPECT_EQ(blocked.releases[0].version, "2.4.0");
  EXPECT_TRUE(blocked.releases[0].passed);
  EXPECT_TRUE(blocked.releases[0].failed_checks.empty());
  EXPECT_EQ(blocked.releases[1].name, "rollback");
  EXPECT_FALSE(blocked.releases[1].passed);
  EXPECT_EQ(blocked.releases[1].failed_checks, (std::vector<std::string>{"authentication"}));
  EXPECT_EQ(blocked.releases[1].key_fingerprint, "sha256:bbbbbbbbbbbb");
  EXPECT_EQ(runs[0].trigger, "cli");
  EXPECT_EQ(runs[2].decision, Decision::kPass);
}

TEST_F(HistoryStoreTest, OrdersByFinishTimeNotByInsertion) {
  Append(MakeRun(kStoreT0 + 5000));  // id 1, finished last
  Append(MakeRun(kStoreT0 + 1000));  // id 2, appended later but finished first
  EXPECT_EQ(Ids(List()), (std::vector<int64_t>{1, 2}));
}

TEST_F(HistoryStoreTest, LastLimitsTheListing) {
  for (int i = 1; i <= 5; ++i) Append(MakeRun(kStoreT0 + i * 1000));
  HistoryQuery q;
  q.last = 2;
  EXPECT_EQ(Ids(List(q)), (std::vector<int64_t>{5, 4}));
}

TEST_F(HistoryStoreTest, ReleaseFilterKeepsOnlyRunsThatProbedIt) {
  Append(MakeRun(kStoreT0 + 1000));
  RunReport check_only;  // `rollgate check --release new`
  check_only.command = Command::kCheck;
  check_only.service = "checkout-assistant";
  check_only.started_unix_ms = kStoreT0 + 1500;
  check_only.finished_unix_ms = kStoreT0 + 2000;
  check_only.decision = Decision::kPass;
  check_only.releases.push_back(MakeRelease("new", "2.4.0"));
  Append(check_only);
  Append(MakeRun(kStoreT0 + 3000));

  HistoryQuery q;
  q.release = "rollback";
  EXPECT_EQ(Ids(List(q)), (std::vector<int64_t>{3, 1}));
  q.release = "new";
  std::vector<HistoryRun> with_new = List(q);
  EXPECT_EQ(Ids(with_new), (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(with_new[1].command, "check");
  q.release = "canary";
  EXPECT_TRUE(List(q).empty());
}

TEST_F(HistoryStoreTest, LastKnownGoodIsTheNewestPassingProbePerServiceAndRelease) {
  Append(MakeRun(kStoreT0 + 1000));                        // 1: both pass
  Append(MakeRun(kStoreT0 + 2000, "", "authentication"));  // 2: new passes, rollback fails
  Append(MakeRun(kStoreT0 + 3000, "latency", ""));         // 3: new fails, rollback passes
  Append(MakeRun(kStoreT0 + 4000, "content_sanity", "connectivity"));  // 4: both fail
  Append(MakeRun(kStoreT0 + 500, "", "", "billing-bot"));              // 5: another service, older

  Result<std::vector<LastKnownGood>> good = LastKnownGoodReleases(Db());
  ASSERT_OK(good);
  ASSERT_EQ(good->size(), 4u);
  // Ordered by service, then release.
  EXPECT_EQ((*good)[0].service, "billing-bot");
  EXPECT_EQ((*good)[0].run_id, 5);
  EXPECT_EQ((*good)[2].service, "checkout-assistant");
  EXPECT_EQ((*good)[2].release, "new");
  EXPECT_EQ((*good)[2].run_id, 2);
  EXPECT_EQ((*good)[2].at_unix_ms, kStoreT0 + 2000);
  EXPECT_EQ((*good)[2].version, "2.4.0");
  EXPECT_EQ((*good)[2].model, "gpt-5.4-mini");
  EXPECT_EQ((*good)[2].key_fingerprint, "sha256:aaaaaaaaaaaa");
  EXPECT_EQ((*good)[3].release, "rollback");
  EXPECT_EQ((*good)[3].run_id, 3);
  EXPECT_EQ((*good)[3].at_unix_ms, kStoreT0 + 3000);
}

TEST_F(HistoryStoreTest, AReleaseWithoutChecksIsNeverKnownGood) {
  RunReport run = MakeRun(kStoreT0 + 1000);
  run.releases[1].checks.clear();  // nothing was proven about rollback
  Append(run);
  Result<std::vector<LastKnownGood>> good = LastKnownGoodReleases(Db());
  ASSERT_OK(good);
  ASSERT_EQ(good->size(), 1u);
  EXPECT_EQ((*good)[0].release, "new");
}

TEST_F(HistoryStoreTest, GetRunReturnsItsGateJson) {
  RunReport run = MakeRun(kStoreT0 + 1000, "", "authentication");
  Append(run);
  Result<HistoryRun> got = GetHistoryRun(Db(), 1);
  ASSERT_OK(got);
  EXPECT_EQ(got->gate_json, RenderGateJson(run));
  nlohmann::json j = nlohmann::json::parse(got->gate_json);
  EXPECT_EQ(j["decision"], "block");
  ASSERT_EQ(got->releases.size(), 2u);

  Result<HistoryRun> missing = GetHistoryRun(Db(), 42);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("no run 42"), std::string::npos);
}

TEST_F(HistoryStoreTest, ReadingAMissingFileIsNotFoundAndCreatesNothing) {
  Result<std::vector<HistoryRun>> runs = ListHistory(Db(), {});
  ASSERT_FALSE(runs.ok());
  EXPECT_EQ(runs.status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(FileExists(Db()));
  EXPECT_FALSE(LastKnownGoodReleases(Db()).ok());
  // The newest run of a history that does not exist yet: none (as in PostgreSQL), not an error.
  Result<std::unique_ptr<HistoryStore>> store = OpenHistoryStore(*LocateHistory(Db()));
  ASSERT_OK(store);
  Result<std::optional<HistoryRun>> latest = (*store)->LatestRun("checkout-assistant", "");
  ASSERT_OK(latest);
  EXPECT_FALSE(latest->has_value());
  EXPECT_OK(CheckpointHistory(Db()));  // nothing to flush is not an error
  EXPECT_FALSE(FileExists(Db()));
}

TEST_F(HistoryStoreTest, AppendCreatesParentDirectories) {
  std::string nested = dir_.Join("var/lib/rollgate/history.db");
  RunReport run = MakeRun(kStoreT0);
  ASSERT_OK(AppendToHistory(nested, run, RenderGateJson(run)));
  Result<std::vector<HistoryRun>> runs = ListHistory(nested, {});
  ASSERT_OK(runs);
  EXPECT_EQ(runs->size(), 1u);
}

// A symbolic link planted at the history's path (a shared directory, a 3 a.m. typo) must not
// make rollgate create or write a file where it points: refused, naming the link, and nothing
// is written on either side. Reading through a link is harmless and still works.
TEST_F(HistoryStoreTest, APlantedSymlinkAtTheHistoryPathIsRefusedAndNothingIsWrittenThroughIt) {
  const std::string victim = dir_.Join("victim.db");
  std::filesystem::create_symlink(victim, Db());
  Status st = AppendToHistory(Db(), MakeRun(kStoreT0), "{}");
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.message();
  EXPECT_NE(st.message().find(Db() + " is a symbolic link"), std::string::npos) << st.message();
  EXPECT_FALSE(FileExists(victim)) << "the dangling link's target was created";

  // A link to a real history: not written through either, and the history is as it was.
  const std::string real = dir_.Join("real.db");
  ASSERT_OK(AppendToHistory(real, MakeRun(kStoreT0), "{}"));
  std::filesystem::remove(Db());
  std::filesystem::create_symlink(real, Db());
  EXPECT_EQ(AppendToHistory(Db(), MakeRun(kStoreT0 + 1000), "{}").code(),
            Status::Code::kInvalidArgument);
  Result<std::vector<HistoryRun>> runs = ListHistory(Db(), {});
  ASSERT_OK(runs);
  EXPECT_EQ(runs->size(), 1u);

  // Nor through SQLite's write-ahead log beside the file.
  const std::string fresh = dir_.Join("fresh.db");
  std::filesystem::create_symlink(dir_.Join("victim-wal"), fresh + "-wal");
  st = AppendToHistory(fresh, MakeRun(kStoreT0 + 2000), "{}");
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.message();
  EXPECT_NE(st.message().find(fresh + "-wal is a symbolic link"), std::string::npos)
      << st.message();
  EXPECT_FALSE(FileExists(dir_.Join("victim-wal")));
}

// The serve lock beside the history is truncated and written with its holder: a link planted
// at its name must not lead that write to another file.
TEST_F(HistoryStoreTest, APlantedSymlinkAtTheServeLockIsRefusedAndItsTargetKept) {
  const std::string victim = dir_.Join("authorized_keys");
  ASSERT_OK(WriteFileAtomic(victim, "ssh-ed25519 AAAA keep-me\n"));
  std::filesystem::create_symlink(victim, ServeLockPath(Db(), "checkout-assistant"));
  Result<std::unique_ptr<HistoryStore>> store = OpenHistoryStore(*LocateHistory(Db()));
  ASSERT_OK(store);
  Status st = (*store)->HoldForServe("checkout-assistant");
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.message();
  EXPECT_NE(st.message().find("symbolic link"), std::string::npos) << st.message();
  Result<std::string> kept = ReadFileToString(victim);
  ASSERT_OK(kept);
  EXPECT_EQ(*kept, "ssh-ed25519 AAAA keep-me\n");
}

TEST_F(HistoryStoreTest, AFileThatIsNotADatabaseIsRefusedByName) {
  const std::string text = "service,decision\ncheckout,pass\n";
  std::string path = dir_.Write("runs.csv", text);
  for (const Status& st : {ListHistory(path, {}).status(), LastKnownGoodReleases(path).status(),
                           GetHistoryRun(path, 1).status()}) {
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.message();
    EXPECT_NE(st.message().find(path + " is not a rollgate history (not an SQLite database)"),
              std::string::npos)
        << st.message();
  }
  RunReport run = MakeRun(kStoreT0);
  Status st = AppendToHistory(path, run, RenderGateJson(run));
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.message();
  EXPECT_NE(st.message().find(path), std::string::npos);
  Result<std::string> after = ReadFileToString(path);
  ASSERT_OK(after);
  EXPECT_EQ(*after, text) << "a refused append must not touch the file";
}

TEST_F(HistoryStoreTest, AnotherApplicationsDatabaseIsRefusedAndLeftUntouched) {
  std::string path = dir_.Join("app.sqlite");
  {
    Result<std::unique_ptr<SqliteDb>> db =
        SqliteDb::Open(path, SqliteDb::Mode::kReadWriteCreate, 1000);
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ann')"));
  }
  Result<std::string> before = ReadFileToString(path);
  ASSERT_OK(before);

  Status listed = ListHistory(path, {}).status();
  EXPECT_EQ(listed.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(listed.message().find(path + " is not a rollgate history (an SQLite database of "
                                         "another application)"),
            std::string::npos)
      << listed.message();
  RunReport run = MakeRun(kStoreT0);
  Status appended = AppendToHistory(path, run, RenderGateJson(run));
  EXPECT_EQ(appended.code(), Status::Code::kInvalidArgument) << appended.message();
  Result<std::string> after = ReadFileToString(path);
  ASSERT_OK(after);
  EXPECT_EQ(*after, *before) << "not even the journal mode may change";
  EXPECT_FALSE(FileExists(path + "-wal"));
}

TEST_F(HistoryStoreTest, AHistoryFromANewerRollgateIsRefused) {
  Append(MakeRun(kStoreT0));
  {
    Result<std::unique_ptr<SqliteDb>> db =
        SqliteDb::Open(Db(), SqliteDb::Mode::kReadWriteCreate, 1000);
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec("PRAGMA user_version = " + std::to_string(kHistorySchemaVersion + 1)));
  }
  Status st = ListHistory(Db(), {}).status();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("written by a newer rollgate"), std::string::npos) << st.message();
  RunReport run = MakeRun(kStoreT0 + 1);
  EXPECT_FALSE(AppendToHistory(Db(), run, RenderGateJson(run)).ok());
}

// A decision the history cannot read as "pass" or "block" (a row edited by hand, or written by
// a rollgate that knew other words) reads back as block: a run that cannot be read as a pass
// never counts as one, and one odd row does not hide the others (rollgate/vocabulary.h).
TEST_F(HistoryStoreTest, AnUnreadableDecisionReadsAsBlock) {
  Append(MakeRun(kStoreT0 + 1000));
  Append(MakeRun(kStoreT0 + 2000));
  {
    Result<std::unique_ptr<SqliteDb>> db =
        SqliteDb::Open(Db(), SqliteDb::Mode::kReadWriteCreate, 1000);
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec("UPDATE runs SET decision = 'passed?' WHERE id = 2"));
  }
  std::vector<HistoryRun> runs = List();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].decision, Decision::kBlock);
  EXPECT_EQ(runs[1].decision, Decision::kPass);
  const std::string json = RenderHistoryJson(Db(), runs, {});
  EXPECT_NE(json.find(R"("decision": "block")"), std::string::npos) << json;
  EXPECT_EQ(json.find("passed?"), std::string::npos) << json;
  const std::string fleet = RenderFleetHistoryTable(Db(), {runs[0]});
  EXPECT_NE(fleet.find("0 pass, 1 blocked"), std::string::npos) << fleet;
}

// A kill -9 during the very first append can leave a database file with no tables yet (the
// WAL switch is written before the schema's transaction). That is an empty history, not a
// foreign file: reading shows no runs, `rollgate serve` can start, and the next append
// creates the schema.
TEST_F(HistoryStoreTest, ADatabaseLeftEmptyByAnInterruptedFirstAppendReadsAsEmpty) {
  {
    Result<std::unique_ptr<SqliteDb>> db =
        SqliteDb::Open(Db(), SqliteDb::Mode::kReadWriteCreate, 1000);
    ASSERT_OK(db);
    ASSERT_OK((*db)->Exec("PRAGMA journal_mode = WAL"));
  }
  ASSERT_TRUE(FileExists(Db()));
  EXPECT_TRUE(List().empty());
  Result<std::vector<LastKnownGood>> good = LastKnownGoodReleases(Db());
  ASSERT_OK(good);
  EXPECT_TRUE(good->empty());
  Result<HistoryUsage> usage = HistoryUsageBetween(Db(), "", 0, kStoreT0 * 2, "serve:");
  ASSERT_OK(usage);
  EXPECT_EQ(usage->runs, 0);
  EXPECT_EQ(GetHistoryRun(Db(), 1).status().code(), Status::Code::kNotFound);

  Append(MakeRun(kStoreT0));
  EXPECT_EQ(List().size(), 1u);
}

TEST_F(HistoryStoreTest, UsageCountsOneTriggerPrefixWithinTheInterval) {
  const int64_t day_start = kStoreT0 - 10 * 3600 * 1000;  // 2026-11-25T00:00:00Z
  Append(MakeRun(day_start - 1000), "serve:schedule");    // yesterday
  Append(MakeRun(kStoreT0 + 1000), "serve:schedule");
  Append(MakeRun(kStoreT0 + 2000), "cli");  // not serve's
  RunReport expensive = MakeRun(kStoreT0 + 3000);
  expensive.releases[0].parsed.total_tokens = 300;
  Append(expensive, "serve:flagger");

  Result<HistoryUsage> usage =
      HistoryUsageBetween(Db(), "", day_start, day_start + 86400000, "serve:");
  ASSERT_OK(usage);
  EXPECT_EQ(usage->runs, 2);
  EXPECT_EQ(usage->tokens, 80 + 340);
  EXPECT_EQ(usage->last_run_tokens, 340);

  Result<HistoryUsage> all = HistoryUsageBetween(Db(), "", 0, kStoreT0 * 2, "");
  ASSERT_OK(all);
  EXPECT_EQ(all->runs, 4);
  Result<HistoryUsage> none = HistoryUsageBetween(Db(), "", 0, day_start - 5000, "serve:");
  ASSERT_OK(none);
  EXPECT_EQ(none->runs, 0);
  EXPECT_EQ(none->tokens, 0);
  EXPECT_EQ(none->last_run_tokens, 0);
}

// Writers that start together on a file that does not exist yet (a CI job and serve on a fresh
// volume) all land their runs: the first creates the schema, the others wait on the lock and
// must then recognise the new file as a rollgate history, not as someone else's database.
TEST_F(HistoryStoreTest, ConcurrentWritersOnANewFileQueueInsteadOfFailing) {
  constexpr int kRounds = 4, kWriters = 4, kPerWriter = 3;
  for (int round = 0; round < kRounds; ++round) {
    const std::string db = dir_.Join("history-" + std::to_string(round) + ".db");
    std::vector<std::string> failures[kWriters];
    std::latch start(kWriters);
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        start.arrive_and_wait();
        for (int i = 0; i < kPerWriter; ++i) {
          RunReport run = MakeRun(kStoreT0 + w * 100000 + i, "", "", "svc-" + std::to_string(w));
          Status st = AppendToHistory(db, run, RenderGateJson(run));
          if (!st.ok()) failures[w].push_back(st.message());
        }
      });
    }
    for (auto& t : writers) t.join();
    for (const auto& f : failures) {
      for (const auto& message : f) ADD_FAILURE() << "round " << round << ": " << message;
    }
    HistoryQuery q;
    q.last = 1000;
    Result<std::vector<HistoryRun>> runs = ListHistory(db, q);
    ASSERT_OK(runs);
    EXPECT_EQ(runs->size(), static_cast<std::size_t>(kWriters * kPerWriter));
    Result<std::string> integrity = CheckHistoryIntegrity(db);
    ASSERT_OK(integrity);
    EXPECT_EQ(*integrity, "ok");
  }
}

TEST_F(HistoryStoreTest, CheckpointFoldsTheLogIntoOneFile) {
  Append(MakeRun(kStoreT0));
  // A reader holding the database open keeps the WAL alive after the writer closes.
  Result<std::unique_ptr<SqliteDb>> reader = SqliteDb::Open(Db(), SqliteDb::Mode::kReadOnly, 1000);
  ASSERT_OK(reader);
  ASSERT_OK((*reader)->Query("SELECT COUNT(*) FROM runs", {}));
  Append(MakeRun(kStoreT0 + 1000));
  std::error_code ec;
  ASSERT_GT(std::filesystem::file_size(Db() + "-wal", ec), 0u) << "the run should sit in the WAL";
  ASSERT_OK(CheckpointHistory(Db()));
  const auto wal_size = std::filesystem::file_size(Db() + "-wal", ec);
  EXPECT_TRUE(ec || wal_size == 0) << "WAL still holds " << wal_size << " bytes";
  Result<std::string> integrity = CheckHistoryIntegrity(Db());
  ASSERT_OK(integrity);
  EXPECT_EQ(*integrity, "ok");
}

TEST(HistoryFormatTest, TableShowsRunsNewestFirstAndLastKnownGood) {
  HistoryRun run;
  run.id = 7;
  run.command = "gate";
  run.trigger = "serve:schedule";
  run.service = "checkout-assistant";
  run.decision = Decision::kBlock;
  run.finished_unix_ms = kStoreT0 + 7120;
  run.tokens_used = 80;
  run.releases = {{"new", "2.4.0", "", "", "", true, {}, {}},
                  {"rollback", "2.3.1", "", "", "", false, {"authentication", "latency"}, {}}};
  LastKnownGood good{"checkout-assistant",
                     "new",
                     "2.4.0",
                     7,
                     kStoreT0 + 7120,
                     "sha256:aaaaaaaaaaaa",
                     "http://127.0.0.1:1/v1/chat/completions",
                     "gpt-5.4-mini"};
  std::string table = RenderHistoryTable("h.db", {run}, {good});
  EXPECT_NE(table.find("history h.db"), std::string::npos) << table;
  EXPECT_NE(table.find("2026-11-25T10:00:07Z"), std::string::npos) << table;
  EXPECT_NE(table.find("new 2.4.0 ok; rollback 2.3.1 FAIL(authentication,latency)"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("sha256:aaaaaaaaaaaa"), std::string::npos) << table;

  std::string empty = RenderHistoryTable("h.db", {}, {});
  EXPECT_NE(empty.find("(none)"), std::string::npos);
  EXPECT_NE(empty.find("no release has passed every check yet"), std::string::npos);

  nlohmann::json j = nlohmann::json::parse(RenderHistoryJson("h.db", {run}, {good}));
  EXPECT_EQ(j["db"], "h.db");
  EXPECT_EQ(j["runs"][0]["id"], 7);
  EXPECT_EQ(j["runs"][0]["trigger"], "serve:schedule");
  EXPECT_EQ(j["runs"][0]["finished_at"], "2026-11-25T10:00:07.120Z");
  EXPECT_EQ(j["runs"][0]["releases"][1]["failed_checks"][1], "latency");
  EXPECT_EQ(j["runs"][0]["releases"][1]["passed"], false);
  EXPECT_EQ(j["last_known_good"][0]["run_id"], 7);
  EXPECT_EQ(j["last_known_good"][0]["at"], "2026-11-25T10:00:07.120Z");
}

}  // namespace
}  // namespace rollgate::internal
