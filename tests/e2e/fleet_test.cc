// `rollgate gate --config-dir DIR`: every config in the directory on one event loop, one
// combined summary, one exit code, each service's evidence in its own directory.
#include <gtest/gtest.h>

#include <filesystem>

#include "e2e/e2e_util.h"
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

  // A service whose rollback reads `rollback_key_env` (FLEET_KEY or FLEET_ROTATED).
  void WriteService(const std::string& file, const std::string& service,
                    const std::string& rollback_key_env = "FLEET_KEY") {
    dir_.Write("fleet/" + file,
               "service: '" + service + "'\ncontract: contract.yaml\n"
               "releases:\n"
               "  new: {version: '2', base_url: '" + mock_.provider().base_url() +
                   "', api_key: {env: FLEET_KEY}, model: gpt-4o-mini, timeout_ms: 3000}\n"
                   "  rollback: {version: '1', base_url: '" + mock_.provider().base_url() +
                   "', api_key: {env: " + rollback_key_env + "}, model: gpt-4o-mini, timeout_ms: 3000}\n");
  }

  CliRun Fleet(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"gate", "--config-dir", dir_.Join("fleet"), "--evidence-dir",
                                     dir_.Join("evidence"), "--concurrency", "4"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunRollgate(args, {std::string("FLEET_KEY=") + kFleetKey, std::string("FLEET_ROTATED=") + kRotated,
                              "NO_COLOR=1"});
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
    EXPECT_TRUE(std::filesystem::exists(dir_.Join(std::string("evidence/") + svc + "/gate.json"))) << svc;
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

}  // namespace
}  // namespace rollgate::testing
