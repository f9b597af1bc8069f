// The invalid-token call through the app's own client (issue 13 item 5), end to end: the built
// `rollgate check` runs an exec release (the smoke command) and an http release (the smoke
// route) once more with a fresh invalid key as ROLLGATE_SMOKE_API_KEY /
// X-Rollgate-Smoke-Api-Key, and judges what the app reported. The sample app implements the
// call; stubs play an app that returns content for the invalid key, one that ignores the key,
// and one that does not implement the call yet. The invalid key never appears in any output.
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/secret.h"
#include "e2e/e2e_util.h"
#include "e2e/raw_http_server.h"
#include "examples/sample_app_util.h"
#include "testutil/child_process.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/wait_until.h"

namespace rollgate::testing {
namespace {

using nlohmann::json;

constexpr char kNegAppKey[] = "sk-negapp-configured-5c1e9a7b3d2f4086";
constexpr char kNegAppInvalidPrefix[] = "sk-rollgate-negative-auth-invalid";
constexpr char kNegAppSuccess[] =
    R"({"status":200,"content":"{\"ok\":true,\"label\":\"rollback-smoke\"}","finish_reason":"stop")";

// What a stub app does with the invalid-token call.
enum class NegAppStub {
  kContent,  // says it used the key, and reports content (a client that hides the 401)
  kIgnores,  // speaks the current protocol (`client`) but calls with its own key: success
  kOld,      // the protocol before the call: no `client`, no acknowledgement, success
};

// Gone, or a zombie nobody reaps yet (an orphan in a container whose init does not reap).
bool NegAppProcessGone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  std::size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

std::string NegAppStubAnswer(NegAppStub stub, bool invalid_call) {
  std::string out = kNegAppSuccess;
  if (stub != NegAppStub::kOld)
    out += R"(,"client":{"user_agent":"stub/1","sdk":"stub","sdk_version":"1"})";
  if (stub == NegAppStub::kContent && invalid_call) out += R"(,"smoke_api_key_used":true)";
  return out + "}";
}

class AppNegativeAuthE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mock::MockOptions o;
    o.keys = {kNegAppKey};
    StartMock(o);
    dir_.Write("contract.yaml",
               "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
               "/v1/chat/completions}\n");
    json app = SampleAppConfig("2.4.0");
    app.erase("log_file");
    app.erase("log_fields");
    dir_.Write("app/app.json", app.dump(2));
  }

  void StartMock(const mock::MockOptions& o) {
    mock_.reset();
    mock_ = std::make_unique<MockServer>(o);
    ASSERT_OK(mock_->status());
  }

  std::vector<std::string> Env() const {
    return {"SAMPLE_APP_BASE_URL=" + mock_->Url(""), std::string("SAMPLE_APP_KEY=") + kNegAppKey,
            "NO_COLOR=1"};
  }

  // A config whose release `new` is `release_yaml` (indented four spaces), checked alone.
  CliRun Check(const std::string& release_yaml, const std::vector<std::string>& extra_env = {}) {
    std::string config = dir_.Write("rollgate.yaml",
                                    "service: negapp\ncontract: contract.yaml\nreleases:\n"
                                    "  new:\n    version: '2.4.0'\n" +
                                        release_yaml +
                                        "  rollback:\n    version: '2.3.1'\n"
                                        "    probe: exec\n    command: ['true']\n");
    CliRun run = RunRollgate(
        {"check", "--config", config, "--release", "new", "--evidence-dir", dir_.Join("ev")}, [&] {
          std::vector<std::string> env = Env();
          env.insert(env.end(), extra_env.begin(), extra_env.end());
          return env;
        }());
    outputs_.push_back({"stdout", run.out});
    outputs_.push_back({"stderr", run.err});
    return run;
  }

  std::string Exec(const std::vector<std::string>& argv) {
    std::string yaml = "    probe: exec\n    command_timeout_ms: 20000\n    command: [";
    for (std::size_t i = 0; i < argv.size(); ++i) yaml += (i ? ", '" : "'") + argv[i] + "'";
    return yaml + "]\n";
  }

  std::string Http(const std::string& url) {
    return "    probe: http\n    url: '" + url + "/smoke'\n    timeout_ms: 20000\n";
  }

