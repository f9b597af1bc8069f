// `rollgate gate --config-dir DIR`: every config in the directory on one event loop, one
// combined summary, one exit code, each service's evidence in its own directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "e2e/e2e_util.h"
#include "rollgate/run.h"
#include "run/fleet_shard.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

constexpr char kFleetKey[] = "sk-fleet-3b7e1d9a5c2f8046";
constexpr char kRotated[] = "sk-fleet-rotated-000000000";

class FleetTest : public ::testing::Test {
 protected:
  FleetTest() : mock_(Options()) {}

  static mock::MockOptions Options() {
    mock::MockOptions o;
    o.keys = {kFleetKey};
    return o;
  }

  // A service whose rollback reads `rollback_key_env` (FLEET_KEY or FLEET_ROTATED); `extra`
  // adds top-level keys (a shared history).
  void WriteService(const std::string& file, const std::string& service,
                    const std::string& rollback_key_env = "FLEET_KEY",
                    const std::string& extra = "") {
    dir_.Write("fleet/" + file,
               "service: '" + service +
                   "'\ncontract: contract.yaml\n"
                   "releases:\n"
                   "  new: {version: '2', base_url: '" +
                   mock_.provider().base_url() +
                   "', api_key: {env: FLEET_KEY}, model: gpt-4o-mini, timeout_ms: 3000}\n"
                   "  rollback: {version: '1', base_url: '" +
                   mock_.provider().base_url() + "', api_key: {env: " + rollback_key_env +
                   "}, model: gpt-4o-mini, timeout_ms: 3000}\n" + extra);
  }

  // The services whose evidence is in `evidence` (one directory each).
  std::set<std::string> ServicesWithEvidence(const std::string& evidence) {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_.Join(evidence), ec)) {
      if (e.is_directory() && std::filesystem::exists(e.path() / "gate.json")) {
        out.insert(e.path().filename().string());
      }
    }
    return out;
  }

  CliRun Fleet(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"gate",
                                     "--config-dir",
                                     dir_.Join("fleet"),
                                     "--evidence-dir",
                                     dir_.Join("evidence"),
                                     "--concurrency",
                                     "4"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunRollgate(args, {std::string("FLEET_KEY=") + kFleetKey,
                              std::string("FLEET_ROTATED=") + kRotated, "NO_COLOR=1"});
  }

  void SetUp() override {
    ASSERT_OK(mock_.status());
    dir_.Write("fleet/contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 36500\n");
  }

  MockServer mock_;
  TempDir dir_;
};

TEST_F(FleetTest, OneBlockedServiceBlocksTheFleetAndIsListedFirst) {
  WriteService("a.yaml", "svc-a");
  WriteService("b.yaml", "svc-b", "FLEET_ROTATED");
  WriteService("c.yml", "svc-c");
  CliRun run = Fleet();
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  std::size_t b = run.out.find("svc-b");
  ASSERT_NE(b, std::string::npos) << run.out;
  EXPECT_LT(b, run.out.find("svc-a")) << "blocked services come first:\n" << run.out;
  EXPECT_NE(run.out.find("BLOCK  rollback_release_smoke"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("3 services: 2 pass, 1 blocked"), std::string::npos) << run.out;
  for (const char* svc : {"svc-a", "svc-b", "svc-c"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_.Join(std::string("evidence/") + svc + "/gate.json")))
        << svc;
  }
  std::string md = ReadOr(dir_.Join("evidence/fleet-summary.md"));
  EXPECT_NE(md.find("| svc-b | ❌ block | rollback_release_smoke"), std::string::npos) << md;
  // 3 services: a smoke call per release and one invalid-token call per endpoint; the rotated
  // key's 401 is not retried, so exactly 9 requests reached the provider.
  EXPECT_EQ(mock_.provider().stats().requests_total, 9);
}

TEST_F(FleetTest, EveryServicePassingPassesTheFleet) {
  WriteService("a.yaml", "svc-a");
  WriteService("b.yaml", "svc-b");
  CliRun run = Fleet();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("2 services: 2 pass, 0 blocked"), std::string::npos) << run.out;
}

TEST_F(FleetTest, ABrokenConfigStopsTheFleetBeforeAnyCall) {
  WriteService("a.yaml", "svc-a");
  dir_.Write("fleet/b.yaml", "service: svc-b\nreleases: [not, a, map]\n");
  CliRun run = Fleet();
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("b.yaml"), std::string::npos) << run.err;
  EXPECT_EQ(mock_.provider().stats().requests_total, 0);
}

