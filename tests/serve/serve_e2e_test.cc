// The built `rollgate serve` as an operator runs it: against the mock provider on loopback,
// scraped by a real Prometheus server, called like Flagger and Argo Rollouts call it, stopped
// with SIGTERM. Every server binds 127.0.0.1 on a free port and is stopped by the test; waits
// are on output lines or bounded polls of observable state, never fixed sleeps.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/net.h"
#include "base/secret.h"
#include "e2e/e2e_util.h"
#include "http_server/http_server.h"
#include "serve/prometheus_tools.h"
#include "serve/serve_test_util.h"
#include "store/history_store.h"
#include "testutil/child_process.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

using nlohmann::json;

constexpr char kServeNewKey[] = "sk-serve-e2e-new-6b1f0d9e2a7c4835";
constexpr char kServeRollbackKey[] = "sk-serve-e2e-rollback-3e8a5c1f7b9d2046";
constexpr char kRotatedKey[] = "sk-serve-e2e-rotated-9d4b2f6a0c8e1357";
constexpr char kToken[] = "serve-e2e-token-2c7e9a1f5b3d8046";
constexpr char kReady[] = "rollgate serve listening on ";

// A free loopback port for a server that cannot be told to pick one (Prometheus).

// Polls `probe` every 200 ms until it returns true or `timeout` passes (for servers whose
// readiness has no line to wait for).
bool PollUntil(const std::function<bool()>& probe, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!probe()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return true;
}

class ServeE2eTest : public ::testing::Test {
 protected:
  mock::MockOptions MockOptions(int latency_ms = 0) {
    mock::MockOptions o;
    o.keys = {kServeNewKey, kServeRollbackKey, kRotatedKey};
    o.models = {"gpt-5.4-mini", "gpt-4o-mini"};
    o.scenario_for_key[kRotatedKey] = "rotated-key";
    o.latency_ms = latency_ms;
    return o;
  }

  // The config an operator would write: the new release's key from env, the rollback's from a
  // mounted secret file (rewritten by tests to "rotate" it), the serve token from env.
  std::string WriteConfig(const std::string& new_base, const std::string& rollback_base,
                          const std::string& extra = "") {
    dir_.Write("contract.yaml",
               "reviewed_on: 2026-11-20\nmax_age_days: 36500\n"
               "endpoint: {method: POST, path: /v1/chat/completions}\n");
    dir_.Write("secrets/rollback.key", std::string(kServeRollbackKey) + "\n");
    return dir_.Write("rollgate.yaml",
                      "service: checkout-assistant\ncontract: contract.yaml\n"
                      "expect_differences: [model, key_fingerprint, endpoint_host]\n"
                      "releases:\n"
                      "  new:\n    version: '2.4.0'\n    base_url: " +
                          new_base +
                          "\n    api_key: {env: SERVE_E2E_KEY_NEW}\n    model: gpt-5.4-mini\n"
                          "    timeout_ms: 5000\n    retry: {max_attempts: 1}\n"
                          "  rollback:\n    version: '2.3.1'\n    base_url: " +
                          rollback_base +
                          "\n    api_key: {file: secrets/rollback.key}\n    model: gpt-4o-mini\n"
                          "    timeout_ms: 5000\n    retry: {max_attempts: 1}\n"
                          "thresholds: {max_latency_ms: 10000}\n"
                          "history: {db: history.db}\n"
                          "serve: {token: {env: SERVE_E2E_TOKEN}, max_result_age: 0s}\n" +
                          extra);
  }

  // Starts `rollgate serve` on 127.0.0.1:0 and returns its base URL.
  Result<std::string> StartServe(ChildProcess& serve, const std::string& config) {
    ROLLGATE_RETURN_IF_ERROR(
        serve.Start({{ROLLGATE_BINARY, "serve", "--config", config, "--listen", "127.0.0.1:0"},
                     {std::string("SERVE_E2E_KEY_NEW=") + kServeNewKey,
                      std::string("SERVE_E2E_TOKEN=") + kToken},
                     ""}));
    Result<std::string> line = serve.WaitForLine(kReady, std::chrono::seconds(30));
    if (!line.ok()) return line.status();
    return line->substr(std::string(kReady).size());
  }

  static TestResponse Call(const std::string& method, const std::string& url,
                           const std::string& token = kToken) {
    TestRequest req;
    req.method = method;
    req.url = url;
    if (!token.empty()) req.headers.push_back("Authorization: Bearer " + token);
    if (method == "POST") {
      req.headers.push_back("Content-Type: application/json");
      req.body = R"({"name":"checkout","namespace":"shop","phase":"Progressing","metadata":{}})";
    }
    return Fetch(req);
  }

