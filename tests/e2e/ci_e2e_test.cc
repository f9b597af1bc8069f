// The `rollgate` binary in a pipeline (docs/ci.md): under GITHUB_ACTIONS=true it appends its
// summary to $GITHUB_STEP_SUMMARY, annotates each failing gate on stdout and appends decision,
// evidence_dir and blocked_gates to $GITHUB_OUTPUT; --dotenv writes what GitLab's dotenv report
// reads; junit.xml is valid JUnit. A provider that echoes the key and tries to inject workflow
// commands gets neither into any output.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "base/strings.h"
#include "e2e/e2e_util.h"
#include "http_server/http_server.h"
#include "testutil/junit_schema.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

constexpr char kCiNewKey[] = "sk-CIE2E-new-2b4d6f8a0c1e3579";
constexpr char kCiRollbackKey[] = "sk-CIE2E-rollback-8e6c4a2f0d1b9753";

// A provider for the rollback release that rejects every key and quotes it back, with text
// that would be workflow commands if it reached the start of a line on stdout.
class CiEchoProvider {
 public:
  CiEchoProvider() : server_(internal::HttpServerOptions{}) {
    server_.SetFallback([](const internal::ServerRequest& req) {
      const std::string* auth = req.Header("authorization");
      std::string key = auth ? *auth : "";
      std::string message =
          "Incorrect API key provided: " + key +
          "\\n::set-output name=decision::pass\\n::error title=forged::owned\\r\\n"
          "::add-mask::x 100% sure";
      return internal::ServerResponse::Make(401, "application/json",
                                            "{\"error\":{\"message\":\"" + message +
                                                "\",\"type\":\"invalid_request_error\"}}\n"
                                                "::warning::raw body line " +
                                                key + "\n");
    });
    status_ = server_.Start();
  }
  const Status& status() const { return status_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

 private:
  internal::HttpServer server_;
  Status status_;
};

class CiE2eTest : public ::testing::Test {
 protected:
  std::string WriteConfig(const std::string& name, const std::string& service,
                          const std::string& new_url, const std::string& rollback_url) {
    dir_.Write("configs/contract.yaml",
               "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
               "/v1/chat/completions}\n");
    return dir_.Write(
        "configs/" + name,
        "service: " + service +
            "\ncontract: contract.yaml\nexpect_differences: [model, key_fingerprint, "
            "endpoint_host]\n"
            "releases:\n  new:\n    version: '2.4.0'\n    base_url: " +
            new_url +
            "\n    api_key: {env: CI_KEY_NEW}\n    model: gpt-5.4-mini\n    timeout_ms: 3000\n"
            "    retry: {max_attempts: 1}\n"
            "  rollback:\n    version: '2.3.1'\n    base_url: " +
            rollback_url +
            "\n    api_key: {env: CI_KEY_ROLLBACK}\n    model: gpt-4o-mini\n    timeout_ms: 3000\n"
            "    retry: {max_attempts: 1}\n");
  }

  mock::MockOptions MockOptionsFor() {
    mock::MockOptions o;
    o.keys = {kCiNewKey, kCiRollbackKey};
    o.models = {"gpt-5.4-mini", "gpt-4o-mini"};
    return o;
  }

  std::vector<std::string> GithubEnv() {
    return {"GITHUB_ACTIONS=true",
            "GITHUB_STEP_SUMMARY=" + summary_,
            "GITHUB_OUTPUT=" + output_,
            std::string("CI_KEY_NEW=") + kCiNewKey,
            std::string("CI_KEY_ROLLBACK=") + kCiRollbackKey,
            "NO_COLOR=1"};
  }

  // Lines of stdout that GitHub would run as workflow commands: those starting with "::"
  // outside a ::stop-commands::TOKEN ... ::TOKEN:: window.
  static std::vector<std::string> ActiveCommands(const std::string& out) {
    std::vector<std::string> active;
    std::string token;
    for (const std::string& line : internal::Split(out, '\n')) {
      if (!token.empty()) {
        if (line == "::" + token + "::") token.clear();
        continue;
      }
      if (line.rfind("::stop-commands::", 0) == 0) {
        token = line.substr(std::string("::stop-commands::").size());
        continue;
      }
      if (line.rfind("::", 0) == 0) active.push_back(line);
    }
    EXPECT_EQ(token, "") << "workflow commands were never resumed:\n" << out;
    return active;
  }