  // A shell stub for `stub`: it records the key it was handed, echoes it to stderr (a hostile
  // app) and answers.
  std::string ExecStub(NegAppStub stub) {
    std::string script =
        "#!/bin/sh\nif [ -n \"$ROLLGATE_SMOKE_API_KEY\" ]; then\n"
        "  printf '%s' \"$ROLLGATE_SMOKE_API_KEY\" > '" +
        dir_.Join("seen_key") +
        "'\n"
        "  echo \"calling with $ROLLGATE_SMOKE_API_KEY\" >&2\n"
        "  echo '" +
        NegAppStubAnswer(stub, true) +
        "'\nelse\n"
        "  echo '" +
        NegAppStubAnswer(stub, false) + "'\nfi\n";
    return dir_.Write("stub.sh", script);
  }

  // The same stub as an http smoke route.
  std::unique_ptr<RawHttpServer> HttpStub(NegAppStub stub) {
    auto server = std::make_unique<RawHttpServer>([this, stub](const RawRequest& req) {
      std::string key = req.Header("X-Rollgate-Smoke-Api-Key");
      if (!key.empty()) {
        std::lock_guard<std::mutex> lock(mu_);
        http_seen_key_ = key;
      }
      std::string body = NegAppStubAnswer(stub, !key.empty());
      return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Release-Version: "
             "2.4.0\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    });
    EXPECT_OK(server->Start());
    return server;
  }

  std::string StubUrl(const RawHttpServer& server) {
    return "http://127.0.0.1:" + std::to_string(server.port());
  }

  json NegativeAuthGate() {
    json j = json::parse(ReadOr(dir_.Join("ev/gate.json")), nullptr, false);
    if (j.is_discarded()) return json();
    for (const auto& g : j["gates"]) {
      if (g["id"] == "negative_auth") return g;
    }
    return json();
  }

  // The invalid key the stub was handed (exec: its file; http: the route's header).
  std::string SeenKey() {
    std::string from_file = ReadOr(dir_.Join("seen_key"));
    if (!from_file.empty()) return from_file;
    std::lock_guard<std::mutex> lock(mu_);
    return http_seen_key_;
  }

  // Neither the invalid key (nor its prefix: it is masked whole) nor the configured key is in
  // the console or any evidence file.
  void ExpectNoKeyAnywhere(const std::string& invalid_key) {
    std::vector<std::pair<std::string, std::string>> all = outputs_;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.Join("ev"))) {
      if (entry.is_regular_file())
        all.push_back({entry.path().string(), ReadOr(entry.path().string())});
    }
    for (const auto& [name, text] : all) {
      EXPECT_EQ(text.find(kNegAppInvalidPrefix), std::string::npos) << name << ":\n" << text;
      EXPECT_EQ(text.find(kNegAppKey), std::string::npos) << name;
      if (!invalid_key.empty()) {
        EXPECT_EQ(text.find(invalid_key.substr(20)), std::string::npos) << name;
      }
    }
  }

  TempDir dir_;
  std::unique_ptr<MockServer> mock_;
  std::vector<std::pair<std::string, std::string>> outputs_;
  std::mutex mu_;
  std::string http_seen_key_;
};

TEST_F(AppNegativeAuthE2eTest, SampleAppExecPassesThroughItsOwnClient) {
  CliRun run = Check(Exec({ROLLGATE_SAMPLE_APP, "smoke", "--config", dir_.Join("app/app.json")}));
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "pass") << gate.dump() << run.out << run.err;
  EXPECT_NE(gate["detail"].get<std::string>().find(
                "new's own client treated the invalid key as an error: 401"),
            std::string::npos)
      << gate.dump();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  // The smoke used the configured key once; the invalid-token call never did.
  EXPECT_EQ(mock_->provider().observations(mock::ObservationQuery::Key(kNegAppKey)).requests, 1);
  EXPECT_EQ(mock_->provider().stats().by_status[401], 1);
  ExpectNoKeyAnywhere("");
}

