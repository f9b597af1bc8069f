// The built `rollgate` with a PostgreSQL history, against the mock provider and a throw-away
// PostgreSQL 15: two gates at once, `rollgate history` reading it back, a writer killed with
// SIGKILL mid-append, the server refusing connections or stopped mid-run (the verdict and the
// evidence stand, the run is reported as not recorded), and a pg_dump of the whole database that
// holds no key and no password.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/secret.h"
#include "e2e/e2e_util.h"
#include "store/pg_fixture.h"
#include "testutil/child_process.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/wait_until.h"

namespace rollgate::testing {
namespace {

constexpr char kPgE2eKey[] = "sk-pg-e2e-key-4f0b8d2a6c1e9357";

class PgE2eTest : public ::testing::Test {
 protected:
  PgE2eTest() : mock_(Options()) {}

  static mock::MockOptions Options() {
    mock::MockOptions o;
    o.keys = {kPgE2eKey};
    return o;
  }

  void SetUp() override {
    ASSERT_OK(mock_.status());
    ASSERT_PG_STARTED(pg_);
    dir_.Write("contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 36500\n");
  }

  // A service whose history is the PostgreSQL database, password from an env variable.
  std::string WriteConfig(const std::string& name, const std::string& service) {
    return dir_.Write(name,
                      "service: " + service +
                          "\ncontract: contract.yaml\n"
                          "releases:\n"
                          "  new: {version: '2', base_url: '" +
                          mock_.provider().base_url() +
                          "', api_key: {env: PG_E2E_KEY}, model: gpt-4o-mini, timeout_ms: 20000}\n"
                          "  rollback: {version: '1', base_url: '" +
                          mock_.provider().base_url() +
                          "', api_key: {env: PG_E2E_KEY}, model: gpt-4o-mini, timeout_ms: 20000}\n"
                          "history: {db: '" +
                          pg_.Uri() + "', password: {env: PG_E2E_HISTORY_PASSWORD}}\n");
  }

  std::vector<std::string> Env() const {
    return {std::string("PG_E2E_KEY=") + kPgE2eKey,
            std::string("PG_E2E_HISTORY_PASSWORD=") + PgServer::kPassword, "NO_COLOR=1"};
  }

  CliRun Gate(const std::string& config, const std::string& evidence) {
    return RunRollgate({"gate", "--config", config, "--evidence-dir", dir_.Join(evidence)}, Env());
  }

  // Neither the key nor the password, nor their base64 at any alignment, in `text`.
  static void ExpectNoSecret(const std::string& text, const std::string& where) {
    for (const std::string secret : {kPgE2eKey, PgServer::kPassword}) {
      EXPECT_EQ(text.find(secret), std::string::npos) << where << " holds " << secret;
      for (int shift = 0; shift < 3; ++shift) {
        std::string b64 = internal::Base64Encode(std::string(shift, 'x') + secret);
        std::string core = b64.substr(4, b64.size() - 8);
        EXPECT_EQ(text.find(core), std::string::npos) << where << " holds base64 of " << secret;
      }
    }
  }