  TempDir dir_;
  std::string summary_ = dir_.Write("github/step_summary.md", "# an earlier tool's summary\n");
  std::string output_ = dir_.Write("github/output", "earlier=1\n");
};

TEST_F(CiE2eTest, GithubActionsGetsTheSummaryAnnotationsAndOutputsWithoutTheKey) {
  MockServer mock(MockOptionsFor());
  ASSERT_OK(mock.status());
  CiEchoProvider echo;
  ASSERT_OK(echo.status());
  const std::string config =
      WriteConfig("rollgate.yaml", "checkout", mock.provider().base_url(), echo.base_url());
  const std::string evidence = dir_.Join("evidence");

  CliRun run = RunRollgate({"gate", "--config", config, "--evidence-dir", evidence}, GithubEnv());
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;

  // Annotations: exactly one ::error per failing gate, naming the gate, the service and the
  // release; nothing the provider sent runs as a command.
  std::vector<std::string> commands = ActiveCommands(run.out);
  ASSERT_FALSE(commands.empty()) << run.out;
  int errors = 0;
  for (const std::string& c : commands) {
    EXPECT_TRUE(c.rfind("::error title=rollgate gate (checkout)%3A ", 0) == 0 ||
                c.rfind("::warning title=rollgate gate (checkout)%3A ", 0) == 0)
        << c;
    errors += c.rfind("::error ", 0) == 0;
  }
  const std::string smoke_error =
      "::error title=rollgate gate (checkout)%3A rollback_release_smoke failed::"
      "release rollback 2.3.1: ";
  EXPECT_NE(run.out.find(smoke_error), std::string::npos) << run.out;
  nlohmann::json gate = nlohmann::json::parse(ReadOr(evidence + "/gate.json"));
  int failing = 0;
  std::vector<std::string> failing_ids;
  for (const auto& g : gate["gates"]) {
    if (g["status"] == "fail") {
      ++failing;
      failing_ids.push_back(g["id"]);
    }
  }
  EXPECT_EQ(errors, failing) << run.out;

  // The summary is appended after what was there, and is the evidence's summary.md.
  const std::string summary = ReadOr(summary_);
  EXPECT_EQ(summary.rfind("# an earlier tool's summary\n", 0), 0u) << summary;
  EXPECT_NE(summary.find(ReadOr(evidence + "/summary.md")), std::string::npos) << summary;

  // Outputs: appended, with the absolute evidence dir and the failing gates.
  const std::string outputs = ReadOr(output_);
  EXPECT_EQ(outputs, "earlier=1\ndecision=block\nevidence_dir=" + evidence +
                         "\nblocked_gates=" + internal::Join(failing_ids, ",") + "\n");

  // No key anywhere: stdout, stderr, summary, outputs.
  for (const std::string& key : {std::string(kCiNewKey), std::string(kCiRollbackKey)}) {
    for (const std::string* text : {&run.out, &run.err})
      EXPECT_EQ(text->find(key), std::string::npos) << *text;
    EXPECT_EQ(summary.find(key), std::string::npos);
    EXPECT_EQ(outputs.find(key), std::string::npos);
  }

  // A second run appends again: the earlier content and the first summary stay.
  CliRun again = RunRollgate({"gate", "--config", config, "--evidence-dir", evidence}, GithubEnv());
  ASSERT_EQ(again.exit_code, 1);
  const std::string twice = ReadOr(summary_);
  EXPECT_EQ(twice.rfind(summary, 0), 0u);
  EXPECT_GT(twice.size(), summary.size() + 100);
  EXPECT_EQ(ReadOr(output_).rfind(outputs, 0), 0u);

  // And the junit.xml of the same run is what GitLab and Jenkins read.
  EXPECT_EQ(JunitSchemaErrors(evidence + "/junit.xml"), "");
}

TEST_F(CiE2eTest, OutsideGithubActionsNothingIsAnnotatedOrWritten) {
  MockServer mock(MockOptionsFor());
  ASSERT_OK(mock.status());
  const std::string config = WriteConfig("rollgate.yaml", "checkout", mock.provider().base_url(),
                                         mock.provider().base_url());
  std::vector<std::string> env = GithubEnv();
  env[0] = "GITHUB_ACTIONS=false";
  CliRun run = RunRollgate({"gate", "--config", config, "--evidence-dir", dir_.Join("ev")}, env);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(run.out.find("::"), std::string::npos) << run.out;
  EXPECT_EQ(ReadOr(summary_), "# an earlier tool's summary\n");
  EXPECT_EQ(ReadOr(output_), "earlier=1\n");
}

TEST_F(CiE2eTest, DotenvCarriesTheVerdictForGitlab) {
  MockServer mock(MockOptionsFor());
  ASSERT_OK(mock.status());
  const std::string config = WriteConfig("rollgate.yaml", "checkout", mock.provider().base_url(),
                                         mock.provider().base_url());
  const std::string dotenv = dir_.Join("rollgate.env");
  // `env -C DIR`: rollgate runs in the test's directory, as a job runs in its project directory.
  std::vector<std::string> env = {"-C", dir_.path(), std::string("CI_KEY_NEW=") + kCiNewKey,
                                  std::string("CI_KEY_ROLLBACK=") + kCiRollbackKey};
  CliRun pass =
      RunRollgate({"gate", "--config", config, "--evidence-dir", "ev", "--dotenv", dotenv}, env);
  ASSERT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  // The evidence dir as given: another job finds it at the same place relative to the project.
  EXPECT_EQ(ReadOr(dotenv),
            "ROLLGATE_DECISION=pass\nROLLGATE_BLOCKED_GATES=\nROLLGATE_EVIDENCE_DIR=ev\n");
  EXPECT_TRUE(std::filesystem::exists(dir_.Join("ev/gate.json")));

  // check: the rollback's key rotated at the provider.
  env[3] = "CI_KEY_ROLLBACK=sk-CIE2E-rotated-00112233445566";
  CliRun block = RunRollgate({"check", "--config", config, "--release", "rollback",
                              "--evidence-dir", dir_.Join("ev2"), "--dotenv", dotenv},
                             env);
  ASSERT_EQ(block.exit_code, 1) << block.out << block.err;
  const std::string text = ReadOr(dotenv);
  EXPECT_EQ(text,
            "ROLLGATE_DECISION=block\nROLLGATE_BLOCKED_GATES=rollback_release_smoke\nROLLGATE_"
            "EVIDENCE_DIR=" +
                dir_.Join("ev2") + "\n");
  // Every line is KEY=VALUE as GitLab's parser reads it (/^(.*?)=(.*)$/, no blank lines).
  for (const std::string& line : internal::Split(text.substr(0, text.size() - 1), '\n')) {
    EXPECT_TRUE(
        std::regex_match(line, std::regex("ROLLGATE_[A-Z_]+=[^\\s](.*[^\\s])?|ROLLGATE_[A-Z_]+=")))
        << line;
  }
}

TEST_F(CiE2eTest, ADotenvThatCannotBeWrittenIsAnErrorNotASilentPass) {
  MockServer mock(MockOptionsFor());
  ASSERT_OK(mock.status());
  const std::string config = WriteConfig("rollgate.yaml", "checkout", mock.provider().base_url(),
                                         mock.provider().base_url());
  CliRun run = RunRollgate(
      {"gate", "--config", config, "--evidence-dir", dir_.Join("ev"), "--dotenv",
       dir_.Join("no/such/dir/rollgate.env")},
      {std::string("CI_KEY_NEW=") + kCiNewKey, std::string("CI_KEY_ROLLBACK=") + kCiRollbackKey});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("cannot write --dotenv " + dir_.Join("no/such/dir/rollgate.env")),
            std::string::npos)
      << run.err;
}

