// Fail safe (issue 12): the `rollgate` binary never aborts on odd bytes, never sends a key over
// plain http to a name that only looks like loopback, never binds a name, refuses an empty
// evidence directory and a history that is a directory, runs commands from where the config
// says, never blocks on a FIFO, and refuses an oversized config fast.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "e2e/e2e_util.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

constexpr char kFailSafeKey[] = "sk-failsafe-5f1e9a7c3b2d4860";

// `rollgate <args>` with `env` added, in `working_dir` (empty: ours).
CliRun FailSafeRun(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                   const std::string& working_dir = "", int timeout_ms = 30000) {
  std::vector<std::string> argv = {"env", "NO_COLOR=1"};
  for (const auto& e : env) argv.push_back(e);
  argv.push_back(ROLLGATE_BINARY);
  for (const auto& a : args) argv.push_back(a);
  internal::CommandOptions opts;
  opts.timeout_ms = timeout_ms;
  opts.max_output_bytes = 4 << 20;
  opts.working_dir = working_dir;
  Result<internal::CommandResult> r = internal::RunCommand(argv, opts);
  CliRun out;
  if (!r.ok()) return out;
  out.exit_code = r->timed_out ? -2 : r->term_signal ? 128 + r->term_signal : r->exit_code;
  out.out = r->out;
  out.err = r->err;
  return out;
}

class FailSafeE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mock::MockOptions o;
    o.keys = {kFailSafeKey};
    mock_ = std::make_unique<MockServer>(o);
    ASSERT_OK(mock_->status());
    dir_.Write("contract.yaml",
               "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
               "/v1/chat/completions}\n");
  }

  // A config with `new` and `rollback` against the mock; `top` goes at the top level, each
  // release gets its extra lines (indented by the caller) and may override version/model/base_url.
  std::string Config(const std::string& top, const std::string& new_release,
                     const std::string& rollback, const std::string& name = "rollgate.yaml") {
    auto release = [&](const std::string& extra) {
      std::string r = extra;
      if (extra.find("version:") == std::string::npos) r += "    version: '1.0.0'\n";
      if (extra.find("base_url:") == std::string::npos)
        r += "    base_url: " + mock_->provider().base_url() + "\n";
      if (extra.find("model:") == std::string::npos) r += "    model: gpt-4o-mini\n";
      return r +
             "    api_key: {env: FAILSAFE_KEY}\n    timeout_ms: 3000\n    retry: {max_attempts: "
             "1}\n";
    };
    return dir_.Write(name, "service: failsafe\ncontract: contract.yaml\n" + top +
                                "releases:\n  new:\n" + release(new_release) + "  rollback:\n" +
                                release(rollback));
  }

  CliRun Gate(const std::string& config, std::vector<std::string> env = {}) {
    env.push_back(std::string("FAILSAFE_KEY=") + kFailSafeKey);
    return FailSafeRun({"gate", "--config", config, "--evidence-dir", dir_.Join("evidence")}, env);
  }

  nlohmann::json GateJson() {
    return nlohmann::json::parse(ReadOr(dir_.Join("evidence/gate.json")));
  }

  static const nlohmann::json* Release(const nlohmann::json& j, const std::string& name) {
    for (const auto& r : j["releases"]) {
      if (r["name"] == name) return &r;
    }
    return nullptr;
  }
  static std::string ConfigurationDetail(const nlohmann::json& j, const std::string& release) {
    const nlohmann::json* r = Release(j, release);
    if (!r) return "(no release " + release + ")";
    for (const auto& c : (*r)["checks"]) {
      if (c["id"] == "configuration")
        return c["status"].get<std::string>() + ": " + c["detail"].get<std::string>();
    }
    return "(no configuration check)";
  }

  std::unique_ptr<MockServer> mock_;
  TempDir dir_;
};

TEST_F(FailSafeE2eTest, ALatin1ByteInThePromptIsAFindingNotAnAbort) {
  std::string config = Config("prompt: {system: \"R\xE9ponds en JSON.\"}\n", "", "");
  CliRun run = Gate(config);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err.find("terminate"), std::string::npos) << run.err;
  nlohmann::json j = GateJson();
  EXPECT_EQ(j["decision"], "block");
  for (const char* release : {"new", "rollback"}) {
    std::string detail = ConfigurationDetail(j, release);
    EXPECT_NE(detail.find("fail: "), std::string::npos) << detail;
    EXPECT_NE(detail.find("prompt.system: invalid UTF-8 at byte 1 (0xE9)"), std::string::npos)
        << detail;
    EXPECT_NE(detail.find("save the file as UTF-8"), std::string::npos) << detail;
    EXPECT_TRUE((*Release(j, release))["attempts"].empty()) << "the release is not probed";
  }
  EXPECT_TRUE(internal::FileExists(dir_.Join("evidence/probes.jsonl")));
  EXPECT_TRUE(internal::FileExists(dir_.Join("evidence/manifest.json")));
}

