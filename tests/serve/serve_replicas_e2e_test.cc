// Two real `rollgate serve` processes as an operator runs replicas: against the mock provider
// and one throw-away PostgreSQL 15 history (tests/store/pg_fixture.h) they run each scheduled
// slot once and share the daily caps, and when one is killed with SIGKILL mid-run the other runs
// its slot after the claim lapses. On an SQLite history a second replica is refused at start,
// until the first is gone (even by SIGKILL).
//
// The schedule is 2 s slots here (schedule.every takes 2s and up) to keep the suite fast; each
// check reads the history and the mock's counters, never a fixed sleep.
#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <thread>

#include "e2e/e2e_util.h"
#include "store/pg_fixture.h"
#include "testutil/child_process.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/wait_until.h"

namespace rollgate::testing {
namespace {

constexpr char kReplicaKey[] = "sk-replica-e2e-7d2a9c4e1b6f3580";
constexpr char kReplicaToken[] = "replica-e2e-token-5b8e1a3c7f0d2946";
constexpr char kReplicaReady[] = "rollgate serve listening on ";

// Polls `probe` every 200 ms until it holds or `timeout` passes (each probe runs psql).
bool ReplicaPoll(const std::function<bool()>& probe, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!probe()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return true;
}

class ServeReplicasE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 36500\n");
  }

  // `serve_keys`: more keys of the serve: section (", run_timeout: 2s").
  std::string WriteConfig(MockServer& mock, const std::string& history, const std::string& extra,
                          const std::string& serve_keys = "") {
    return dir_.Write("rollgate.yaml",
                      "service: checkout-assistant\ncontract: contract.yaml\n"
                      "releases:\n"
                      "  new: {version: '2', base_url: '" +
                          mock.provider().base_url() +
                          "', api_key: {env: REPLICA_KEY}, model: gpt-4o-mini, timeout_ms: 60000, "
                          "retry: {max_attempts: 1}}\n"
                          "  rollback: {version: '1', base_url: '" +
                          mock.provider().base_url() +
                          "', api_key: {env: REPLICA_KEY}, model: gpt-4o-mini, timeout_ms: 60000, "
                          "retry: {max_attempts: 1}}\n"
                          "negative_auth: {enabled: false}\n"
                          "history: " +
                          history +
                          "\n"
                          "serve: {token: {env: REPLICA_TOKEN}, max_result_age: 0s" +
                          serve_keys + "}\n" + extra);
  }

  std::string PgHistory() const {
    return "{db: '" + pg_.Uri() + "', password: {env: REPLICA_PG_PASSWORD}}";
  }

  Status StartServe(ChildProcess& serve, const std::string& config) {
    ROLLGATE_RETURN_IF_ERROR(serve.Start(
        {{ROLLGATE_BINARY, "serve", "--config", config, "--listen", "127.0.0.1:0"},
         {std::string("REPLICA_KEY=") + kReplicaKey, std::string("REPLICA_TOKEN=") + kReplicaToken,
          std::string("REPLICA_PG_PASSWORD=") + PgServer::kPassword},
         ""}));
    Result<std::string> line = serve.WaitForLine(kReplicaReady, std::chrono::seconds(30));
    return line.ok() ? Status::Ok() : line.status();
  }

  int64_t Count(const std::string& sql) {
    Result<std::string> out = pg_.Psql(sql);
    return out.ok() && !out->empty() ? std::stoll(*out) : -1;
  }

  static int Terminate(ChildProcess& serve) {
    if (!serve.Signal(SIGTERM)) return -1;
    std::optional<ChildExit> exit = serve.WaitForExit(std::chrono::seconds(60));
    return exit && exit->exited_normally() ? exit->exit_code : -1;
  }

  static mock::MockOptions MockOptions(int latency_ms = 0) {
    mock::MockOptions o;
    o.keys = {kReplicaKey};
    o.latency_ms = latency_ms;
    return o;
  }

  PgServer pg_;
  TempDir dir_;
};

