// The secret-leak scan: every rollgate command runs with recognisable fake secrets (two API
// keys, a rotated key, the serve token, a wrong token a caller presents), on pass and on block
// paths, and everything they leave behind is scanned for each secret and for its base64 form:
// stdout, stderr, every evidence file, the sample app's logs, the history database (and its
// WAL), /metrics and the webhook bodies. Any hit fails and names where it was found.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "base/file_util.h"
#include "contract/smoke_request.h"
#include "e2e/e2e_util.h"
#include "testutil/child_process.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/test_http_client.h"

namespace rollgate::testing {
namespace {

constexpr char kLeakNewKey[] = "sk-LEAKCANARY-new-5f0e9d2c7b3a1846";
constexpr char kLeakRollbackKey[] = "sk-LEAKCANARY-old-8c1b4e7a2d9f6035";
constexpr char kRotatedKey[] = "sk-LEAKCANARY-rotated-0a1b2c3d4e5f";
constexpr char kServeToken[] = "rg-LEAKCANARY-serve-3e9a7c5b1d084f26";
constexpr char kWrongToken[] = "rg-LEAKCANARY-wrong-9b8a7c6d5e4f3021";

std::string Base64(const std::string& in) {
  static const char* const kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  return out;  // full groups only: what appears verbatim inside any longer encoding
}

// What to look for: each secret, and its base64 form at each of the three byte alignments it
// can have inside a longer encoded string (e.g. "Bearer <key>" or "user:<key>" in base64).
std::vector<std::pair<std::string, std::string>> Needles() {
  std::vector<std::pair<std::string, std::string>> needles;
  for (const char* secret :
       {kLeakNewKey, kLeakRollbackKey, kRotatedKey, kServeToken, kWrongToken}) {
    std::string s = secret;
    needles.emplace_back(s, s);
    for (int offset = 0; offset < 3; ++offset) {
      needles.emplace_back(Base64(s.substr(offset)), "base64 of " + s);
    }
  }
  return needles;
}

class SecretLeakTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("secrets/rollback.key", std::string(kLeakRollbackKey) + "\n");
    dir_.Write("contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 36500\n");
    mock_ = std::make_unique<ChildProcess>();
    ASSERT_OK(mock_->Start({{ROLLGATE_BINARY, "mock", "--listen", "127.0.0.1:0", "--key",
                             kLeakNewKey, "--key", kLeakRollbackKey},
                            {},
                            ""}));
    Result<std::string> ready = mock_->WaitForLine("rollgate mock listening on ");
    ASSERT_OK(ready);
    base_url_ = ready->substr(std::string("rollgate mock listening on ").size());
  }

  // Two releases reading their keys the way an app does: env for new, a file for rollback.
  std::string WriteConfig(const std::string& name, const std::string& extra = "") {
    return dir_.Write(name,
                      "service: leak-scan\ncontract: contract.yaml\n"
                      "expect_differences: [model, key_fingerprint, stream]\n"
                      "history: {db: history.db}\n"
                      "serve: {token: {env: LEAK_SERVE_TOKEN}, max_result_age: 5m}\n"
                      "releases:\n"
                      "  new:\n    version: '2.4.0'\n    base_url: " +
                          base_url_ +
                          "\n    api_key: {env: LEAK_KEY_NEW}\n    model: gpt-5.4-mini\n"
                          "    timeout_ms: 3000\n    stream: true\n"
                          "    retry: {max_attempts: 2, backoff_ms: 20}\n"
                          "  rollback:\n    version: '2.3.1'\n    base_url: " +
                          base_url_ +
                          "\n    api_key: {file: secrets/rollback.key}\n    model: gpt-4o-mini\n"
                          "    timeout_ms: 3000\n    retry: {max_attempts: 2, backoff_ms: 20}\n" +
                          extra);
  }

  std::vector<std::string> Env(const std::string& new_key = kLeakNewKey) const {
    return {"LEAK_KEY_NEW=" + new_key, std::string("LEAK_SERVE_TOKEN=") + kServeToken,
            "NO_COLOR=1"};
  }

  CliRun Run(const std::string& label, const std::vector<std::string>& args,
             const std::vector<std::string>& env) {
    CliRun run = RunRollgate(args, env, 120000);
    Collect(label + " stdout", run.out);
    Collect(label + " stderr", run.err);
    ++commands_run_;
    return run;
  }

  void Collect(const std::string& where, const std::string& text) {
    texts_.emplace_back(where, text);
  }