TEST_F(FailSafeE2eTest, ALatin1ModelFromAFileAndVersionFromEnvAreFindingsWithKeyAndOffset) {
  dir_.Write("model.txt", "gpt-4o-mini-\xE9t\xE9\n");
  std::string config =
      Config("", "    version: {env: FAILSAFE_VERSION}\n", "    model: {file: model.txt}\n");
  CliRun run = Gate(config, {"FAILSAFE_VERSION=2.4.0-caf\xE9"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err.find("terminate"), std::string::npos) << run.err;
  nlohmann::json j = GateJson();
  std::string new_detail = ConfigurationDetail(j, "new");
  EXPECT_NE(new_detail.find("version: invalid UTF-8 at byte 9 (0xE9) from env FAILSAFE_VERSION"),
            std::string::npos)
      << new_detail;
  std::string rollback_detail = ConfigurationDetail(j, "rollback");
  EXPECT_NE(rollback_detail.find("model: invalid UTF-8 at byte 12 (0xE9) from file"),
            std::string::npos)
      << rollback_detail;
  // What the evidence shows in their place is valid UTF-8.
  EXPECT_EQ((*Release(j, "new"))["version"], "2.4.0-caf\xEF\xBF\xBD");
}

TEST_F(FailSafeE2eTest, PlainHttpToANameThatStartsWith127IsRefusedBeforeAnyLookup) {
  for (const std::string host : {"127.0.0.1.invalid", "127.evil.invalid"}) {
    SCOPED_TRACE(host);
    std::string port = std::to_string(mock_->provider().port());
    std::string config = Config("", "", "    base_url: http://" + host + ":" + port + "\n");
    CliRun run = Gate(config);
    EXPECT_EQ(run.exit_code, 1) << run.err;
    nlohmann::json j = GateJson();
    std::string detail = ConfigurationDetail(j, "rollback");
    EXPECT_NE(detail.find("plain http to " + host), std::string::npos) << detail;
    EXPECT_EQ(detail.find("DNS"), std::string::npos) << detail;
    EXPECT_TRUE((*Release(j, "rollback"))["attempts"].empty())
        << "no request, so no lookup, was made";
    for (const auto& a : j["negative_auth"]) EXPECT_NE(a["release"], "rollback");
    std::string jsonl = ReadOr(dir_.Join("evidence/probes.jsonl"));
    EXPECT_EQ(jsonl.find(host), std::string::npos) << jsonl;
    EXPECT_EQ(ConfigurationDetail(j, "new").substr(0, 5), "pass:");
  }
}

TEST_F(FailSafeE2eTest, AListenAddressMustBeALiteral) {
  std::string config = Config("", "", "");
  std::string named = Config("serve: {listen: \"example.com:0\"}\n", "", "", "named.yaml");
  for (const std::string listen : {"127.evil.example:0", "example.com:0"}) {
    SCOPED_TRACE(listen);
    auto start = std::chrono::steady_clock::now();
    CliRun mock = FailSafeRun({"mock", "--listen", listen}, {}, "", 10000);
    EXPECT_EQ(mock.exit_code, 2) << mock.err;
    EXPECT_NE(mock.err.find("--listen"), std::string::npos) << mock.err;
    EXPECT_NE(mock.err.find("is not an IP address"), std::string::npos) << mock.err;
    CliRun serve = FailSafeRun({"serve", "--config", config, "--listen", listen}, {}, "", 10000);
    EXPECT_EQ(serve.exit_code, 2) << serve.err;
    EXPECT_NE(serve.err.find("is not an IP address"), std::string::npos) << serve.err;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  }
  CliRun serve = FailSafeRun({"serve", "--config", named}, {}, "", 10000);
  EXPECT_EQ(serve.exit_code, 2) << serve.err;
  EXPECT_NE(serve.err.find("serve.listen"), std::string::npos) << serve.err;
}

TEST_F(FailSafeE2eTest, AnEmptyEvidenceDirectoryIsAUsageError) {
  std::string config = Config("", "", "");
  const std::vector<std::vector<std::string>> commands = {
      {"gate", "--config", config},
      {"check", "--config", config, "--release", "new"},
      {"drill", "--config", config},
      {"rehearse"},
      {"demo"},
      {"serve", "--config", config}};
  for (auto args : commands) {
    SCOPED_TRACE(args[0]);
    args.push_back("--evidence-dir");
    args.push_back("");
    CliRun run =
        FailSafeRun(args, {std::string("FAILSAFE_KEY=") + kFailSafeKey}, dir_.path(), 20000);
    EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
    EXPECT_NE(run.err.find("--evidence-dir"), std::string::npos) << run.err;
  }
}

TEST_F(FailSafeE2eTest, AHistoryThatIsADirectoryFailsAtStart) {
  ASSERT_OK(internal::MakeDirs(dir_.Join("history.db")));
  std::string config = Config("history: {db: history.db}\n", "", "");
  CliRun gate = Gate(config);
  EXPECT_EQ(gate.exit_code, 2) << gate.err;
  EXPECT_NE(gate.err.find("history.db"), std::string::npos) << gate.err;
  EXPECT_NE(gate.err.find("is a directory"), std::string::npos) << gate.err;
  EXPECT_FALSE(internal::FileExists(dir_.Join("evidence"))) << "refused before any probe";
  CliRun history = FailSafeRun({"history", "--db", dir_.Join("history.db")});
  EXPECT_EQ(history.exit_code, 2) << history.err;
  EXPECT_NE(history.err.find("is a directory"), std::string::npos) << history.err;
}

TEST_F(FailSafeE2eTest, RelativeCommandsRunFromTheConfigDirectoryNotFromPath) {
  // The config's own tool beside it, and an impostor of the same name first on PATH.
  dir_.Write("cfg/tool", "#!/bin/sh\necho 2.4.0-real\n");
  dir_.Write("impostor/tool", "#!/bin/sh\necho 6.6.6-impostor\n");
  dir_.Write("impostor/smoke", "#!/bin/sh\necho impostor >&2\nexit 9\n");
  for (const char* f : {"cfg/tool", "impostor/tool", "impostor/smoke"})
    ::chmod(dir_.Join(f).c_str(), 0755);
  dir_.Write("cfg/contract.yaml",
             "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
             "/v1/chat/completions}\n");
  std::string base = mock_->provider().base_url();
  dir_.Write("cfg/rollgate.yaml",
             "service: failsafe\ncontract: contract.yaml\nreleases:\n"
             "  new:\n    version: {command: [./tool]}\n    base_url: " +
                 base +
                 "\n    api_key: {env: FAILSAFE_KEY}\n    model: gpt-4o-mini\n"
                 "  rollback:\n    version: {command: [tool]}\n    base_url: " +
                 base + "\n    api_key: {env: FAILSAFE_KEY}\n    model: gpt-4o-mini\n");
  // Run from the directory above, with the config named relative to it, as CI does.
  std::string path = "PATH=" + dir_.Join("impostor") + ":/usr/local/bin:/usr/bin:/bin";
  CliRun run = FailSafeRun({"gate", "--config", "cfg/rollgate.yaml", "--evidence-dir", "evidence"},
                           {path, std::string("FAILSAFE_KEY=") + kFailSafeKey}, dir_.path());
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.err;
  nlohmann::json j = GateJson();
  const nlohmann::json& fresh = *Release(j, "new");
  EXPECT_EQ(fresh["version"], "2.4.0-real") << ConfigurationDetail(j, "new");
  EXPECT_EQ(fresh["provenance"]["version"], "command " + dir_.Join("cfg/tool"))
      << "the absolute path that ran";
  // A bare name is looked up on PATH, and the evidence says which one ran.
  const nlohmann::json& rollback = *Release(j, "rollback");
  EXPECT_EQ(rollback["version"], "6.6.6-impostor");
  EXPECT_EQ(rollback["provenance"]["version"], "command " + dir_.Join("impostor/tool"));
}

TEST_F(FailSafeE2eTest, AFileSourceOnAFifoIsAFindingAndReturnsPromptly) {
  ASSERT_EQ(::mkfifo(dir_.Join("key.fifo").c_str(), 0600), 0);
  std::string config = Config("", "", "");
  std::string text = ReadOr(config);
  text.replace(text.rfind("api_key: {env: FAILSAFE_KEY}"), 28, "api_key: {file: key.fifo}");
  dir_.Write("rollgate.yaml", text);
  auto start = std::chrono::steady_clock::now();
  CliRun run = FailSafeRun({"gate", "--config", config, "--evidence-dir", dir_.Join("evidence")},
                           {std::string("FAILSAFE_KEY=") + kFailSafeKey}, "", 20000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  EXPECT_EQ(run.exit_code, 1) << run.err;
  std::string detail = ConfigurationDetail(GateJson(), "rollback");
  EXPECT_NE(detail.find("FIFO"), std::string::npos) << detail;
}

TEST_F(FailSafeE2eTest, AFourMegabyteConfigWithAQuarterMillionHeadersIsRefusedFast) {
  const int n = 250000;
  std::string headers = "    headers: {";
  for (int i = 0; i < n; ++i) headers += (i ? ", X" : "X") + std::to_string(i) + ": v";
  headers += "}\n";
  while (headers.size() < (4u << 20) - 8192) headers += "    # " + std::string(4000, '-') + "\n";
  std::string config = Config("", headers, "");
  ASSERT_GT(ReadOr(config).size(), 4000000u);
  auto start = std::chrono::steady_clock::now();
  CliRun run = Gate(config);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("releases.new.headers: more than 256 headers"), std::string::npos)
      << run.err;
  EXPECT_LT(seconds, 5.0);
  std::printf(
      "[ measured ] a %zu-byte config with %d headers: `rollgate gate` refused it in %.3f s\n",
      ReadOr(config).size(), n, seconds);
}

}  // namespace
}  // namespace rollgate::testing