TEST_F(CiE2eTest, ADrillPublishesItsVerdictAndItsStepsToo) {
  MockServer mock(MockOptionsFor());
  ASSERT_OK(mock.status());
  std::string config =
      WriteConfig("drill.yaml", "checkout", mock.provider().base_url(), mock.provider().base_url());
  // Switching the route to new fails: the drill blocks and switches back.
  std::string text = ReadOr(config) +
                     "drill:\n  switch: {to_new: [\"false\"], to_rollback: [\"true\"]}\n"
                     "  user_facing: {url: '" +
                     mock.provider().base_url() +
                     "/smoke'}\n"
                     "  settle: {timeout_ms: 300, poll_ms: 50}\n";
  config = dir_.Write("configs/drill.yaml", text);
  const std::string dotenv = dir_.Join("drill.env");
  CliRun run = RunRollgate(
      {"drill", "--config", config, "--evidence-dir", dir_.Join("ev"), "--dotenv", dotenv},
      GithubEnv(), 120000);
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(ReadOr(dotenv).find("ROLLGATE_DECISION=block\nROLLGATE_BLOCKED_GATES="),
            std::string::npos)
      << ReadOr(dotenv);
  EXPECT_NE(ReadOr(dotenv).find("rollback_switch_drill"), std::string::npos) << ReadOr(dotenv);
  EXPECT_NE(ReadOr(output_).find("decision=block\n"), std::string::npos);
  EXPECT_NE(
      run.out.find("::error title=rollgate drill (checkout)%3A rollback_switch_drill failed::"),
      std::string::npos)
      << run.out;
  ActiveCommands(run.out);  // the progress lines and the table were inside the stop-commands window
  EXPECT_NE(ReadOr(summary_).find("### rollback switch drill"), std::string::npos)
      << ReadOr(summary_);
  EXPECT_EQ(JunitSchemaErrors(dir_.Join("ev/junit.xml")), "");
  EXPECT_GE(JunitXPathCount(dir_.Join("ev/junit.xml"), "//testsuite[@name='drill']/testcase"), 4);
}

