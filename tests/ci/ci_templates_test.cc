// The pipeline templates as a runner would run them (docs/ci.md). action.yml is parsed, and its
// composite steps run in order with a stand-in for GitHub's runner: the same bash, each step's
// `env:` with its ${{ }} expressions substituted, a fresh $GITHUB_OUTPUT per step whose values
// feed `steps.<id>.outputs`, one $GITHUB_STEP_SUMMARY. The GitLab template's before_script and
// script run the same way, and the reports it names must exist and be what GitLab reads.
// apt-get, sudo and make are shims that record their arguments; everything else is real,
// including the rollgate binary and a mock provider on loopback.
#include <gtest/gtest.h>
// Test-only: the templates are YAML read the way GitHub and GitLab read them, with the YAML
// library rollgate's config loader uses.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "base/strings.h"
#include "base/subprocess.h"
#include "e2e/e2e_util.h"
#include "testutil/junit_schema.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

constexpr char kTplNewKey[] = "sk-TEMPLATES-new-13579bdf2468ace0";
constexpr char kTplRollbackKey[] = "sk-TEMPLATES-rollback-02468ace13579bdf";
constexpr char kTplRotatedKey[] = "sk-TEMPLATES-rotated-fedcba9876543210";

YAML::Node LoadTemplate(const std::string& relative) {
  try {
    return YAML::LoadFile(std::string(ROLLGATE_SOURCE_DIR) + "/" + relative);
  } catch (const YAML::Exception& e) {
    ADD_FAILURE() << relative << ": " << e.what();
    return YAML::Node();
  }
}