TEST_F(ServeReplicasE2eTest, TwoReplicasRunEachSlotOnceAndShareTheCaps) {
  ASSERT_PG_STARTED(pg_);
  MockServer mock(MockOptions());
  ASSERT_OK(mock.status());
  // 2 s slots, and a cap of 4 runs a day for both replicas together.
  std::string config = WriteConfig(
      mock, PgHistory(),
      "schedule: {every: 2s, jitter: 0s, max_runs_per_day: 4, max_tokens_per_day: 1000000}\n");
  ChildProcess a, b;
  ASSERT_OK(StartServe(a, config));
  ASSERT_OK(StartServe(b, config));

  // Four slots run, then the cap refuses the next ones, on whichever replica ticks first.
  const std::string schedule_runs =
      "SELECT count(*) FROM rollgate.runs WHERE started_by = 'serve:schedule'";
  ASSERT_TRUE(ReplicaPoll([&] { return Count(schedule_runs) >= 4; }, std::chrono::seconds(60)))
      << a.err() << b.err();
  ASSERT_TRUE(ReplicaPoll(
      [&] {
        return Count("SELECT count(*) FROM rollgate.serve_slots WHERE outcome = 'capped'") >= 2;
      },
      std::chrono::seconds(30)))
      << a.err() << b.err();
  EXPECT_EQ(Terminate(a), 0) << a.err();
  EXPECT_EQ(Terminate(b), 0) << b.err();

  // Each slot once: every scheduled run is the one run of its slot, and nothing called the
  // provider beyond those runs (two calls each: new and rollback).
  EXPECT_EQ(Count(schedule_runs), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM rollgate.serve_slots WHERE run_id IS NOT NULL"), 4);
  EXPECT_EQ(Count("SELECT count(DISTINCT run_id) FROM rollgate.serve_slots"), 4);
  EXPECT_EQ(mock.provider().stats().requests_total, 8);
  EXPECT_EQ(Count("SELECT runs FROM rollgate.serve_usage"), 4);
  const std::string logs = a.err() + b.err();
  std::size_t started = 0;
  for (std::size_t at = 0; (at = logs.find("run started (schedule)", at)) != std::string::npos;
       ++at) {
    ++started;
  }
  EXPECT_EQ(started, 4u) << logs;
  EXPECT_NE(logs.find("daily run cap reached: 4 of 4 runs today (UTC)"), std::string::npos) << logs;
  // A shared history counts the caps itself: nothing to read at start, so nothing to warn of.
  EXPECT_EQ(logs.find("cannot read today's usage"), std::string::npos) << logs;

  // `rollgate history` reads the shared history back.
  CliRun history =
      RunRollgate({"history", "--db", pg_.Uri(), "--format", "json"}, {PgServer::PasswordEnv()});
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_NE(history.out.find("\"trigger\": \"serve:schedule\""), std::string::npos);
  EXPECT_EQ(history.out.find(kReplicaKey), std::string::npos);
}

// A replica is killed (SIGKILL) in the middle of a scheduled run: its claim stays in the history
// until run_timeout (plus 5 s) after it was made; then the other replica takes the slot over
// and runs it. The slots are 20 s long and the test starts early in one, so the takeover (after
// at most 3 + 4 + 5 s and the start-up) falls in the same slot.
TEST_F(ServeReplicasE2eTest, AReplicaKilledMidRunLeavesItsSlotToTheOther) {
  ASSERT_PG_STARTED(pg_);
  MockServer mock(MockOptions(/*latency_ms=*/60000));  // every call hangs: the run stays in flight
  ASSERT_OK(mock.status());
  std::string config = WriteConfig(
      mock, PgHistory(),
      "schedule: {every: 20s, jitter: 0s, max_runs_per_day: 100, max_tokens_per_day: 1000000}\n",
      ", run_timeout: 4s");
  // Start within the first 3 s of a 20 s slot (bounded wait: at most one slot).
  auto in_slot_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count() %
           20000;
  };
  ASSERT_TRUE(WaitUntil([&] { return in_slot_ms() < 3000; }, std::chrono::seconds(25)));

  ChildProcess a;
  ASSERT_OK(StartServe(a, config));
  ASSERT_TRUE(WaitUntil([&] { return a.err().find("run started (schedule)") != std::string::npos; },
                        std::chrono::seconds(10)))
      << a.err();
  ASSERT_TRUE(a.Signal(SIGKILL));
  ASSERT_TRUE(a.WaitForExit(std::chrono::seconds(10)).has_value());
  EXPECT_EQ(Count("SELECT count(*) FROM rollgate.serve_slots WHERE finished_unix_ms IS NULL"), 1);

  ChildProcess b;
  ASSERT_OK(StartServe(b, config));
  ASSERT_TRUE(WaitUntil([&] { return b.err().find("is being run by ") != std::string::npos; },
                        std::chrono::seconds(10)))
      << b.err();
  ASSERT_TRUE(WaitUntil(
      [&] {
        return b.err().find("from a replica that did not finish it (attempt 2)") !=
               std::string::npos;
      },
      std::chrono::seconds(15)))
      << b.err();
  // Its run hits run_timeout too (the mock still hangs): cancelled, a block, recorded.
  ASSERT_TRUE(ReplicaPoll([&] { return Count("SELECT count(*) FROM rollgate.runs") == 1; },
                          std::chrono::seconds(20)))
      << b.err();
  EXPECT_EQ(Terminate(b), 0) << b.err();
  EXPECT_EQ(Count("SELECT attempts FROM rollgate.serve_slots WHERE run_id IS NOT NULL"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM rollgate.serve_slots"), 1) << "the same slot, not the next";
}

TEST_F(ServeReplicasE2eTest, ASecondReplicaOnAnSqliteHistoryIsRefusedUntilTheFirstIsGone) {
  MockServer mock(MockOptions());
  ASSERT_OK(mock.status());
  std::string config = WriteConfig(mock, "{db: history.db}", "");
  ChildProcess a;
  ASSERT_OK(StartServe(a, config));
  CliRun second = RunRollgate({"serve", "--config", config, "--listen", "127.0.0.1:0"},
                              {std::string("REPLICA_TOKEN=") + kReplicaToken});
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_NE(second.err.find("is already served for service checkout-assistant by another rollgate "
                            "serve (pid " +
                            std::to_string(a.pid())),
            std::string::npos)
      << second.err;
  ASSERT_TRUE(a.Signal(SIGKILL));
  ASSERT_TRUE(a.WaitForExit(std::chrono::seconds(10)).has_value());
  ChildProcess b;
  EXPECT_OK(StartServe(b, config)) << "a killed holder leaves no stale lock";
  EXPECT_EQ(Terminate(b), 0);
}

}  // namespace
}  // namespace rollgate::testing