// Services are prepared as they are launched, so a contract that cannot be read is checked up
// front: it still stops the fleet, naming the config, before any service's call.
TEST_F(FleetTest, ABrokenContractStopsTheFleetBeforeAnyCall) {
  WriteService("a.yaml", "svc-a");
  dir_.Write("fleet/b.yaml",
             "service: svc-b\ncontract: b-contract.yaml\nreleases:\n"
             "  new: {version: '2', base_url: '" +
                 mock_.provider().base_url() +
                 "', api_key: {env: FLEET_KEY}, model: gpt-4o-mini}\n"
                 "  rollback: {version: '1', base_url: '" +
                 mock_.provider().base_url() +
                 "', api_key: {env: FLEET_KEY}, model: gpt-4o-mini}\n");
  dir_.Write("fleet/b-contract.yaml", "reviewed_on: [not, a, date\n");
  CliRun run = Fleet();
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("b.yaml"), std::string::npos) << run.err;
  EXPECT_EQ(mock_.provider().stats().requests_total, 0);
}

// Once a service's evidence is written the fleet keeps only what its summary, exit code and
// CI outputs read, so memory follows the concurrency, not the fleet; the evidence has it all.
TEST_F(FleetTest, AFinishedServiceKeepsOnlyItsSummaryAndItsEvidenceKeepsTheRest) {
  dir_.Write("fleet/key.txt", kFleetKey);
  for (const char* svc : {"svc-a", "svc-b", "svc-c"}) {
    dir_.Write(std::string("fleet/") + svc + ".yaml",
               std::string("service: ") + svc +
                   "\ncontract: contract.yaml\nreleases:\n"
                   "  new: {version: '2', base_url: '" +
                   mock_.provider().base_url() +
                   "', api_key: {file: key.txt}, model: gpt-4o-mini}\n"
                   "  rollback: {version: '1', base_url: '" +
                   mock_.provider().base_url() +
                   "', api_key: {file: key.txt}, model: gpt-4o-mini}\n");
  }
  FleetOptions options;
  options.concurrency = 2;
  options.evidence_dir = dir_.Join("evidence");
  FleetReport report;
  ASSERT_OK(RunFleet(dir_.Join("fleet"), options, &report));
  EXPECT_EQ(report.decision, Decision::kPass);
  ASSERT_EQ(report.runs.size(), 3u);
  for (const RunReport& r : report.runs) {
    EXPECT_TRUE(r.passed()) << r.service;
    EXPECT_FALSE(r.gates.empty()) << r.service;
    ASSERT_EQ(r.releases.size(), 2u) << r.service;
    EXPECT_EQ(r.releases[0].name, "new");
    EXPECT_EQ(r.releases[0].version, "2");
    for (const ReleaseReport& rel : r.releases) {
      EXPECT_TRUE(rel.attempts.empty()) << r.service << " " << rel.name;
      EXPECT_TRUE(rel.checks.empty()) << r.service << " " << rel.name;
      EXPECT_TRUE(rel.provenance.empty()) << r.service << " " << rel.name;
    }
    EXPECT_TRUE(r.negative_auth_attempts.empty()) << r.service;
    nlohmann::json gate =
        nlohmann::json::parse(ReadOr(dir_.Join("evidence/" + r.service + "/gate.json")));
    EXPECT_EQ(gate["releases"].size(), 2u) << gate.dump();
    EXPECT_FALSE(gate["releases"][0]["attempts"].empty()) << gate.dump();
  }
}