// `name=value` lines and `name<<DELIMITER` blocks, as the runner reads $GITHUB_OUTPUT.
std::map<std::string, std::string> ParseGithubOutput(const std::string& text) {
  std::map<std::string, std::string> out;
  std::vector<std::string> lines = internal::Split(text, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty()) continue;
    std::size_t heredoc = line.find("<<");
    std::size_t eq = line.find('=');
    if (heredoc != std::string::npos && (eq == std::string::npos || heredoc < eq)) {
      const std::string delimiter = line.substr(heredoc + 2);
      std::string value;
      for (++i; i < lines.size() && lines[i] != delimiter; ++i)
        value += (value.empty() ? "" : "\n") + lines[i];
      out[line.substr(0, heredoc)] = value;
    } else if (eq != std::string::npos) {
      out[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return out;
}

class CiTemplatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Shims for what a runner has but a test must not do for real.
    Shim("sudo", "exec \"$@\"");
    Shim("apt-get",
         "echo \"apt-get $*\" >>\"$SHIM_LOG\"\n"
         "[ \"$1\" = install ] || exit 0\n"
         "for a in \"$@\"; do last=$a; done\n"
         "[ -f \"$last\" ] || { echo \"apt-get shim: no such package file: $last\" >&2; exit 100; "
         "}\n"
         "ln -sf \"$ROLLGATE_UNDER_TEST\" \"$SHIM_BIN/rollgate\"");
    Shim("make",
         "echo \"make $*\" >>\"$SHIM_LOG\"\n"
         "for a in \"$@\"; do case $a in BUILD_DIR=*) dir=${a#BUILD_DIR=};; esac; done\n"
         "mkdir -p \"$dir\" && ln -sf \"$ROLLGATE_UNDER_TEST\" \"$dir/rollgate\"");
    dir_.Write("work/contract.yaml",
               "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
               "/v1/chat/completions}\n");
  }

  void Shim(const std::string& name, const std::string& body) {
    const std::string path = dir_.Write("shims/" + name, "#!/bin/sh\n" + body + "\n");
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }

  std::string WriteConfig(const std::string& base_url) {
    return dir_.Write(
        "work/deploy/rollgate.yaml",
        "service: templates\ncontract: ../contract.yaml\nexpect_differences: [model, "
        "key_fingerprint]\n"
        "releases:\n  new:\n    version: '2.4.0'\n    base_url: " +
            base_url +
            "\n    api_key: {env: TPL_KEY_NEW}\n    model: gpt-5.4-mini\n    timeout_ms: 3000\n"
            "  rollback:\n    version: '2.3.1'\n    base_url: " +
            base_url +
            "\n    api_key: {env: TPL_KEY_ROLLBACK}\n    model: gpt-4o-mini\n    timeout_ms: "
            "3000\n");
  }

  mock::MockOptions TplMockOptions() {
    mock::MockOptions o;
    o.keys = {kTplNewKey, kTplRollbackKey};
    o.models = {"gpt-5.4-mini", "gpt-4o-mini"};
    return o;
  }

  // The environment every step gets: the job's (keys as a workflow's `env:` would set them),
  // the runner's variables, and the shims first on the PATH.
  std::vector<std::string> BaseEnv(const std::string& rollback_key) const {
    const char* path = std::getenv("PATH");
    return {"PATH=" + dir_.Join("shims") + ":" + (path ? path : "/usr/bin:/bin"),
            "SHIM_LOG=" + dir_.Join("shim.log"),
            "SHIM_BIN=" + dir_.Join("shims"),
            std::string("ROLLGATE_UNDER_TEST=") + ROLLGATE_BINARY,
            std::string("TPL_KEY_NEW=") + kTplNewKey,
            "TPL_KEY_ROLLBACK=" + rollback_key,
            "NO_COLOR=1"};
  }

  internal::CommandResult Bash(const std::string& script, std::vector<std::string> env) {
    const std::string file =
        dir_.Write("scripts/step-" + std::to_string(++scripts_) + ".sh", script);
    internal::CommandOptions opts;
    opts.timeout_ms = 60000;
    opts.working_dir = dir_.Join("work");
    opts.extra_env = std::move(env);
    // GitHub's `shell: bash` is `bash --noprofile --norc -eo pipefail {0}`.
    Result<internal::CommandResult> r =
        internal::RunCommand({"bash", "--noprofile", "--norc", "-eo", "pipefail", file}, opts);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : internal::CommandResult{};
  }

  // ${{ expr }} with what the stand-in knows; anything else fails the test, so the action
  // cannot come to depend on an expression this runner would silently ignore.
  std::string Substitute(const std::string& text,
                         const std::map<std::string, std::string>& context) {
    static const std::regex kExpr(R"(\$\{\{\s*([^}]*?)\s*\}\})");
    std::string out;
    std::sregex_iterator it(text.begin(), text.end(), kExpr), end;
    std::size_t last = 0;
    for (; it != end; ++it) {
      out += text.substr(last, it->position() - last);
      const std::string expr = (*it)[1];
      auto found = context.find(expr);
      if (found == context.end()) {
        ADD_FAILURE() << "the runner stand-in does not know ${{ " << expr << " }}";
      } else {
        out += found->second;
      }
      last = it->position() + it->length();
    }
    return out + text.substr(last);
  }

  struct ActionRun {
    std::vector<std::string> step_ids;
    std::vector<int> exit_codes;
    std::map<std::string, std::string> outputs;  // the action's outputs
    std::string log;                             // every step's stdout and stderr
  };

  // Runs action.yml's steps in order with `inputs` (the action's defaults for the rest). Stops
  // at the first failing step, as the runner does.
  ActionRun RunAction(const std::map<std::string, std::string>& inputs,
                      const std::string& rollback_key) {
    ActionRun result;
    YAML::Node action = LoadTemplate("action.yml");
    std::map<std::string, std::string> context = {{"github.action_path", ROLLGATE_SOURCE_DIR},
                                                  {"runner.temp", dir_.Join("runner-temp")}};
    for (const auto& input : action["inputs"]) {
      const std::string name = input.first.as<std::string>();
      auto given = inputs.find(name);
      context["inputs." + name] =
          given != inputs.end() ? given->second : input.second["default"].as<std::string>("");
    }
    for (const auto& [name, value] : inputs) {
      EXPECT_TRUE(context.count("inputs." + name)) << "action.yml has no input " << name;
    }
    std::filesystem::create_directories(dir_.Join("runner-temp"));
    for (const auto& step : action["runs"]["steps"]) {
      const std::string id = step["id"].as<std::string>("");
      EXPECT_EQ(step["shell"].as<std::string>(""), "bash") << id;
      EXPECT_FALSE(step["if"]) << id << ": the stand-in runs every step";
      const std::string output_file = dir_.Write("runner-temp/output-" + id, "");
      std::vector<std::string> env = BaseEnv(rollback_key);
      env.insert(env.end(), {"GITHUB_ACTIONS=true", "GITHUB_OUTPUT=" + output_file,
                             "GITHUB_STEP_SUMMARY=" + summary_,
                             std::string("GITHUB_ACTION_PATH=") + ROLLGATE_SOURCE_DIR,
                             "RUNNER_TEMP=" + dir_.Join("runner-temp")});
      for (const auto& var : step["env"]) {
        env.push_back(var.first.as<std::string>() + "=" +
                      Substitute(var.second.as<std::string>(""), context));
      }
      const std::string script = step["run"].as<std::string>("");
      EXPECT_EQ(script.find("${{"), std::string::npos)
          << id << ": inputs go through env:, not into the script";
      internal::CommandResult r = Bash(script, env);
      result.step_ids.push_back(id);
      result.exit_codes.push_back(r.exit_code);
      result.log += r.out + r.err;
      for (const auto& [name, value] : ParseGithubOutput(ReadOr(output_file))) {
        context["steps." + id + ".outputs." + name] = value;
      }
      if (!r.succeeded()) return result;
    }
    for (const auto& output : action["outputs"]) {
      // An output a step never set is empty, as on GitHub.
      std::string value = output.second["value"].as<std::string>("");
      std::smatch m;
      if (std::regex_match(value, m, std::regex(R"(\$\{\{\s*(steps\.[^}]*?)\s*\}\})")) &&
          !context.count(m[1].str())) {
        context[m[1].str()] = "";
      }
      result.outputs[output.first.as<std::string>()] = Substitute(value, context);
    }
    return result;
  }

  TempDir dir_;
  std::string summary_ = dir_.Write("runner-temp/step_summary.md", "");
  int scripts_ = 0;
};