// A ROLLGATE_SMOKE_API_KEY left in rollgate's own environment does not reach the smoke call.
TEST_F(AppNegativeAuthE2eTest, AStraySmokeKeyInRollgatesEnvironmentDoesNotReachTheSmoke) {
  CliRun run = Check(Exec({ROLLGATE_SAMPLE_APP, "smoke", "--config", dir_.Join("app/app.json")}),
                     {"ROLLGATE_SMOKE_API_KEY=sk-stray-left-in-the-shell-0000"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(NegativeAuthGate()["status"], "pass");
  EXPECT_EQ(mock_->provider().observations(mock::ObservationQuery::Key(kNegAppKey)).requests, 1);
}

TEST_F(AppNegativeAuthE2eTest, SampleAppHttpPassesThroughItsOwnClient) {
  ChildProcess app;
  ASSERT_OK(app.Start({{ROLLGATE_SAMPLE_APP, "serve", "--config", dir_.Join("app/app.json"),
                        "--listen", "127.0.0.1:0"},
                       Env(),
                       ""}));
  Result<std::string> ready = app.WaitForLine("sample_app listening on ");
  ASSERT_OK(ready);
  std::string url = ready->substr(std::string("sample_app listening on ").size());
  CliRun run = Check(Http(url));
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "pass") << gate.dump() << run.out << run.err;
  EXPECT_NE(gate["detail"].get<std::string>().find("401"), std::string::npos) << gate.dump();
  EXPECT_EQ(mock_->provider().observations(mock::ObservationQuery::Key(kNegAppKey)).requests, 1);
  EXPECT_EQ(mock_->provider().stats().by_status[401], 1);
  ExpectNoKeyAnywhere("");
}

TEST_F(AppNegativeAuthE2eTest, SampleAppAgainstAProviderAcceptingAnyKeyFailsOnContent) {
  mock::MockOptions o;
  o.scenario = "accept-any-key";
  StartMock(o);
  CliRun run = Check(Exec({ROLLGATE_SAMPLE_APP, "smoke", "--config", dir_.Join("app/app.json")}));
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "fail") << gate.dump();
  EXPECT_EQ(gate["detail"].get<std::string>().rfind(
                "content from an invalid key: new's app (smoke command)", 0),
            0u)
      << gate.dump();
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  ExpectNoKeyAnywhere("");
}

TEST_F(AppNegativeAuthE2eTest, ExecStubReportingContentFailsAndItsEchoOfTheKeyIsScrubbed) {
  CliRun run = Check(Exec({"sh", ExecStub(NegAppStub::kContent)}));
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "fail") << gate.dump();
  EXPECT_NE(gate["detail"].get<std::string>().find("content from an invalid key"),
            std::string::npos);
  std::string key = SeenKey();
  EXPECT_EQ(key.rfind(kNegAppInvalidPrefix, 0), 0u) << key;
  EXPECT_GE(key.size(), std::string(kNegAppInvalidPrefix).size() + 32);
  ExpectNoKeyAnywhere(key);
}

TEST_F(AppNegativeAuthE2eTest, HttpStubReportingContentFails) {
  std::unique_ptr<RawHttpServer> stub = HttpStub(NegAppStub::kContent);
  CliRun run = Check(Http(StubUrl(*stub)));
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "fail") << gate.dump() << run.out << run.err;
  EXPECT_EQ(gate["detail"].get<std::string>().rfind(
                "content from an invalid key: new's app (smoke route)", 0),
            0u)
      << gate.dump();
  ExpectNoKeyAnywhere(SeenKey());
}

TEST_F(AppNegativeAuthE2eTest, ExecStubIgnoringTheKeyFails) {
  CliRun run = Check(Exec({"sh", ExecStub(NegAppStub::kIgnores)}));
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "fail") << gate.dump();
  std::string detail = gate["detail"];
  EXPECT_EQ(detail.rfind("the app ignored ROLLGATE_SMOKE_API_KEY: ", 0), 0u) << detail;
  EXPECT_NE(detail.find("its call succeeded with its own key"), std::string::npos) << detail;
  EXPECT_EQ(run.exit_code, 1);
  ExpectNoKeyAnywhere(SeenKey());
}

TEST_F(AppNegativeAuthE2eTest, HttpStubIgnoringTheKeyFails) {
  std::unique_ptr<RawHttpServer> stub = HttpStub(NegAppStub::kIgnores);
  CliRun run = Check(Http(StubUrl(*stub)));
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "fail") << gate.dump() << run.out << run.err;
  EXPECT_EQ(
      gate["detail"].get<std::string>().rfind("the app ignored X-Rollgate-Smoke-Api-Key: ", 0), 0u)
      << gate.dump();
  ExpectNoKeyAnywhere(SeenKey());
}