  // SIGTERM, and the exit code (-1 when it did not exit normally in time).
  static int Terminate(ChildProcess& serve) {
    if (!serve.Signal(SIGTERM)) return -1;
    std::optional<ChildExit> exit = serve.WaitForExit(std::chrono::seconds(60));
    return exit && exit->exited_normally() ? exit->exit_code : -1;
  }

  std::string Db() const { return dir_.Join("history.db"); }

  TempDir dir_;
};

// SIGTERM cancels the run in flight at once (a provider that takes 20 s is not waited out),
// records it as an interrupted block, flushes the history and exits 0.
TEST_F(ServeE2eTest, SigtermCancelsTheRunInFlightFlushesTheHistoryAndExitsZero) {
  MockServer mock(MockOptions(/*latency_ms=*/20000));  // each call takes 20 s
  ASSERT_OK(mock.status());
  std::string config = WriteConfig(
      mock.provider().base_url(), mock.provider().base_url(),
      "schedule: {every: 10m, jitter: 0s, max_runs_per_day: 10, max_tokens_per_day: 100000}\n");
  ChildProcess serve;
  ASSERT_OK(StartServe(serve, config));
  // The schedule's first run starts at once (no jitter); terminate while it is in flight.
  ASSERT_TRUE(
      WaitUntil([&] { return serve.err().find("run started (schedule)") != std::string::npos; },
                std::chrono::seconds(30)))
      << serve.err();
  int exit_code = -1;
  double ms = ElapsedMs([&] { exit_code = Terminate(serve); });
  EXPECT_EQ(exit_code, 0) << serve.err();
  EXPECT_LT(ms, 2500) << "serve waited for the run in flight (its calls time out after 5 s):\n"
                      << serve.err();
  const std::string err = serve.err();
  EXPECT_NE(err.find("received SIGTERM"), std::string::npos) << err;
  EXPECT_NE(err.find("stopping: cancelling the run in flight"), std::string::npos)
      << "the run was not in flight at SIGTERM:\n"
      << err;
  EXPECT_NE(err.find("run finished (schedule): block"), std::string::npos) << err;
  EXPECT_NE(err.find("rollgate serve: stopped\n"), std::string::npos) << err;

  internal::HistoryQuery query;
  query.include_gate_json = true;
  Result<std::vector<internal::HistoryRun>> runs = internal::ListHistory(Db(), query);
  ASSERT_OK(runs);
  ASSERT_EQ(runs->size(), 1u) << "the run in flight was recorded";
  EXPECT_EQ((*runs)[0].trigger, "serve:schedule");
  EXPECT_EQ((*runs)[0].decision, Decision::kBlock);
  json gate = json::parse((*runs)[0].gate_json, nullptr, false);
  EXPECT_EQ(gate.value("interrupted", false), true) << (*runs)[0].gate_json;
  EXPECT_EQ(gate.value("signal", ""), "SIGTERM") << (*runs)[0].gate_json;
  Result<std::string> integrity = internal::CheckHistoryIntegrity(Db());
  ASSERT_OK(integrity);
  EXPECT_EQ(*integrity, "ok");
  // Flushed: the write-ahead log was folded into the database file.
  std::error_code ec;
  auto wal = std::filesystem::file_size(Db() + "-wal", ec);
  EXPECT_TRUE(ec || wal == 0) << wal << " bytes left in " << Db() << "-wal";
}