// The library writes the fleet summary (the CLI only prints where it is): one file for the
// whole fleet, and with --shard 0/1 too (one shard is the whole fleet); a shard of several
// names its own.
TEST_F(FleetTest, TheLibraryWritesTheFleetSummaryNamedAfterItsShard) {
  WriteService("a.yaml", "svc-a");
  WriteService("b.yaml", "svc-b");
  setenv("FLEET_KEY", kFleetKey, 1);
  FleetOptions whole;
  whole.evidence_dir = dir_.Join("ev-whole");
  ASSERT_OK(ParseFleetShard("0/1", &whole));
  FleetReport report;
  ASSERT_OK(RunFleet(dir_.Join("fleet"), whole, &report));
  EXPECT_EQ(report.summary_file, dir_.Join("ev-whole/fleet-summary.md"));
  std::string md = ReadOr(report.summary_file);
  EXPECT_NE(md.find("| svc-a |"), std::string::npos) << md;
  EXPECT_NE(md.find("| svc-b |"), std::string::npos) << md;
  EXPECT_NE(RenderFleetConsole(report, /*color=*/false).find("2 services: 2 pass, 0 blocked"),
            std::string::npos);

  // svc-a and svc-b are both in shard 0 of 2 (ShardOf): shard 1 runs nothing and still
  // writes its summary, into an evidence directory no service created.
  ASSERT_EQ(internal::ShardOf("svc-a", 2), 0);
  ASSERT_EQ(internal::ShardOf("svc-b", 2), 0);
  FleetOptions part;
  part.evidence_dir = dir_.Join("ev-part");
  ASSERT_OK(ParseFleetShard("1/2", &part));
  EXPECT_EQ(part.shard_index, 1);
  EXPECT_EQ(part.shard_count, 2);
  FleetReport part_report;
  ASSERT_OK(RunFleet(dir_.Join("fleet"), part, &part_report));
  EXPECT_EQ(part_report.summary_file, dir_.Join("ev-part/fleet-summary-shard-1-of-2.md"));
  EXPECT_TRUE(std::filesystem::exists(part_report.summary_file));
  EXPECT_FALSE(std::filesystem::exists(dir_.Join("ev-part/fleet-summary.md")));
  EXPECT_TRUE(part_report.runs.empty());
  EXPECT_EQ(part_report.decision, Decision::kPass);

  FleetOptions none;
  FleetReport no_evidence;
  ASSERT_OK(RunFleet(dir_.Join("fleet"), none, &no_evidence));
  EXPECT_TRUE(no_evidence.summary_file.empty());
  Status bad = ParseFleetShard("two/4", &none);
  EXPECT_EQ(bad.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bad.message().find("--shard"), std::string::npos) << bad.message();
  unsetenv("FLEET_KEY");
}

TEST_F(FleetTest, DuplicateServicesAndUsageErrorsAreRefused) {
  WriteService("a.yaml", "svc-a");
  WriteService("b.yaml", "svc-a");
  CliRun dup = Fleet();
  EXPECT_EQ(dup.exit_code, 2);
  EXPECT_NE(dup.err.find("appears in two configs"), std::string::npos) << dup.err;

  CliRun both = Fleet({"--config", dir_.Join("fleet/a.yaml")});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("not both"), std::string::npos) << both.err;

  std::filesystem::create_directories(dir_.Join("empty"));
  CliRun empty = RunRollgate({"gate", "--config-dir", dir_.Join("empty")});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("no *.yaml config"), std::string::npos) << empty.err;
  EXPECT_EQ(mock_.provider().stats().requests_total, 0);
}

TEST_F(FleetTest, AServiceNameCannotWriteOutsideTheEvidenceDirectory) {
  WriteService("a.yaml", "../escape");
  CliRun run = Fleet();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.Join("escape")));
  EXPECT_TRUE(std::filesystem::exists(dir_.Join("evidence/.._escape/gate.json")));
}

