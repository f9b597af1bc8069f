// The rollback switch drill end to end, through a real route: the built `rollgate drill` moves a
// real nginx (Debian's, unprivileged-safe: every path it writes is in a temp dir) between two
// instances of the sample app, old release 2.3.1 (examples/sample_app/v1) and new release 2.4.0
// (v2), each behind its own `rollgate mock` with its own key. The switch actions are commands
// (tests/drill/switch_upstream.sh: rewrite nginx's upstream file, `nginx -s reload`), the
// user-facing path is nginx's /smoke and route convergence is polled on nginx's /version.
//
//   rollgate drill --> switch_upstream.sh --> upstream.conf + nginx -s reload
//        |                                           |
//        +-- GET /smoke, /version --> nginx --+--> sample_app 2.3.1 --> rollgate mock (old key)
//                                             +--> sample_app 2.4.0 --> rollgate mock (new key)
//
// Each case asserts the exit code, the steps in gate.json (order, status, recovery), the
// rollback_switch_drill gate, drill.route_left_on, and what nginx really serves at the end.
// Every server listens on 127.0.0.1 (port 0, or a free port for nginx); nothing waits by
// sleeping: servers are awaited on their ready line, nginx by polling its /version (bounded).
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/net.h"
#include "config/loader.h"
#include "e2e/e2e_util.h"
#include "testutil/child_process.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/test_http_client.h"
#include "testutil/wait_until.h"