TEST_F(ServeE2eTest, WebhooksAnswerByTheRealGateAndHistoryKeepsTheLastKnownGood) {
  MockServer mock(MockOptions());
  ASSERT_OK(mock.status());
  std::string config = WriteConfig(mock.provider().base_url(), mock.provider().base_url());
  ChildProcess serve;
  Result<std::string> url = StartServe(serve, config);
  ASSERT_OK(url);

  TestResponse pass = Call("POST", *url + "/hooks/flagger");
  EXPECT_EQ(pass.status, 200) << pass.body << serve.err();
  EXPECT_EQ(json::parse(pass.body)["decision"], "pass");
  TestResponse argo_pass = Call("GET", *url + "/hooks/argo");
  EXPECT_EQ(argo_pass.status, 200);
  EXPECT_EQ(json::parse(argo_pass.body)["success"], true);

  // The rollback's mounted secret is rotated to a key the provider no longer accepts.
  dir_.Write("secrets/rollback.key", std::string(kRotatedKey) + "\n");
  TestResponse block = Call("POST", *url + "/hooks/flagger");
  EXPECT_EQ(block.status, 412) << block.body;
  json b = json::parse(block.body);
  EXPECT_EQ(b["decision"], "block");
  bool auth_failed = false;
  for (const auto& c : b["failed_checks"]) {
    auth_failed |= c["release"] == "rollback" && c["id"] == "authentication";
  }
  EXPECT_TRUE(auth_failed) << block.body;
  TestResponse argo_block = Call("GET", *url + "/hooks/argo");
  EXPECT_EQ(argo_block.status, 200) << argo_block.body;
  EXPECT_EQ(json::parse(argo_block.body)["success"], false);
  EXPECT_EQ(json::parse(argo_block.body)["decision"], "block");

  EXPECT_EQ(Call("POST", *url + "/hooks/flagger", "wrong-token").status, 401);
  EXPECT_EQ(Call("GET", *url + "/hooks/argo", "").status, 401);
  EXPECT_EQ(Terminate(serve), 0) << serve.err();

  CliRun history = RunRollgate({"history", "--config", config, "--format", "json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  json h = json::parse(history.out);
  ASSERT_EQ(h["runs"].size(), 4u) << history.out;
  EXPECT_EQ(h["runs"][0]["trigger"], "serve:argo");
  EXPECT_EQ(h["runs"][0]["decision"], "block");
  EXPECT_EQ(h["runs"][3]["trigger"], "serve:flagger");
  const int64_t last_good_rollback = h["runs"][2]["id"];  // the Argo run before the rotation
  for (const auto& g : h["last_known_good"]) {
    if (g["release"] == "rollback") {
      EXPECT_EQ(g["run_id"], last_good_rollback);
      EXPECT_EQ(g["key_fingerprint"], internal::KeyFingerprint(kServeRollbackKey));
    } else {
      EXPECT_EQ(g["run_id"], h["runs"][0]["id"]);
    }
  }
  EXPECT_EQ(h["last_known_good"].size(), 2u);
}

TEST_F(ServeE2eTest, NoSecretInMetricsWebhookBodiesLogsOrHistory) {
  MockServer mock(MockOptions());
  ASSERT_OK(mock.status());
  // A gateway in front of the rollback release that echoes the key it was sent back in its
  // error message, as some do: the key reaches rollgate's check details and must be scrubbed.
  internal::HttpServer gateway(internal::HttpServerOptions{});
  gateway.Handle("POST", "/v1/chat/completions", [](const internal::ServerRequest& r) {
    const std::string* auth = r.Header("authorization");
    std::string presented = auth ? *auth : "";
    json body = {{"error",
                  {{"message", "Incorrect API key provided: " + presented.substr(7)},
                   {"type", "invalid_request_error"},
                   {"code", "invalid_api_key"}}}};
    return internal::ServerResponse::Make(401, "application/json", body.dump());
  });
  ASSERT_OK(gateway.Start());
  std::string config =
      WriteConfig(mock.provider().base_url(), "http://127.0.0.1:" + std::to_string(gateway.port()));
  ChildProcess serve;
  Result<std::string> url = StartServe(serve, config);
  ASSERT_OK(url);

  std::vector<std::pair<std::string, std::string>> outputs;  // (what, text)
  TestResponse flagger = Call("POST", *url + "/hooks/flagger");
  EXPECT_EQ(flagger.status, 412) << flagger.body;
  outputs.emplace_back("flagger body", flagger.body);
  outputs.emplace_back("argo body", Call("GET", *url + "/hooks/argo").body);
  outputs.emplace_back("run body", Call("POST", *url + "/run").body);
  outputs.emplace_back("401 body", Call("POST", *url + "/run", std::string(kToken) + "0").body);
  outputs.emplace_back("metrics", HttpGet(*url + "/metrics").body);
  EXPECT_EQ(Terminate(serve), 0) << serve.err();
  outputs.emplace_back("stdout", serve.out());
  outputs.emplace_back("stderr", serve.err());
  outputs.emplace_back("history.db", ReadOr(Db()));
  outputs.emplace_back("history.db-wal", ReadOr(Db() + "-wal"));
  outputs.emplace_back("history json",
                       RunRollgate({"history", "--config", config, "--format", "json"}).out);
  outputs.emplace_back("history table", RunRollgate({"history", "--config", config}).out);
  CliRun gate_json = RunRollgate({"history", "--config", config, "--run", "1"});
  outputs.emplace_back("history --run 1", gate_json.out);

  // The echoed key really was in a detail, and was scrubbed there.
  EXPECT_NE(flagger.body.find("Incorrect API key provided: [redacted]"), std::string::npos)
      << flagger.body;
  EXPECT_NE(gate_json.out.find("Incorrect API key provided: [redacted]"), std::string::npos)
      << gate_json.out;
  for (const std::string& secret :
       {std::string(kServeNewKey), std::string(kServeRollbackKey), std::string(kToken)}) {
    for (const std::string& needle : {secret, internal::Base64Encode(secret)}) {
      for (const auto& [what, text] : outputs) {
        EXPECT_EQ(text.find(needle), std::string::npos) << what << " carries " << needle;
      }
    }
  }
}

TEST_F(ServeE2eTest, ARealPrometheusScrapesTheGateResult) {
  std::string prometheus, promtool;
  ASSERT_NO_FATAL_FAILURE(RequireProgram("prometheus", &prometheus));
  ASSERT_NO_FATAL_FAILURE(RequireProgram("promtool", &promtool));
  MockServer mock(MockOptions());
  ASSERT_OK(mock.status());
  std::string config = WriteConfig(
      mock.provider().base_url(), mock.provider().base_url(),
      "schedule: {every: 10m, jitter: 0s, max_runs_per_day: 10, max_tokens_per_day: 100000}\n");
  ChildProcess serve;
  Result<std::string> url = StartServe(serve, config);
  ASSERT_OK(url);
  // The schedule's first run (at once) has finished when the runs counter moves.
  std::string metrics;
  ASSERT_TRUE(PollUntil(
      [&] {
        metrics = HttpGet(*url + "/metrics").body;
        return SampleValue(metrics,
                           "rollgate_runs_total{service=\"checkout-assistant\","
                           "decision=\"pass\"}") == 1;
      },
      std::chrono::seconds(30)))
      << metrics << serve.err();
  // The live exposition, histograms filled, is what promtool accepts.
  EXPECT_EQ(PromtoolProblems(promtool, metrics), "") << metrics;

  // Prometheus on its own free loopback port, its own storage, scraping serve every second.
  const std::string target = url->substr(std::string("http://").size());
  dir_.Write("prometheus.yml",
             "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}\n"
             "scrape_configs:\n"
             "  - job_name: rollgate\n"
             "    metrics_path: /metrics\n"
             "    static_configs: [{targets: ['" +
                 target + "']}]\n");
  std::unique_ptr<ChildProcess> prom;
  std::string prom_url;
  for (int attempt = 0; attempt < 3 && prom_url.empty(); ++attempt) {
    const int port = internal::FreeLoopbackPort().value_or(-1);
    ASSERT_GT(port, 0);
    prom = std::make_unique<ChildProcess>();
    ASSERT_OK(
        prom->Start({{prometheus, "--config.file=" + dir_.Join("prometheus.yml"),
                      "--storage.tsdb.path=" + dir_.Join("tsdb"),
                      "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=warn"},
                     {},
                     dir_.path()}));
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    auto exited = [&] { return prom->WaitForExit(std::chrono::milliseconds(0)).has_value(); };
    ASSERT_TRUE(PollUntil([&] { return exited() || HttpGet(base + "/-/ready").status == 200; },
                          std::chrono::seconds(60)))
        << "prometheus did not become ready: " << prom->err();
    if (exited()) {
      // Another process took the port between our check and its bind: try another one.
      ASSERT_NE(prom->err().find("address already in use"), std::string::npos) << prom->err();
      continue;
    }
    prom_url = base;
  }
  ASSERT_FALSE(prom_url.empty()) << prom->err();

  auto query = [&](const std::string& promql) {
    TestResponse r = HttpGet(prom_url + "/api/v1/query?query=" + promql);
    json j = json::parse(r.body, nullptr, false);
    return j.is_discarded() ? json() : j;
  };
  json result;
  ASSERT_TRUE(PollUntil(
      [&] {
        result = query("rollgate_gate_success");
        return result.is_object() && result["status"] == "success" &&
               !result["data"]["result"].empty();
      },
      std::chrono::seconds(60)))
      << result.dump() << "\nprometheus: " << prom->err();
  ASSERT_EQ(result["data"]["result"].size(), 1u) << result.dump();
  const json& sample = result["data"]["result"][0];
  EXPECT_EQ(sample["metric"]["service"], "checkout-assistant");
  EXPECT_EQ(sample["metric"]["job"], "rollgate");
  EXPECT_EQ(sample["value"][1], "1") << "the gate passed";

  json up = query("up%7Bjob%3D%22rollgate%22%7D");  // up{job="rollgate"}
  ASSERT_EQ(up["data"]["result"].size(), 1u) << up.dump();
  EXPECT_EQ(up["data"]["result"][0]["value"][1], "1");
  json checks = query("rollgate_check_success%7Brelease%3D%22rollback%22%7D");
  EXPECT_GE(checks["data"]["result"].size(), 5u) << checks.dump();
  json durations = query("rollgate_probe_duration_seconds_count%7Bphase%3D%22total%22%7D");
  EXPECT_EQ(durations["data"]["result"].size(), 2u) << durations.dump();  // new and rollback

  prom->Stop();
  EXPECT_EQ(Terminate(serve), 0) << serve.err();
}

}  // namespace
}  // namespace rollgate::testing