// Four Kubernetes-style shards of a 40-service fleet: each runs its own services (its own
// evidence, its own summary), together they run every service exactly once, and each appends to
// the one history, whose --fleet view shows every service's verdict.
TEST_F(FleetTest, FourShardsOfAFortyServiceFleetCoverItExactlyOnce) {
  std::set<std::string> fleet;
  for (int i = 0; i < 40; ++i) {
    std::string name = "svc-" + std::to_string(i);
    fleet.insert(name);
    WriteService(name + ".yaml", name, i == 7 ? "FLEET_ROTATED" : "FLEET_KEY",
                 "history: {db: ../history.db}\n");
  }
  std::set<std::string> covered;
  std::size_t total = 0;
  for (int index = 0; index < 4; ++index) {
    const std::string evidence = "evidence-" + std::to_string(index);
    CliRun run = RunRollgate(
        {"gate", "--config-dir", dir_.Join("fleet"), "--evidence-dir", dir_.Join(evidence),
         "--concurrency", "16", "--shard", std::to_string(index) + "/4"},
        {std::string("FLEET_KEY=") + kFleetKey, std::string("FLEET_ROTATED=") + kRotated,
         "NO_COLOR=1"});
    std::set<std::string> mine = ServicesWithEvidence(evidence);
    EXPECT_EQ(run.exit_code, mine.count("svc-7") ? 1 : 0) << run.out << run.err;
    EXPECT_NE(run.out.find("shard " + std::to_string(index) + "/4: " + std::to_string(mine.size()) +
                           " of 40 services"),
              std::string::npos)
        << run.out;
    EXPECT_TRUE(std::filesystem::exists(
        dir_.Join(evidence + "/fleet-summary-shard-" + std::to_string(index) + "-of-4.md")));
    EXPECT_FALSE(mine.empty()) << "shard " << index << " of a 40-service fleet is empty";
    for (const auto& s : mine) {
      EXPECT_TRUE(covered.insert(s).second) << s << " ran in two shards";
      EXPECT_EQ(internal::ShardOf(s, 4), index) << s;
    }
    total += mine.size();
  }
  EXPECT_EQ(covered, fleet);
  EXPECT_EQ(total, 40u);
  // Two calls per service and one invalid-token call: every service probed exactly once.
  EXPECT_EQ(mock_.provider().stats().requests_total, 120);

  CliRun history =
      RunRollgate({"history", "--db", dir_.Join("history.db"), "--fleet", "--format", "json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  nlohmann::json j = nlohmann::json::parse(history.out);
  EXPECT_EQ(j["summary"]["services"], 40);
  EXPECT_EQ(j["summary"]["block"], 1);
  ASSERT_EQ(j["services"].size(), 40u);
  CliRun table = RunRollgate({"history", "--db", dir_.Join("history.db"), "--fleet"});
  EXPECT_NE(table.out.find("40 services: 39 pass, 1 blocked"), std::string::npos) << table.out;
  EXPECT_LT(table.out.find("svc-7 "), table.out.find("svc-0 ")) << "blocked services first";
}

TEST_F(FleetTest, ShardAutoReadsTheJobCompletionIndex) {
  for (int i = 0; i < 6; ++i)
    WriteService("s" + std::to_string(i) + ".yaml", "svc-" + std::to_string(i));
  auto gate = [&](const std::string& shard, const std::vector<std::string>& env,
                  const std::string& evidence = "ev") {
    std::vector<std::string> all = {std::string("FLEET_KEY=") + kFleetKey, "NO_COLOR=1"};
    all.insert(all.end(), env.begin(), env.end());
    return RunRollgate({"gate", "--config-dir", dir_.Join("fleet"), "--shard", shard,
                        "--evidence-dir", dir_.Join(evidence)},
                       all);
  };
  CliRun by_index = gate("1/2", {}, "by-index");
  CliRun by_env = gate("auto/2", {"JOB_COMPLETION_INDEX=1"}, "by-env");
  EXPECT_EQ(by_index.exit_code, 0) << by_index.err;
  EXPECT_EQ(by_env.exit_code, 0) << by_env.err;
  EXPECT_FALSE(ServicesWithEvidence("by-env").empty());
  EXPECT_EQ(ServicesWithEvidence("by-index"), ServicesWithEvidence("by-env"));
  EXPECT_NE(by_env.out.find("shard 1/2: "), std::string::npos) << by_env.out;

  mock_.provider().ResetStats();
  CliRun unset = gate("auto/2", {});
  EXPECT_EQ(unset.exit_code, 2);
  EXPECT_NE(unset.err.find("JOB_COMPLETION_INDEX is not set"), std::string::npos) << unset.err;
  CliRun outside = gate("auto/2", {"JOB_COMPLETION_INDEX=2"});
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_NE(outside.err.find("out of range for 2 shards"), std::string::npos) << outside.err;
  CliRun bad = gate("x", {});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("expected INDEX/COUNT"), std::string::npos) << bad.err;
  CliRun lone = RunRollgate({"gate", "--config", dir_.Join("fleet/s0.yaml"), "--shard", "0/2"});
  EXPECT_EQ(lone.exit_code, 2);
  EXPECT_NE(lone.err.find("--shard splits a fleet"), std::string::npos) << lone.err;
  EXPECT_EQ(mock_.provider().stats().requests_total, 0);
}

}  // namespace
}  // namespace rollgate::testing
