// `rollgate history`, the built binary, on a history written through the store: the table and
// JSON views, --release, --last, --run N, --config, and exit 2 with the file named when there
// is nothing to read.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e/e2e_util.h"
#include "evidence/evidence.h"
#include "store/history_store.h"
#include "store/history_test_util.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

constexpr int64_t kCliT0 = 1795600800000;  // 2026-11-25T10:00:00Z

class HistoryCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 1: both pass; 2: rollback's key rejected; 3: new's content wrong (from serve's schedule);
    // 4: another service.
    Append(MakeRun(kCliT0 + 1000), "cli");
    Append(MakeRun(kCliT0 + 2000, "", "authentication"), "cli");
    Append(MakeRun(kCliT0 + 3000, "content_sanity", ""), "serve:schedule");
    Append(MakeRun(kCliT0 + 4000, "", "", "billing-bot"), "cli");
  }

  void Append(const RunReport& run, const std::string& trigger) {
    internal::AppendOptions options;
    options.trigger = trigger;
    ASSERT_OK(internal::AppendToHistory(db_, run, internal::RenderGateJson(run), options));
    gate_json_.push_back(internal::RenderGateJson(run));
  }

  nlohmann::json Json(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"history", "--db", db_, "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    CliRun run = RunRollgate(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    nlohmann::json j = nlohmann::json::parse(run.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << run.out;
    return j;
  }

  static std::vector<int> RunIds(const nlohmann::json& j) {
    std::vector<int> ids;
    for (const auto& r : j["runs"]) ids.push_back(r["id"].get<int>());
    return ids;
  }

  TempDir dir_;
  std::string db_ = dir_.Join("rollgate-history.db");
  std::vector<std::string> gate_json_;
};