namespace rollgate::testing {
namespace nginx_drill {

using nlohmann::json;

inline constexpr char kOldVersion[] = "2.3.1";
inline constexpr char kNewVersion[] = "2.4.0";
inline constexpr char kOldKey[] = "sk-nginx-drill-old-5f1c9a2e7b04";
inline constexpr char kNginxNewKey[] = "sk-nginx-drill-new-83d6b0e4a9c1";
inline constexpr char kStaleKey[] = "sk-nginx-drill-stale-0a7e31c95d22";  // accepted by no provider
inline constexpr char kSwitchScript[] = ROLLGATE_SOURCE_DIR "/tests/drill/switch_upstream.sh";

// $NGINX_BIN, else Debian's /usr/sbin/nginx (package nginx-light, which scripts/bootstrap.sh
// --test installs).
inline std::string NginxBinary() {
  const char* env = std::getenv("NGINX_BIN");
  return env && *env ? env : "/usr/sbin/nginx";
}

// A port that was free a moment ago (nginx cannot report the port it picked for port 0). The
// caller retries with another one when nginx finds it taken after all.

// How many live processes have `parent` as their parent (from /proc/*/stat).
inline int ChildCount(pid_t parent) {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    std::size_t close = stat.rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = -1;
    if (std::sscanf(stat.c_str() + close + 1, " %c %ld", &state, &ppid) == 2 && ppid == parent &&
        state != 'Z') {
      ++n;
    }
  }
  return n;
}

inline std::string YamlQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

inline std::string YamlArgv(const std::vector<std::string>& argv) {
  std::string out = "[";
  for (std::size_t i = 0; i < argv.size(); ++i) out += (i ? ", " : "") + YamlQuote(argv[i]);
  return out + "]";
}

// The drill's steps in gate.json, in order, as "1:pass ... 5:fail 6r:pass" (r: a recovery step).
inline std::string StepsOf(const json& gate) {
  std::string out;
  if (!gate.is_object() || !gate.contains("drill")) return "(no drill in gate.json)";
  for (const auto& s : gate["drill"]["steps"]) {
    if (!out.empty()) out += " ";
    out += std::to_string(s["step"].get<int>()) + (s.value("recovery", false) ? "r" : "") + ":" +
           s["status"].get<std::string>();
  }
  return out;
}

inline const json* StepOf(const json& gate, int number, bool recovery = false) {
  if (!gate.is_object() || !gate.contains("drill")) return nullptr;
  for (const auto& s : gate["drill"]["steps"]) {
    if (s["step"] == number && s.value("recovery", false) == recovery) return &s;
  }
  return nullptr;
}

inline const json* GateOf(const json& gate, const std::string& id) {
  if (!gate.is_object() || !gate.contains("gates")) return nullptr;
  for (const auto& g : gate["gates"]) {
    if (g["id"] == id) return &g;
  }
  return nullptr;
}

inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Milliseconds a gate.json step took ("2026-11-25T09:17:59.206Z" stamps; within one day).
inline double StepMs(const json& step) {
  auto ms_of_day = [](const std::string& iso) {
    int h = 0, m = 0, sec = 0, ms = 0;
    std::sscanf(iso.c_str() + iso.find('T') + 1, "%d:%d:%d.%d", &h, &m, &sec, &ms);
    return ((h * 60 + m) * 60 + sec) * 1000.0 + ms;
  };
  return ms_of_day(step["finished_at"]) - ms_of_day(step["started_at"]);
}

// `text` with every `{name}` replaced by its value.
inline std::string Fill(std::string text,
                        const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    const std::string key = "{" + name + "}";
    for (std::size_t at = text.find(key); at != std::string::npos;
         at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

class NginxDrillTest : public ::testing::Test {
 protected:
  // Both providers, the old app, and nginx routing to it: the state before a drill.
  void SetUp() override {
    ASSERT_EQ(::access(NginxBinary().c_str(), X_OK), 0)
        << NginxBinary() << " is missing: the nginx drill tests need Debian's nginx; run "
        << "`scripts/bootstrap.sh --test` (or set NGINX_BIN to an nginx binary)";
    old_mock_url_ = StartMock(kOldKey);
    new_mock_url_ = StartMock(kNginxNewKey);
    ASSERT_FALSE(old_mock_url_.empty() || new_mock_url_.empty());
    old_app_ = StartApp("v1", old_mock_url_, kOldKey);
    ASSERT_FALSE(old_app_.empty());
    ASSERT_NO_FATAL_FAILURE(StartNginx(old_app_));
  }

  // `rollgate mock` accepting only `key`; returns its base URL ("" after a failure).
  std::string StartMock(const std::string& key) {
    auto& child = Spawn({ROLLGATE_BINARY, "mock", "--listen", "127.0.0.1:0", "--key", key}, {});
    const std::string ready = "rollgate mock listening on ";
    Result<std::string> line = child.WaitForLine(ready);
    EXPECT_OK(line);
    return line.ok() ? line->substr(ready.size()) : "";
  }

  // `sample_app serve` with its own copy of examples/sample_app/<release>/app.json (so its log
  // lands in the temp dir), calling `provider` with `key`; returns its host:port ("" after a
  // failure).
  std::string StartApp(const std::string& release, const std::string& provider,
                       const std::string& key) {
    std::string text =
        ReadOr(std::string(ROLLGATE_SOURCE_DIR) + "/examples/sample_app/" + release + "/app.json");
    EXPECT_FALSE(text.empty());
    std::string config = dir_.Write("app-" + std::to_string(children_.size()) + "/app.json", text);
    auto& child =
        Spawn({ROLLGATE_SAMPLE_APP, "serve", "--config", config, "--listen", "127.0.0.1:0"},
              {"SAMPLE_APP_BASE_URL=" + provider, "COMETAPI_KEY=" + key});
    const std::string ready = "sample_app listening on http://";
    Result<std::string> line = child.WaitForLine(ready);
    EXPECT_OK(line);
    return line.ok() ? line->substr(ready.size()) : "";
  }

  ChildProcess& Spawn(std::vector<std::string> argv, std::vector<std::string> env) {
    children_.push_back(std::make_unique<ChildProcess>());
    ChildOptions o;
    o.argv = std::move(argv);
    o.env = std::move(env);
    EXPECT_OK(children_.back()->Start(o));
    return *children_.back();
  }

  // nginx as a non-daemon master in the foreground, everything it writes under dir_/nginx,
  // proxying to the upstream in upstream.conf (first pointing at `app`). Ready once its /version
  // answers through that upstream.
  void StartNginx(const std::string& app) {
    prefix_ = dir_.Join("nginx");
    upstream_ = prefix_ + "/upstream.conf";
    conf_ = prefix_ + "/nginx.conf";
    dir_.Write("nginx/upstream.conf", "upstream app {\n    server " + app + ";\n}\n");
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = internal::FreeLoopbackPort().value_or(-1);
      ASSERT_GT(port_, 0);
      dir_.Write("nginx/nginx.conf", NginxConf(port_));
      nginx_ = std::make_unique<ChildProcess>();
      ChildOptions o;
      o.argv = {NginxBinary(), "-e", prefix_ + "/error.log", "-p", prefix_, "-c", conf_};
      o.argv.insert(o.argv.end(), {"-g", "daemon off; master_process on;"});
      ASSERT_OK(nginx_->Start(o));
      bool ready = WaitUntil(
          [&] {
            if (nginx_->WaitForExit(std::chrono::milliseconds(0))) return true;
            TestResponse r = Fetch({"GET", Url("/version"), {}, "", 1000});
            return r.status == 200 && r.Header("X-Release-Version") != nullptr;
          },
          std::chrono::seconds(10));
      if (ready && !nginx_->WaitForExit(std::chrono::milliseconds(0))) return;
      std::string why = nginx_->err() + ReadOr(prefix_ + "/error.log");
      nginx_.reset();
      ASSERT_TRUE(Contains(why, "Address already in use")) << "nginx did not start:\n" << why;
    }
    FAIL() << "nginx found three free ports taken in a row";
  }

  // Every path nginx writes (pid, logs, all temp paths) is under the prefix in the temp dir.
  std::string NginxConf(int port) const {
    // A root master would hand its workers to `nobody`, who cannot enter the 0700 temp dir.
    std::string user = ::geteuid() == 0 ? "user root;\n" : "";
    return user + Fill(R"(worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log notice;
events { worker_connections 64; }
http {
  access_log {dir}/access.log;
  client_body_temp_path {dir}/client_body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  include {upstream};
  server {
    listen 127.0.0.1:{port};
    location / {
      proxy_pass http://app;
      proxy_connect_timeout 2s;
    }
  }
}
)",
                       {{"dir", prefix_}, {"upstream", upstream_}, {"port", std::to_string(port)}});
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // The switch action: point nginx's upstream at `addr` (written to `file`) and reload.
  std::vector<std::string> SwitchTo(const std::string& addr, const std::string& file = "") const {
    return {kSwitchScript, file.empty() ? upstream_ : file, addr, prefix_, conf_};
  }

  static std::string HttpRelease(const std::string& version, const std::string& app) {
    return "    version: '" + version + "'\n    probe: http\n    url: http://" + app + "/smoke\n";
  }
  static std::string DirectRelease(const std::string& version, const std::string& provider,
                                   const std::string& key, const std::string& model) {
    return "    version: '" + version + "'\n    base_url: " + provider + "\n    api_key: " + key +
           "\n    model: " + model + "\n";
  }

  struct DrillSetup {
    std::string new_release;  // the YAML body of releases.new
    std::string rollback_release;
    std::vector<std::string> to_new;
    std::vector<std::string> to_rollback;
    int settle_timeout_ms = 10000;  // an upper bound: a healthy switch settles in ~0.1 s
  };

  // The steps-1/2 probes of both releases go straight to each app's own /smoke (probe: http).
  DrillSetup HealthySetup(const std::string& new_app) const {
    return {HttpRelease(kNewVersion, new_app), HttpRelease(kOldVersion, old_app_),
            SwitchTo(new_app), SwitchTo(old_app_)};
  }

  // Writes the drill config (rollgate.yaml in the temp dir) and returns its path.
  std::string WriteDrillConfig(const DrillSetup& s) {
    dir_.Write("contract.yaml",
               "reviewed_on: 2026-11-20\nmax_age_days: 36500\n"
               "endpoint: {method: POST, path: /v1/chat/completions}\n");
    std::string config =
        dir_.Write("rollgate.yaml", Fill(R"(service: nginx-drill
contract: contract.yaml
expect_differences: [model, key_fingerprint, endpoint_host]  # two mocks, two ports
releases:
  new:
{new}  rollback:
{rollback}drill:
  switch:
    to_new: {to_new}
    to_rollback: {to_rollback}
  user_facing: {url: '{nginx}/smoke', version_header: X-Release-Version}
  settle: {url: '{nginx}/version', timeout_ms: {settle_ms}, poll_ms: 50}
  action_timeout_ms: 10000
)",
                                         {{"new", s.new_release},
                                          {"rollback", s.rollback_release},
                                          {"to_new", YamlArgv(s.to_new)},
                                          {"to_rollback", YamlArgv(s.to_rollback)},
                                          {"nginx", Url("")},
                                          {"settle_ms", std::to_string(s.settle_timeout_ms)}}));
    return config;
  }

  // `rollgate drill` over WriteDrillConfig(s), evidence in dir_/evidence (emptied first).
  std::vector<std::string> DrillArgv(const DrillSetup& s) {
    std::string config = WriteDrillConfig(s);
    std::filesystem::remove_all(Evidence());
    return {ROLLGATE_BINARY, "drill", "--config", config, "--evidence-dir", Evidence()};
  }
  std::vector<std::string> DrillEnv() const { return {"NGINX_BIN=" + NginxBinary(), "NO_COLOR=1"}; }
  std::string Evidence() const { return dir_.Join("evidence"); }
  // Reads the drill's gate.json into gate_.
  void LoadGate() { gate_ = json::parse(ReadOr(Evidence() + "/gate.json"), nullptr, false); }

  // Writes the drill config and runs the real binary to its end; gate.json lands in gate_.
  CliRun Drill(const DrillSetup& s) {
    std::vector<std::string> argv = DrillArgv(s);
    CliRun run = RunRollgate({argv.begin() + 1, argv.end()}, DrillEnv());
    LoadGate();
    return run;
  }

  // What nginx serves now, once a reload in flight has finished: the previous workers keep
  // accepting for ~100 ms after `nginx -s reload`, so first wait (bounded) until the master has
  // only its one worker left.
  std::string ServedVersion() {
    EXPECT_TRUE(WaitUntil([&] { return ChildCount(nginx_->pid()) == 1; }, std::chrono::seconds(10)))
        << "nginx still has " << ChildCount(nginx_->pid()) << " workers";
    TestResponse r = HttpGet(Url("/version"));
    const std::string* v = r.Header("X-Release-Version");
    return v ? *v : "(status " + std::to_string(r.status) + ", no version header)";
  }

  // Evidence common to every case: the decision, and steps that each have a detail and finished
  // no earlier than they started, in time order.
  void ExpectEvidence(const std::string& decision) {
    ASSERT_TRUE(gate_.is_object()) << "no readable gate.json";
    EXPECT_EQ(gate_["decision"], decision);
    ASSERT_TRUE(gate_.contains("drill"));
    std::string previous_start;
    for (const auto& s : gate_["drill"]["steps"]) {
      std::string started = s["started_at"], finished = s["finished_at"];
      EXPECT_LE(started, finished) << s.dump();
      EXPECT_LE(previous_start, started) << s.dump();
      EXPECT_FALSE(s["detail"].get<std::string>().empty()) << s.dump();
      previous_start = started;
    }
  }

  std::string Detail(const json* step_or_gate) const {
    return step_or_gate ? (*step_or_gate)["detail"].get<std::string>() : "(absent)";
  }

  std::string Diagnostics(const CliRun& run) const {
    return "rollgate stdout:\n" + run.out + "\nrollgate stderr:\n" + run.err +
           "\nnginx error.log:\n" + ReadOr(prefix_ + "/error.log");
  }

  TempDir dir_;  // first: removed after every process below has stopped
  std::vector<std::unique_ptr<ChildProcess>> children_;  // mocks and apps
  std::unique_ptr<ChildProcess> nginx_;                  // stopped first (SIGTERM to its group)
  std::string old_mock_url_, new_mock_url_, old_app_;
  std::string prefix_, conf_, upstream_;
  int port_ = 0;
  json gate_;
};

}  // namespace nginx_drill
}  // namespace rollgate::testing