TEST_F(AppNegativeAuthE2eTest, ExecAppWithoutTheCallSkipsWithTheSentenceToAdd) {
  CliRun run = Check(Exec({"sh", ExecStub(NegAppStub::kOld)}));
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "skip") << gate.dump();
  std::string detail = gate["detail"];
  EXPECT_NE(detail.find("not run through new's app (smoke command): it does not implement the "
                        "invalid-token call"),
            std::string::npos)
      << detail;
  EXPECT_NE(
      detail.find(
          "To add it: when ROLLGATE_SMOKE_API_KEY is set, make the smoke command call the provider "
          "with that key instead of its configured one and add \"smoke_api_key_used\": true to its "
          "JSON line"),
      std::string::npos)
      << detail;
  EXPECT_NE(run.out.find("smoke_api_key_used"), std::string::npos)
      << run.out;  // on the console too
  ExpectNoKeyAnywhere(SeenKey());
}

TEST_F(AppNegativeAuthE2eTest, HttpAppWithoutTheCallSkipsWithTheSentenceToAdd) {
  std::unique_ptr<RawHttpServer> stub = HttpStub(NegAppStub::kOld);
  CliRun run = Check(Http(StubUrl(*stub)));
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "skip") << gate.dump() << run.out << run.err;
  EXPECT_NE(
      gate["detail"].get<std::string>().find(
          "To add it: when the X-Rollgate-Smoke-Api-Key header is sent, make the smoke route call"),
      std::string::npos)
      << gate.dump();
  EXPECT_EQ(SeenKey().rfind(kNegAppInvalidPrefix, 0), 0u);  // the header was sent
  ExpectNoKeyAnywhere(SeenKey());
}

TEST_F(AppNegativeAuthE2eTest, TheInvalidKeyIsFreshEveryRun) {
  Check(Exec({"sh", ExecStub(NegAppStub::kOld)}));
  std::string first = SeenKey();
  std::filesystem::remove(dir_.Join("seen_key"));
  Check(Exec({"sh", ExecStub(NegAppStub::kOld)}));
  std::string second = SeenKey();
  EXPECT_EQ(first.rfind(kNegAppInvalidPrefix, 0), 0u) << first;
  EXPECT_EQ(second.rfind(kNegAppInvalidPrefix, 0), 0u) << second;
  EXPECT_NE(first, second);
}

TEST_F(AppNegativeAuthE2eTest, WithABaseUrlBothTheDirectCallAndTheCallThroughTheAppRun) {
  CliRun run =
      Check(Exec({ROLLGATE_SAMPLE_APP, "smoke", "--config", dir_.Join("app/app.json")}) +
            "    base_url: '" + mock_->Url("") + "'\n    api_key: {env: SAMPLE_APP_KEY}\n");
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "pass") << gate.dump() << run.out << run.err;
  std::string detail = gate["detail"];
  EXPECT_NE(detail.find("rejected the invalid token with 401"), std::string::npos)
      << detail;  // direct
  EXPECT_NE(detail.find("new's own client treated the invalid key as an error"), std::string::npos)
      << detail;
  EXPECT_EQ(mock_->provider().stats().by_status[401], 2);
  ExpectNoKeyAnywhere("");
}

// Only the invalid-token call hangs (the smoke answers): command_timeout_ms bounds it, and the
// gate says the call through the app failed.
TEST_F(AppNegativeAuthE2eTest, AHangingExecInvalidTokenCallIsBoundedByTheCommandTimeout) {
  std::string stub =
      dir_.Write("hang.sh",
                 "#!/bin/sh\nif [ -n \"$ROLLGATE_SMOKE_API_KEY\" ]; then exec sleep 1000; fi\n"
                 "echo '" +
                     NegAppStubAnswer(NegAppStub::kIgnores, false) + "'\n");
  CliRun run;
  double ms = ElapsedMs([&] {
    run =
        Check("    probe: exec\n    command_timeout_ms: 1000\n    command: [sh, '" + stub + "']\n");
  });
  EXPECT_LT(ms, 15000) << run.out << run.err;
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "fail") << gate.dump();
  std::string detail = gate["detail"];
  EXPECT_EQ(detail.rfind("the invalid-token call through new's app (smoke command) failed: ", 0),
            0u)
      << detail;
  EXPECT_NE(detail.find("command_timeout_ms"), std::string::npos) << detail;
  ExpectNoKeyAnywhere("");
}