  MockServer mock_;
  PgServer pg_;
  TempDir dir_;
};

TEST_F(PgE2eTest, TwoGatesAtOnceShareTheHistoryAndHistoryReadsItBack) {
  std::string a = WriteConfig("a.yaml", "svc-a");
  std::string b = WriteConfig("b.yaml", "svc-b");
  CliRun ra, rb;
  std::thread ta([&] { ra = Gate(a, "ev-a"); });
  std::thread tb([&] { rb = Gate(b, "ev-b"); });
  ta.join();
  tb.join();
  ASSERT_EQ(ra.exit_code, 0) << ra.out << ra.err;
  ASSERT_EQ(rb.exit_code, 0) << rb.out << rb.err;
  EXPECT_EQ(ra.err.find("warning"), std::string::npos) << ra.err;

  // libpq's own PGPASSWORD serves `rollgate history --db URI`.
  CliRun listed =
      RunRollgate({"history", "--db", pg_.Uri(), "--format", "json"}, {PgServer::PasswordEnv()});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  nlohmann::json j = nlohmann::json::parse(listed.out);
  EXPECT_EQ(j["db"], pg_.Uri());
  ASSERT_EQ(j["runs"].size(), 2u) << listed.out;
  std::set<std::string> services;
  for (const auto& run : j["runs"]) {
    services.insert(run["service"].get<std::string>());
    EXPECT_EQ(run["decision"], "pass");
    EXPECT_EQ(run["trigger"], "cli");
    EXPECT_EQ(run["releases"].size(), 2u);
    EXPECT_EQ(run["releases"][0]["key_fingerprint"], internal::KeyFingerprint(kPgE2eKey));
  }
  EXPECT_EQ(services, (std::set<std::string>{"svc-a", "svc-b"}));
  EXPECT_EQ(j["last_known_good"].size(), 4u);

  // --config resolves history.password from its source; --fleet has one row per service.
  CliRun fleet = RunRollgate({"history", "--config", a, "--fleet"}, Env());
  ASSERT_EQ(fleet.exit_code, 0) << fleet.err;
  EXPECT_NE(fleet.out.find("2 services: 2 pass, 0 blocked"), std::string::npos) << fleet.out;

  CliRun one = RunRollgate({"history", "--db", pg_.Uri(), "--run", "1"}, {PgServer::PasswordEnv()});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(nlohmann::json::parse(one.out)["decision"], "pass");
  CliRun none =
      RunRollgate({"history", "--db", pg_.Uri(), "--run", "42"}, {PgServer::PasswordEnv()});
  EXPECT_EQ(none.exit_code, 2) << none.err;

  // The whole database, as an operator's backup would hold it: fingerprints, never a secret.
  Result<std::string> dump = pg_.Dump();
  ASSERT_OK(dump);
  EXPECT_NE(dump->find(internal::KeyFingerprint(kPgE2eKey)), std::string::npos);
  ExpectNoSecret(*dump, "pg_dump");
  for (const CliRun* r : {&ra, &rb, &listed, &fleet, &one})
    ExpectNoSecret(r->out + r->err, "output");
}

TEST_F(PgE2eTest, AHistoryWithNoRollgateSchemaYetIsNoHistory) {
  CliRun run = RunRollgate({"history", "--db", pg_.Uri()}, {PgServer::PasswordEnv()});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("no rollgate history at " + pg_.Uri()), std::string::npos) << run.err;
}

// The database refuses connections (down for maintenance): the gate's verdict, exit code and
// evidence stand; the run is reported as not recorded after a bounded wait.
TEST_F(PgE2eTest, ARefusedConnectionCostsAWarningNotTheVerdict) {
  std::string config = WriteConfig("rollgate.yaml", "svc");
  ASSERT_OK(pg_.Stop());
  CliRun run;
  double ms = ElapsedMs([&] { run = Gate(config, "ev"); });
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.Join("ev/gate.json")));
  EXPECT_NE(run.err.find("rollgate: warning: the run was not recorded in the history " + pg_.Uri()),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("its verdict and evidence stand"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(pg_.Uri() + ": " + pg_.Uri()), std::string::npos) << "named once";
  EXPECT_LT(ms, 30000) << "the retries are bounded";
  ExpectNoSecret(run.out + run.err, "gate output");
}