TEST_F(CiTemplatesTest, ActionYmlDeclaresTheInputsAndOutputsOfTheIssue) {
  YAML::Node action = LoadTemplate("action.yml");
  ASSERT_TRUE(action.IsMap());
  for (const char* input : {"config", "config-dir", "evidence-dir", "args", "package"}) {
    EXPECT_TRUE(action["inputs"][input]) << input;
    EXPECT_TRUE(action["inputs"][input]["description"]) << input;
  }
  EXPECT_EQ(action["outputs"]["decision"]["value"].as<std::string>(""),
            "${{ steps.gate.outputs.decision }}");
  EXPECT_EQ(action["runs"]["using"].as<std::string>(""), "composite");
  // It uploads nothing by itself.
  for (const auto& step : action["runs"]["steps"])
    EXPECT_FALSE(step["uses"]) << step["name"].as<std::string>("");
}

TEST_F(CiTemplatesTest, ActionInstallsThePackageRunsTheGateAndSetsDecisionBlock) {
  MockServer mock(TplMockOptions());
  ASSERT_OK(mock.status());
  WriteConfig(mock.provider().base_url());
  dir_.Write("work/dist/rollgate_0.1.0_amd64.deb", "a package");
  ActionRun run = RunAction({{"config", "deploy/rollgate.yaml"},
                             {"package", "dist/rollgate_0.1.0_amd64.deb"},
                             {"args", "--dotenv rollgate.env"}},
                            kTplRotatedKey);
  ASSERT_EQ(run.step_ids, (std::vector<std::string>{"install", "gate"})) << run.log;
  EXPECT_EQ(run.exit_codes, (std::vector<int>{0, 0}))
      << run.log;  // a block is the workflow's to act on
  EXPECT_EQ(ReadOr(dir_.Join("shim.log")), "apt-get install -y --no-install-recommends " +
                                               dir_.Join("work/dist/rollgate_0.1.0_amd64.deb") +
                                               "\n");
  EXPECT_EQ(run.outputs["decision"], "block") << run.log;
  EXPECT_EQ(run.outputs["blocked-gates"], "rollback_release_smoke");
  EXPECT_EQ(run.outputs["evidence-dir"], dir_.Join("work/rollgate-evidence"));
  EXPECT_TRUE(std::filesystem::exists(dir_.Join("work/rollgate-evidence/gate.json")));
  EXPECT_NE(ReadOr(summary_).find("## rollgate gate: templates — BLOCK"), std::string::npos)
      << ReadOr(summary_);
  EXPECT_NE(
      run.log.find("::error title=rollgate gate (templates)%3A rollback_release_smoke failed::"),
      std::string::npos)
      << run.log;
  EXPECT_NE(ReadOr(dir_.Join("work/rollgate.env")).find("ROLLGATE_DECISION=block"),
            std::string::npos);  // args reached rollgate
  EXPECT_EQ(run.log.find(kTplRotatedKey), std::string::npos);
}

