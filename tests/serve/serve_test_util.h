// In-process `rollgate serve` for tests: a ServeService on 127.0.0.1:0 with a fake gate (the
// test decides pass, block, error and token usage, and can hold a run in flight), a fake clock
// and a fake schedule timer, and every log line captured.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rollgate/config.h"
#include "serve/fake_schedule_timer.h"
#include "serve/serve_service.h"
#include "store/history_test_util.h"
#include "testutil/fake_environment.h"
#include "testutil/temp_dir.h"
#include "testutil/test_http_client.h"
#include "testutil/wait_until.h"

namespace rollgate::testing {

inline constexpr char kServeToken[] = "serve-token-5d1e9a7c3b0f4286";
// A key the fake gate "resolved": it writes it into a check detail and hands it to the run's
// redactor, as the real pipeline does, so every output can be searched for it.
inline constexpr char kFakeRunKey[] = "gw-fake-run-key-8c2e6a0d4f1b3957";

/// The gate run the test steers. Thread-safe.
class FakeGate {
 public:
  explicit FakeGate(const internal::Clock& clock) : clock_(clock) {}

  internal::GateRunner Runner() {
    return [this](internal::RunControl& control, RunReport* report,
                  internal::Redactor* redactor) -> Status {
      control.SetCancel([this] {
        std::lock_guard<std::mutex> lock(mu_);
        cancelled_ = true;
        cv_.notify_all();
      });
      std::unique_lock<std::mutex> lock(mu_);
      ++calls_;
      ++active_;
      max_active_ = std::max(max_active_, active_);
      cv_.notify_all();
      cv_.wait(lock, [&] { return !hold_ || cancelled_; });
      const bool cancelled = cancelled_;
      cancelled_ = false;
      --active_;
      cv_.notify_all();
      const std::string new_fails = new_fails_;
      const std::string rollback_fails = cancelled ? "connectivity" : rollback_fails_;
      const bool error = error_;
      const int64_t tokens = tokens_per_release_;
      lock.unlock();
      control.ClearCancel();

      if (error) return Status::Internal("the fake gate could not run");
      *report = MakeRun(clock_.NowUnixMs(), new_fails, rollback_fails);
      for (ReleaseReport& r : report->releases) r.parsed.total_tokens = tokens;
      for (CheckResult& c : report->releases[1].checks) {
        if (c.status == CheckStatus::kFail) c.detail += " (key " + std::string(kFakeRunKey) + ")";
      }
      redactor->AddSecret(kFakeRunKey);
      return Status::Ok();
    };
  }

  void Pass() { Set("", "", false); }
  void BlockOnRollback(const std::string& check = "authentication") { Set("", check, false); }
  void FailToRun() { Set("", "", true); }
  void SetTokensPerRelease(int64_t tokens) {
    std::lock_guard<std::mutex> lock(mu_);
    tokens_per_release_ = tokens;
  }
  /// Runs that start from now on wait in the gate until Release() (or a cancel).
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = false;
    cv_.notify_all();
  }
  /// Waits (bounded) until `n` runs have entered the gate in total.
  bool WaitForCalls(int n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return calls_ >= n; });
  }
  int calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  int max_active() const {
    std::lock_guard<std::mutex> lock(mu_);
    return max_active_;
  }

 private:
  void Set(const std::string& new_fails, const std::string& rollback_fails, bool error) {
    std::lock_guard<std::mutex> lock(mu_);
    new_fails_ = new_fails;
    rollback_fails_ = rollback_fails;
    error_ = error;
  }

  const internal::Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string new_fails_;
  std::string rollback_fails_;
  bool error_ = false;
  int64_t tokens_per_release_ = 40;
  bool hold_ = false;
  bool cancelled_ = false;
  int calls_ = 0;
  int active_ = 0;
  int max_active_ = 0;
};

/// One ServeService (or several in a row, sharing the history and the clock).
class ServeHarness {
 public:
  ServeHarness() : gate_(clock_) {
    env_.vars["ROLLGATE_SERVE_TOKEN"] = kServeToken;
    config_.file = dir_.Join("rollgate.yaml");
    config_.dir = dir_.path();
    config_.service = "checkout-assistant";
    HistoryConfig history;
    history.db = dir_.Join("history.db");
    config_.history = history;
    ServeConfig serve;
    ValueSource token;
    token.kind = ValueSource::Kind::kEnv;
    token.name = "ROLLGATE_SERVE_TOKEN";
    serve.token = token;
    serve.listen = "127.0.0.1:0";
    config_.serve = serve;
  }
  ~ServeHarness() { Stop(); }