// The server goes away while the gate is probing (the mock holds each answer for a while): the
// gate finishes, writes its evidence, exits with its own verdict and warns.
TEST_F(PgE2eTest, TheServerStoppedMidRunCostsAWarningNotTheVerdict) {
  mock::MockOptions slow = Options();
  slow.latency_ms = 4000;  // long enough for pg_ctl stop on a busy machine
  MockServer mock(slow);
  ASSERT_OK(mock.status());
  std::string config =
      dir_.Write("slow.yaml",
                 "service: slow\ncontract: contract.yaml\nreleases:\n"
                 "  new: {version: '2', base_url: '" +
                     mock.provider().base_url() +
                     "', api_key: {env: PG_E2E_KEY}, model: m, timeout_ms: 20000}\n"
                     "  rollback: {version: '1', base_url: '" +
                     mock.provider().base_url() +
                     "', api_key: {env: PG_E2E_KEY}, model: m, timeout_ms: 20000}\n"
                     "history: {db: '" +
                     pg_.Uri() + "', password: {env: PG_E2E_HISTORY_PASSWORD}}\n");
  // The history works before the run: this gate records.
  ASSERT_EQ(Gate(config, "ev0").exit_code, 0);
  mock.provider().ResetStats();
  CliRun run;
  std::thread gate([&] { run = Gate(config, "ev"); });
  ASSERT_TRUE(WaitUntil([&] { return mock.provider().stats().requests_total > 0; },
                        std::chrono::seconds(30)));
  ASSERT_OK(pg_.Stop());
  gate.join();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.Join("ev/gate.json")));
  EXPECT_NE(run.err.find("the run was not recorded in the history"), std::string::npos) << run.err;
  ExpectNoSecret(run.out + run.err, "gate output");
  ASSERT_OK(pg_.Restart());
  Result<std::string> runs = pg_.Psql("SELECT count(*) FROM rollgate.runs");
  ASSERT_OK(runs);
  EXPECT_EQ(*runs, "1\n");
}

// SIGKILL of a writer at several points of its progress: each run is in the history whole or
// not at all (a transaction per run), and the next writer carries on.
TEST_F(PgE2eTest, KillNineMidAppendLeavesEveryRunWholeOrAbsent) {
  int64_t runs_in_db = 0;
  for (int kill_after : {0, 1, 3, 7}) {
    SCOPED_TRACE("kill after " + std::to_string(kill_after) + " commits");
    const int64_t first = runs_in_db + 1;
    ChildProcess writer;
    ASSERT_OK(writer.Start({{ROLLGATE_HISTORY_WRITER, pg_.Uri(), std::to_string(first)},
                            {PgServer::PasswordEnv()},
                            ""}));
    const std::string wait_for = kill_after == 0
                                     ? "writer ready "
                                     : "appended " + std::to_string(first + kill_after - 1) + " ";
    ASSERT_OK(writer.WaitForLine(wait_for, std::chrono::seconds(60))) << writer.err();
    ASSERT_TRUE(writer.Signal(SIGKILL)) << writer.err();
    ASSERT_TRUE(writer.WaitForExit(std::chrono::seconds(10)).has_value());
    int reported = 0;
    for (std::size_t at = 0; (at = writer.out().find("appended ", at)) != std::string::npos; ++at) {
      ++reported;
    }
    if (kill_after == 0 && reported == 0) {
      Result<std::string> schema =
          pg_.Psql("SELECT count(*) FROM pg_namespace WHERE nspname = 'rollgate'");
      ASSERT_OK(schema);
      if (*schema == "0\n") continue;  // killed before its first statement
    }
    // Every run row has all of its gate, release and check rows.
    Result<std::string> torn = pg_.Psql(
        "SELECT count(*) FROM rollgate.runs r WHERE r.gate_count <> (SELECT count(*) FROM "
        "rollgate.gates g WHERE g.run_id = r.id) OR r.release_count <> (SELECT count(*) FROM "
        "rollgate.releases rel WHERE rel.run_id = r.id) OR EXISTS (SELECT 1 FROM rollgate.releases "
        "rel WHERE rel.run_id = r.id AND rel.check_count <> (SELECT count(*) FROM rollgate.checks "
        "c WHERE c.run_id = rel.run_id AND c.release = rel.name))");
    ASSERT_OK(torn);
    EXPECT_EQ(*torn, "0\n");
    Result<std::string> count = pg_.Psql("SELECT count(*) FROM rollgate.runs");
    ASSERT_OK(count);
    const int64_t listed = std::stoll(*count);
    EXPECT_GE(listed, runs_in_db + reported);
    EXPECT_LE(listed, runs_in_db + reported + 1);
    runs_in_db = listed;
  }
  EXPECT_GE(runs_in_db, 1 + 3 + 7);
  CliRun listed = RunRollgate({"history", "--db", pg_.Uri(), "--last", "1000", "--format", "json"},
                              {PgServer::PasswordEnv()});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(nlohmann::json::parse(listed.out)["runs"].size(), static_cast<std::size_t>(runs_in_db));
}

}  // namespace
}  // namespace rollgate::testing