  // Every file rollgate (or the sample app) wrote under the test's directory, except the
  // secrets themselves.
  void CollectFiles() {
    namespace fs = std::filesystem;
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
      if (!entry.is_regular_file()) continue;
      std::string path = entry.path().string();
      if (path.find("/secrets/") != std::string::npos) continue;
      Result<std::string> text = internal::ReadFileToString(path);
      if (text.ok()) texts_.emplace_back(path, *text);
      ++files_scanned_;
    }
  }

  void ExpectNoLeaks() {
    CollectFiles();
    auto needles = Needles();
    for (const auto& [where, text] : texts_) {
      for (const auto& [needle, what] : needles) {
        EXPECT_EQ(text.find(needle), std::string::npos) << what << " found in " << where;
      }
      // Nor the prompt, anywhere; nor the completion in the probe log (DESIGN.md: gate.json
      // keeps only the parsed canary answer, probes.jsonl no completion text at all).
      EXPECT_EQ(text.find(internal::kSmokeSystemPrompt), std::string::npos)
          << "the system prompt in " << where;
      EXPECT_EQ(text.find("Return {"), std::string::npos) << "the user prompt in " << where;
      if (where.ends_with("probes.jsonl")) {
        EXPECT_EQ(text.find("rollback-smoke"), std::string::npos) << "completion text in " << where;
      }
    }
  }

  TempDir dir_;
  std::unique_ptr<ChildProcess> mock_;
  std::string base_url_;
  std::vector<std::pair<std::string, std::string>> texts_;
  int commands_run_ = 0;
  int files_scanned_ = 0;
};

TEST_F(SecretLeakTest, GateCheckDiffRehearseAndHistoryNeverShowASecret) {
  std::string config = WriteConfig("rollgate.yaml");
  CliRun pass =
      Run("gate (pass)", {"gate", "--config", config, "--evidence-dir", dir_.Join("ev/gate-pass")},
          Env());
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  // The new release's key rotated: the 401 path, its error details and the block summary.
  CliRun block = Run("gate (rotated key)",
                     {"gate", "--config", config, "--evidence-dir", dir_.Join("ev/gate-block")},
                     Env(kRotatedKey));
  EXPECT_EQ(block.exit_code, 1) << block.out << block.err;
  EXPECT_NE(block.out.find("sha256:"), std::string::npos) << "the key is named by fingerprint";

  CliRun check = Run("check --release rollback",
                     {"check", "--config", config, "--release", "rollback", "--evidence-dir",
                      dir_.Join("ev/check")},
                     Env());
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  CliRun adhoc = Run("check ad hoc",
                     {"check", "--base-url", base_url_, "--model", "gpt-4o-mini", "--api-key-env",
                      "LEAK_KEY_NEW", "--stream", "--evidence-dir", dir_.Join("ev/adhoc")},
                     Env());
  EXPECT_EQ(adhoc.exit_code, 0) << adhoc.out << adhoc.err;
  // --explain shows every setting with its source and the request it would send: by
  // fingerprint and header name only.
  CliRun explain =
      Run("check --explain --dry-run",
          {"check", "--config", config, "--release", "new", "--explain", "--dry-run"}, Env());
  EXPECT_EQ(explain.exit_code, 0) << explain.out << explain.err;
  EXPECT_NE(explain.out.find("env LEAK_KEY_NEW"), std::string::npos) << explain.out;
  CliRun explain_file =
      Run("check --explain (file key)",
          {"check", "--config", config, "--release", "rollback", "--explain", "--dry-run"}, Env());
  EXPECT_EQ(explain_file.exit_code, 0) << explain_file.out << explain_file.err;
  CliRun diff = Run("diff", {"diff", "--config", config}, Env(kRotatedKey));
  EXPECT_NE(diff.out.find("key_fingerprint"), std::string::npos) << diff.out;

  // A bad config whose secret comes from a failing command: its stdout must stay hidden (the
  // config itself holds the secret, so it lives with the secrets, outside the scan).
  dir_.Write("secrets/bad.yaml", "service: s\nreleases:\n  new:\n    version: '1'\n    base_url: " +
                                     base_url_ + "\n    api_key: {command: [sh, -c, 'echo " +
                                     std::string(kRotatedKey) + "; exit 3']}\n    model: m\n");
  CliRun bad = Run(
      "gate (secret command fails)",
      {"gate", "--config", dir_.Join("secrets/bad.yaml"), "--evidence-dir", dir_.Join("ev/bad")},
      Env());
  EXPECT_NE(bad.exit_code, 0);

  CliRun rehearse = Run("rehearse --config",
                        {"rehearse", "--config", config, "--format", "json", "--evidence-dir",
                         dir_.Join("ev/rehearse")},
                        Env());
  EXPECT_NE(rehearse.out.find("\"caught\""), std::string::npos) << rehearse.err;

  std::string db = dir_.Join("history.db");
  CliRun table = Run("history", {"history", "--db", db}, {});
  EXPECT_NE(table.out.find("last known good"), std::string::npos) << table.out << table.err;
  Run("history json", {"history", "--db", db, "--format", "json"}, {});
  CliRun one = Run("history --run 1", {"history", "--db", db, "--run", "1"}, {});
  EXPECT_NE(one.out.find("\"releases\""), std::string::npos) << one.err;

  mock_->Stop();
  Collect("mock stdout", mock_->out());
  Collect("mock stderr", mock_->err());
  ExpectNoLeaks();
  EXPECT_GE(files_scanned_, 10) << "the scan must see the evidence and the history";
}