  Config& config() { return config_; }
  FakeGate& gate() { return gate_; }
  SharedFakeClock& clock() { return clock_; }
  FakeScheduleTimer& timer() { return *timer_; }
  internal::ServeService& service() { return *service_; }
  const std::string& history_db() const { return config_.history->db; }
  const TempDir& dir() const { return dir_; }

  /// A daily schedule for the fake timer: every `every_ms`, no jitter.
  void Schedule(int64_t every_ms, int max_runs, int64_t max_tokens) {
    ScheduleConfig s;
    s.every_ms = every_ms;
    s.jitter_ms = 0;
    s.max_runs_per_day = max_runs;
    s.max_tokens_per_day = max_tokens;
    config_.schedule = s;
  }
  /// Daily caps for runs the webhooks and POST /run ask for. The caps live in schedule:, so
  /// this configures one whose first tick is a week away (the fake jitter is the maximum).
  void Caps(int max_runs, int64_t max_tokens) {
    Schedule(7 * 86400000LL, max_runs, max_tokens);
    config_.schedule->jitter_ms = 7 * 86400000LL;
  }

  /// Starts a fresh service on the current config (the previous one, if any, is shut down).
  Status Start() {
    Stop();
    timer_ = std::make_unique<FakeScheduleTimer>(clock_);
    internal::ServeOptions o;
    o.env = &env_;
    o.clock = &clock_;
    o.timer = timer_.get();
    o.jitter = [](int64_t max_ms) -> int64_t { return max_ms; };
    o.runner = gate_.Runner();
    o.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      logs_.push_back(line);
    };
    service_ = std::make_unique<internal::ServeService>(config_, o);
    Status st = service_->Start();
    if (st.ok()) base_ = "http://127.0.0.1:" + std::to_string(service_->port());
    return st;
  }
  void Stop() {
    if (service_) service_->Shutdown();
    service_.reset();
  }

  std::string Url(const std::string& path) const { return base_ + path; }
  TestResponse Get(const std::string& path, const std::string& token = kServeToken) const {
    return HttpGet(Url(path), AuthHeaders(token));
  }
  TestResponse Post(const std::string& path, const std::string& body = "{}",
                    const std::string& token = kServeToken) const {
    std::vector<std::string> headers = AuthHeaders(token);
    headers.push_back("Content-Type: application/json");
    return HttpPost(Url(path), body, headers);
  }
  TestResponse Flagger(const std::string& token = kServeToken) const {
    return Post("/hooks/flagger",
                R"({"name":"checkout","namespace":"shop","phase":"Progressing",)"
                R"("metadata":{"type":"pre-rollout"}})",
                token);
  }
  std::string Metrics() const { return HttpGet(Url("/metrics")).body; }

  std::vector<std::string> logs() const {
    std::lock_guard<std::mutex> lock(log_mu_);
    return logs_;
  }
  std::string AllLogs() const {
    std::string all;
    for (const auto& l : logs()) all += l + "\n";
    return all;
  }
  bool WaitForLog(const std::string& needle,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    return WaitUntil([&] { return AllLogs().find(needle) != std::string::npos; }, timeout);
  }

 private:
  static std::vector<std::string> AuthHeaders(const std::string& token) {
    if (token.empty()) return {};
    return {"Authorization: Bearer " + token};
  }

  TempDir dir_;
  SharedFakeClock clock_;
  FakeGate gate_;
  FakeEnvironment env_;
  Config config_;
  std::unique_ptr<FakeScheduleTimer> timer_;
  std::unique_ptr<internal::ServeService> service_;
  std::string base_;
  mutable std::mutex log_mu_;
  std::vector<std::string> logs_;
};

/// The value of one sample line `series` (name plus labels exactly as rendered) in a Prometheus
/// exposition, or -1 when it is absent.
inline double SampleValue(const std::string& exposition, const std::string& series) {
  std::size_t at = 0;
  while ((at = exposition.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || exposition[at - 1] == '\n') {
      std::size_t end = exposition.find('\n', at);
      return std::stod(exposition.substr(at + series.size() + 1, end - at - series.size() - 1));
    }
    at += series.size();
  }
  return -1;
}

}  // namespace rollgate::testing