// The http route hangs on the invalid-token call only: the release's timeout_ms bounds it.
TEST_F(AppNegativeAuthE2eTest, AHangingHttpInvalidTokenCallIsBoundedByTheTimeout) {
  std::mutex mu;
  std::condition_variable cv;
  bool release_hang = false;
  RawHttpServer server([&](const RawRequest& req) {
    bool invalid = !req.Header("X-Rollgate-Smoke-Api-Key").empty();
    if (invalid) {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_for(lock, std::chrono::seconds(20), [&] { return release_hang; });
    }
    std::string body = NegAppStubAnswer(NegAppStub::kIgnores, invalid);
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Release-Version: "
           "2.4.0\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  });
  ASSERT_OK(server.Start());
  CliRun run;
  double ms = ElapsedMs([&] {
    run =
        Check("    probe: http\n    url: '" + StubUrl(server) + "/smoke'\n    timeout_ms: 1000\n");
  });
  {
    std::lock_guard<std::mutex> lock(mu);
    release_hang = true;
  }
  cv.notify_all();
  server.Stop();
  EXPECT_LT(ms, 15000) << run.out << run.err;
  json gate = NegativeAuthGate();
  EXPECT_EQ(gate["status"], "fail") << gate.dump();
  EXPECT_EQ(
      gate["detail"].get<std::string>().rfind(
          "the invalid-token call through new's app (smoke route) failed: the smoke route", 0),
      0u)
      << gate.dump();
}

// SIGINT while only the invalid-token call is running: rollgate stops it with its process
// group, exits 130 within a second and writes the interrupted evidence.
TEST_F(AppNegativeAuthE2eTest, SigintStopsTheExecInvalidTokenCall) {
  std::string pids = dir_.Join("neg.pids");
  std::string stub = dir_.Write(
      "hang.sh",
      "#!/bin/sh\nif [ -n \"$ROLLGATE_SMOKE_API_KEY\" ]; then sleep 1000 & echo $$ $! > '" + pids +
          "'; wait; fi\necho '" + NegAppStubAnswer(NegAppStub::kIgnores, false) + "'\n");
  std::string config = dir_.Write(
      "rollgate.yaml",
      "service: negapp\ncontract: contract.yaml\nreleases:\n  new:\n    version: '2.4.0'\n"
      "    probe: exec\n    command_timeout_ms: 60000\n    command: [sh, '" +
          stub +
          "']\n"
          "  rollback:\n    version: '2.3.1'\n    probe: exec\n    command: ['true']\n");
  ChildProcess check;
  ASSERT_OK(check.Start({{ROLLGATE_BINARY, "check", "--config", config, "--release", "new",
                          "--evidence-dir", dir_.Join("ev")},
                         Env(),
                         ""}));
  std::vector<pid_t> started;
  ASSERT_TRUE(WaitUntil(
      [&] {
        std::istringstream in(ReadOr(pids));
        pid_t shell = 0, sleeper = 0;
        if (!(in >> shell >> sleeper)) return false;
        started = {shell, sleeper};
        return true;
      },
      std::chrono::seconds(20)))
      << check.out() << check.err();
  auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(check.Signal(SIGINT));
  std::optional<ChildExit> exit = check.WaitForExit(std::chrono::seconds(30));
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count();
  ASSERT_TRUE(exit.has_value()) << check.err();
  EXPECT_EQ(exit->exit_code, 130) << check.out() << check.err();
  EXPECT_LT(ms, 1000);
  for (pid_t pid : started) {
    EXPECT_TRUE(WaitUntil([&] { return NegAppProcessGone(pid); }, std::chrono::seconds(5)))
        << "process " << pid << " of the invalid-token call is still running";
  }
  json gate_json = json::parse(ReadOr(dir_.Join("ev/gate.json")), nullptr, false);
  ASSERT_TRUE(gate_json.is_object());
  EXPECT_EQ(gate_json.value("interrupted", false), true);
  EXPECT_EQ(gate_json["decision"], "block");
  outputs_.push_back({"stdout", check.out()});
  outputs_.push_back({"stderr", check.err()});
  ExpectNoKeyAnywhere("");
}

}  // namespace
}  // namespace rollgate::testing