TEST_F(CiE2eTest, AFleetNamesEachBlockedServiceInTheOutputs) {
  MockServer mock(MockOptionsFor());
  ASSERT_OK(mock.status());
  CiEchoProvider echo;
  ASSERT_OK(echo.status());
  WriteConfig("a.yaml", "billing", mock.provider().base_url(), mock.provider().base_url());
  WriteConfig("b.yaml", "checkout", mock.provider().base_url(), echo.base_url());
  const std::string dotenv = dir_.Join("fleet.env");
  CliRun run = RunRollgate({"gate", "--config-dir", dir_.Join("configs"), "--evidence-dir",
                            dir_.Join("ev"), "--dotenv", dotenv},
                           GithubEnv());
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(ReadOr(output_).find("decision=block\nevidence_dir=" + dir_.Join("ev") +
                                 "\nblocked_gates=checkout/"),
            std::string::npos)
      << ReadOr(output_);
  EXPECT_EQ(ReadOr(output_).find("billing/"), std::string::npos);
  EXPECT_NE(ReadOr(summary_).find("## rollgate fleet gate: 2 services, 1 blocked"),
            std::string::npos);
  EXPECT_NE(ReadOr(dotenv).find("ROLLGATE_BLOCKED_GATES=checkout/rollback_release_smoke"),
            std::string::npos)
      << ReadOr(dotenv);
  for (const std::string& c : ActiveCommands(run.out)) {
    if (c.rfind("::error ", 0) == 0) {
      EXPECT_EQ(c.rfind("::error title=rollgate gate (checkout)%3A ", 0), 0u) << c;
    }
  }
  EXPECT_EQ(run.out.find(kCiRollbackKey), std::string::npos);
}

}  // namespace
}  // namespace rollgate::testing