TEST_F(HistoryCliTest, TableListsRunsNewestFirstAndTheLastKnownGood) {
  CliRun run = RunRollgate({"history", "--db", db_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string& out = run.out;
  EXPECT_EQ(out.rfind("history " + db_ + "\n", 0), 0u) << out;
  // Runs: newest first.
  std::size_t r4 = out.find("\n  4   2026-11-25T10:00:04Z  billing-bot");
  std::size_t r3 = out.find(
      "\n  3   2026-11-25T10:00:03Z  checkout-assistant  gate     "
      "serve:schedule  block");
  std::size_t r1 = out.find("\n  1   2026-11-25T10:00:01Z");
  ASSERT_NE(r4, std::string::npos) << out;
  ASSERT_NE(r3, std::string::npos) << out;
  ASSERT_NE(r1, std::string::npos) << out;
  EXPECT_LT(r4, r3);
  EXPECT_LT(r3, r1);
  EXPECT_NE(out.find("new 2.4.0 FAIL(content_sanity); rollback 2.3.1 ok"), std::string::npos)
      << out;
  // Last known good: new passed last in run 2, rollback in run 3.
  std::size_t lkg = out.find("\nlast known good\n");
  ASSERT_NE(lkg, std::string::npos) << out;
  std::string good = out.substr(lkg);
  EXPECT_NE(good.find("checkout-assistant  new       2.4.0    2026-11-25T10:00:02Z  2 "),
            std::string::npos)
      << good;
  EXPECT_NE(good.find("checkout-assistant  rollback  2.3.1    2026-11-25T10:00:03Z  3 "),
            std::string::npos)
      << good;
  EXPECT_NE(good.find("billing-bot"), std::string::npos) << good;
}

TEST_F(HistoryCliTest, JsonCarriesRunsAndLastKnownGoodForScripts) {
  nlohmann::json j = Json({});
  EXPECT_EQ(j["db"], db_);
  EXPECT_EQ(RunIds(j), (std::vector<int>{4, 3, 2, 1}));
  const auto& run2 = j["runs"][2];
  EXPECT_EQ(run2["decision"], "block");
  EXPECT_EQ(run2["command"], "gate");
  EXPECT_EQ(run2["trigger"], "cli");
  EXPECT_EQ(run2["started_at"], "2026-11-25T10:00:01.800Z");
  EXPECT_EQ(run2["finished_at"], "2026-11-25T10:00:02.000Z");
  EXPECT_EQ(run2["tokens_used"], 80);
  EXPECT_EQ(run2["releases"][1]["name"], "rollback");
  EXPECT_EQ(run2["releases"][1]["passed"], false);
  EXPECT_EQ(run2["releases"][1]["failed_checks"], nlohmann::json::array({"authentication"}));
  EXPECT_EQ(run2["releases"][1]["key_fingerprint"], "sha256:bbbbbbbbbbbb");

  ASSERT_EQ(j["last_known_good"].size(), 4u);
  for (const auto& g : j["last_known_good"]) {
    if (g["service"] != "checkout-assistant") continue;
    EXPECT_EQ(g["run_id"], g["release"] == "new" ? 2 : 3) << g.dump();
  }
}

TEST_F(HistoryCliTest, ReleaseAndLastNarrowTheListing) {
  nlohmann::json rollback = Json({"--release", "rollback", "--last", "2"});
  EXPECT_EQ(RunIds(rollback), (std::vector<int>{4, 3}));
  for (const auto& g : rollback["last_known_good"]) EXPECT_EQ(g["release"], "rollback");
  EXPECT_EQ(rollback["last_known_good"].size(), 2u);  // one per service
  EXPECT_EQ(RunIds(Json({"--last", "1"})), (std::vector<int>{4}));
  nlohmann::json none = Json({"--release", "canary"});
  EXPECT_TRUE(none["runs"].empty());
  EXPECT_TRUE(none["last_known_good"].empty());
}

TEST_F(HistoryCliTest, RunPrintsThatRunsGateJson) {
  CliRun run = RunRollgate({"history", "--db", db_, "--run", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string expected = gate_json_[1];
  if (expected.back() != '\n') expected += "\n";
  EXPECT_EQ(run.out, expected);

  CliRun missing = RunRollgate({"history", "--db", db_, "--run", "99"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no run 99"), std::string::npos) << missing.err;
}

TEST_F(HistoryCliTest, ConfigNamesTheDatabase) {
  std::string config = dir_.Write("rollgate.yaml",
                                  "service: checkout-assistant\n"
                                  "history: {db: rollgate-history.db}\n"
                                  "releases:\n"
                                  "  new: {version: '2', base_url: 'http://127.0.0.1:1', "
                                  "api_key: k, model: m}\n"
                                  "  rollback: {version: '1', base_url: 'http://127.0.0.1:1', "
                                  "api_key: k, model: m}\n");
  CliRun run = RunRollgate({"history", "--config", config, "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(RunIds(nlohmann::json::parse(run.out)), (std::vector<int>{4, 3, 2, 1}));

  CliRun both = RunRollgate({"history", "--config", config, "--db", db_});
  EXPECT_EQ(both.exit_code, 2);
  CliRun neither = RunRollgate({"history"});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("--db FILE"), std::string::npos) << neither.err;
}

TEST_F(HistoryCliTest, NothingToReadExitsTwoNamingTheFile) {
  std::string missing = dir_.Join("nope.db");
  CliRun run = RunRollgate({"history", "--db", missing});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("no rollgate history at " + missing), std::string::npos) << run.err;

  std::string notes = dir_.Write("notes.txt", "not a database at all, just some notes\n");
  CliRun wrong = RunRollgate({"history", "--db", notes});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find(notes + " is not a rollgate history"), std::string::npos) << wrong.err;
  EXPECT_EQ(ReadOr(notes), "not a database at all, just some notes\n");

  CliRun bad_format = RunRollgate({"history", "--db", db_, "--format", "yaml"});
  EXPECT_EQ(bad_format.exit_code, 2);
}

}  // namespace
}  // namespace rollgate::testing