TEST_F(SecretLeakTest, ServeMetricsWebhooksAndLogsNeverShowASecret) {
  std::string config = WriteConfig("rollgate.yaml");
  ChildProcess serve;
  std::vector<std::string> env = Env();
  ASSERT_OK(serve.Start({{ROLLGATE_BINARY, "serve", "--config", config, "--listen", "127.0.0.1:0",
                          "--evidence-dir", dir_.Join("ev/serve")},
                         env,
                         dir_.path()}));
  Result<std::string> ready =
      serve.WaitForLine("rollgate serve listening on ", std::chrono::seconds(20));
  ASSERT_OK(ready);
  std::string url = ready->substr(std::string("rollgate serve listening on ").size());
  std::string bearer = std::string("Bearer ") + kServeToken;

  TestResponse run = HttpPost(url + "/run", "", {"Authorization: " + bearer});
  Collect("POST /run", run.body);
  TestResponse flagger =
      HttpPost(url + "/hooks/flagger",
               R"({"name":"app","namespace":"prod","phase":"Progressing","metadata":{}})",
               {"Authorization: " + bearer, "Content-Type: application/json"});
  Collect("POST /hooks/flagger", flagger.body);
  EXPECT_EQ(flagger.status, 200) << flagger.body;
  TestResponse wrong =
      HttpGet(url + "/hooks/argo", {std::string("Authorization: Bearer ") + kWrongToken});
  Collect("GET /hooks/argo (wrong token)", wrong.body);
  EXPECT_EQ(wrong.status, 401);
  TestResponse metrics = HttpGet(url + "/metrics");
  Collect("GET /metrics", metrics.body);
  EXPECT_NE(metrics.body.find("rollgate_gate_success"), std::string::npos);

  ASSERT_TRUE(serve.Signal(SIGTERM));
  std::optional<ChildExit> exit = serve.WaitForExit(std::chrono::seconds(30));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->exit_code, 0) << serve.err();
  Collect("serve stdout", serve.out());
  Collect("serve stderr", serve.err());
  mock_->Stop();
  Collect("mock stdout", mock_->out());
  Collect("mock stderr", mock_->err());
  ExpectNoLeaks();
}

TEST_F(SecretLeakTest, DrillAndTheSampleAppNeverShowASecret) {
  // The rollback (2.3.1) serves behind the "route"; switching to new never converges, so the
  // drill blocks, switches back and verifies the rollback through the app: both paths run.
  dir_.Write("app/app.json",
             "{\"version\": \"2.3.1\", \"base_url\": {\"env\": \"SAMPLE_APP_BASE_URL\"}, "
             "\"api_key\": {\"env\": \"COMETAPI_KEY\"}, \"model_alias\": \"fast\", "
             "\"models\": {\"fast\": \"gpt-4o-mini\"}, \"timeout_ms\": 5000, "
             "\"log_file\": \"app.log.jsonl\", \"log_fields\": \"full\"}\n");
  ChildProcess app;
  ASSERT_OK(app.Start(
      {{ROLLGATE_SAMPLE_APP, "serve", "--config", dir_.Join("app/app.json"), "--listen",
        "127.0.0.1:0"},
       {"SAMPLE_APP_BASE_URL=" + base_url_, std::string("COMETAPI_KEY=") + kLeakRollbackKey},
       ""}));
  Result<std::string> app_ready = app.WaitForLine("sample_app listening on ");
  ASSERT_OK(app_ready);
  std::string app_url = app_ready->substr(std::string("sample_app listening on ").size());
  std::string config =
      WriteConfig("drill.yaml",
                  "drill:\n  switch: {to_new: [\"true\"], to_rollback: [\"true\"]}\n"
                  "  user_facing: {url: '" +
                      app_url +
                      "/smoke', version_header: X-Release-Version}\n"
                      "  settle: {url: '" +
                      app_url + "/version', timeout_ms: 400, poll_ms: 50}\n");
  CliRun drill =
      Run("drill", {"drill", "--config", config, "--evidence-dir", dir_.Join("ev/drill")}, Env());
  EXPECT_EQ(drill.exit_code, 1) << drill.out << drill.err;
  EXPECT_NE(drill.out.find("step"), std::string::npos) << drill.out;

  app.Stop();
  Collect("sample_app stdout", app.out());
  Collect("sample_app stderr", app.err());
  mock_->Stop();
  Collect("mock stdout", mock_->out());
  Collect("mock stderr", mock_->err());
  ExpectNoLeaks();
}

TEST(SecretLeakScanner, FindsTheBase64FormAtEveryAlignment) {
  // The scan itself must be able to fail: a secret embedded in base64 at any offset is found.
  auto needles = Needles();
  for (const std::string prefix : {"", "a", "ab", "Bearer ", "user:"}) {
    std::string encoded = Base64(prefix + kLeakNewKey + "==padding");
    bool found = false;
    for (const auto& [needle, what] : needles)
      found = found || encoded.find(needle) != std::string::npos;
    EXPECT_TRUE(found) << "prefix '" << prefix << "'";
  }
}

}  // namespace
}  // namespace rollgate::testing