TEST_F(CiTemplatesTest, ActionBuildsFromSourceWithoutAPackageAndSetsDecisionPass) {
  MockServer mock(TplMockOptions());
  ASSERT_OK(mock.status());
  WriteConfig(mock.provider().base_url());
  ActionRun run =
      RunAction({{"config", "deploy/rollgate.yaml"}, {"evidence-dir", "out/ev"}}, kTplRollbackKey);
  EXPECT_EQ(run.exit_codes, (std::vector<int>{0, 0})) << run.log;
  EXPECT_EQ(ReadOr(dir_.Join("shim.log")),
            std::string("make -C ") + ROLLGATE_SOURCE_DIR +
                " build BUILD_DIR=" + dir_.Join("runner-temp/rollgate-build") + "\n");
  EXPECT_EQ(run.outputs["decision"], "pass") << run.log;
  EXPECT_EQ(run.outputs["blocked-gates"], "");
  EXPECT_EQ(run.outputs["evidence-dir"], dir_.Join("work/out/ev"));
}

TEST_F(CiTemplatesTest, ActionFailsTheStepOnAConfigErrorWithNoDecision) {
  ActionRun run = RunAction({{"config", "deploy/missing.yaml"}, {"package", ""}}, kTplRollbackKey);
  ASSERT_EQ(run.exit_codes.size(), 2u) << run.log;
  EXPECT_EQ(run.exit_codes[1], 2) << run.log;
  EXPECT_NE(run.log.find("missing.yaml"), std::string::npos) << run.log;
  EXPECT_EQ(run.outputs.count("decision"), 0u);  // the runner stops at the failed step
}

TEST_F(CiTemplatesTest, GitlabTemplateReportsJunitAndDotenvAndFailsTheJobOnBlock) {
  YAML::Node tpl = LoadTemplate("ci/gitlab/rollgate.gitlab-ci.yml");
  YAML::Node job = tpl[".rollgate"];
  ASSERT_TRUE(job.IsMap());
  EXPECT_EQ(job["artifacts"]["reports"]["junit"].as<std::string>(""),
            "rollgate-evidence/junit.xml");
  EXPECT_EQ(job["artifacts"]["reports"]["dotenv"].as<std::string>(""), "rollgate.env");
  EXPECT_EQ(job["artifacts"]["when"].as<std::string>(""), "always");

  MockServer mock(TplMockOptions());
  ASSERT_OK(mock.status());
  WriteConfig(mock.provider().base_url());
  dir_.Write("work/dist/rollgate.deb", "a package");
  // The job's variables, with the ones a project would override.
  std::vector<std::string> env = BaseEnv(kTplRotatedKey);
  for (const auto& var : job["variables"])
    env.push_back(var.first.as<std::string>() + "=" + var.second.as<std::string>(""));
  env.insert(env.end(), {"ROLLGATE_CONFIG=deploy/rollgate.yaml", "ROLLGATE_DEB=dist/rollgate.deb"});
  std::string script;
  for (const char* section : {"before_script", "script"}) {
    for (const auto& line : job[section]) script += line.as<std::string>() + "\n";
  }
  internal::CommandResult r = Bash(script, env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the job fails on block
  EXPECT_NE(ReadOr(dir_.Join("shim.log"))
                .find("apt-get install -y -qq --no-install-recommends " +
                      dir_.Join("work/dist/rollgate.deb")),
            std::string::npos)
      << ReadOr(dir_.Join("shim.log"));
  // The reports are where the template says, in the form GitLab reads.
  EXPECT_EQ(JunitSchemaErrors(dir_.Join("work/rollgate-evidence/junit.xml")), "");
  EXPECT_EQ(JunitXPathCount(
                dir_.Join("work/rollgate-evidence/junit.xml"),
                "//testsuite[@name='gates']/testcase[@name='rollback_release_smoke']/failure"),
            1);
  EXPECT_EQ(ReadOr(dir_.Join("work/rollgate.env")),
            "ROLLGATE_DECISION=block\nROLLGATE_BLOCKED_GATES=rollback_release_smoke\n"
            "ROLLGATE_EVIDENCE_DIR=rollgate-evidence\n");
  EXPECT_EQ((r.out + r.err).find(kTplRotatedKey), std::string::npos);
}

}  // namespace
}  // namespace rollgate::testing
