// Locking: one mutex (mu_) guards the caps, the in-flight flag and the last results; the gate
// itself and the history append run with it released, on the thread that asked for the run.
// Waiters and the watchdog sleep on one condition variable that every state change notifies.
#include "serve/run_coordinator.h"

#include "base/file_util.h"
#include "base/strings.h"
#include "evidence/evidence.h"
#include "rollgate/cancel.h"
#include "store/history_store.h"

namespace rollgate::internal {

void RunControl::SetCancel(std::function<void()> fn) {
  std::unique_lock<std::mutex> lock(mu_);
  if (cancelled_) {
    lock.unlock();
    if (fn) fn();
    return;
  }
  cancel_ = std::move(fn);
}

void RunControl::ClearCancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancel_ = nullptr;
}

void RunControl::Cancel(int signal) {
  // Called under mu_ so ClearCancel() cannot destroy the target while the call is running.
  std::lock_guard<std::mutex> lock(mu_);
  if (!cancelled_) signal_ = signal;
  cancelled_ = true;
  if (cancel_) cancel_();
}

bool RunControl::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

void RunControl::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = false;
  signal_ = 0;
  cancel_ = nullptr;
}

const char* ToString(RunOutcome::Kind kind) {
  switch (kind) {
    case RunOutcome::Kind::kRan:
      return "ran";
    case RunOutcome::Kind::kJoined:
      return "joined";
    case RunOutcome::Kind::kReused:
      return "reused";
    case RunOutcome::Kind::kCapped:
      return "capped";
    case RunOutcome::Kind::kBusy:
      return "busy";
    case RunOutcome::Kind::kShuttingDown:
      return "shutting_down";
    case RunOutcome::Kind::kTimedOut:
      return "timed_out";
    case RunOutcome::Kind::kError:
      return "error";
  }
  return "error";
}

RunCoordinator::RunCoordinator(CoordinatorOptions options, GateRunner runner, const Clock& clock,
                               GateMetrics& metrics, const Redactor& redactor, LogFn log)
    : options_(std::move(options)),
      runner_(std::move(runner)),
      clock_(clock),
      metrics_(metrics),
      redactor_(redactor),
      log_(std::move(log)),
      caps_(options_.max_runs_per_day, options_.max_tokens_per_day) {}

RunCoordinator::~RunCoordinator() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_watchdog_ = true;
  }
  cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

Status RunCoordinator::Start() {
  const int64_t now = clock_.NowUnixMs();
  if (!options_.history_db.empty() && FileExists(options_.history_db)) {
    const int64_t day = UnixDay(now);
    Result<HistoryUsage> usage = HistoryUsageBetween(options_.history_db, day * 86400000,
                                                     (day + 1) * 86400000, "serve:");
    if (!usage.ok() && usage.status().code() == Status::Code::kInvalidArgument) {
      return usage.status();
    }
    if (usage.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      caps_.Seed(day, usage->runs, usage->tokens, usage->last_run_tokens);
      if (usage->runs > 0) {
        Log("today's usage from the history: " + std::to_string(usage->runs) + " runs, " +
            std::to_string(usage->tokens) + " tokens");
      }
    } else {
      Log("warning: cannot read today's usage from the history: " + usage.status().message());
    }
    Result<std::vector<LastKnownGood>> good = LastKnownGoodReleases(options_.history_db);
    if (good.ok()) {
      for (const auto& g : *good) {
        if (g.service == options_.service) metrics_.SeedLastSuccess(g.release, g.at_unix_ms);
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    metrics_.SetUsageToday(caps_.runs_today(now), caps_.tokens_today(now));
  }
  watchdog_ = std::thread([this] { WatchdogLoop(); });
  return Status::Ok();
}

std::string RunCoordinator::Redact(const std::string& text, const Redactor* run_redactor) const {
  std::string out = redactor_.Redact(text);
  return run_redactor ? run_redactor->Redact(out) : out;
}

void RunCoordinator::Log(const std::string& line) const {
  if (log_) log_(Redact(line));
}

void RunCoordinator::AppendHistory(const RunReport& report, const Redactor& run_redactor,
                                   const std::string& trigger) {
  if (options_.history_db.empty()) return;
  AppendOptions append;
  append.trigger = "serve:" + trigger;
  std::string gate_json = Redact(RenderGateJson(report), &run_redactor);
  Status st = AppendToHistory(options_.history_db, report, gate_json, append);
  if (!st.ok()) Log("error: cannot append the run to the history: " + st.message());
}

RunOutcome RunCoordinator::Run(const RunRequest& request) {
  std::unique_lock<std::mutex> lock(mu_);
  RunOutcome outcome;
  if (shutting_down_) {
    outcome.kind = RunOutcome::Kind::kShuttingDown;
    outcome.detail = "rollgate serve is shutting down and starts no new runs";
    return outcome;
  }

  if (in_flight_) {
    if (waiters_ >= options_.max_waiters) {
      outcome.kind = RunOutcome::Kind::kBusy;
      outcome.detail = std::to_string(waiters_) + " requests are already waiting for the run in "
                       "flight; retry shortly";
      return outcome;
    }
    ++waiters_;
    const uint64_t generation = generation_;
    auto bound = std::chrono::milliseconds(options_.run_timeout_ms + options_.join_grace_ms);
    bool finished = cv_.wait_for(lock, bound, [&] { return generation_ != generation; });
    --waiters_;
    if (!finished) {
      outcome.kind = RunOutcome::Kind::kTimedOut;
      outcome.detail = "the run in flight did not finish within " +
                       FormatDurationMs(static_cast<double>(bound.count()));
      return outcome;
    }
    outcome = last_outcome_;
    if (outcome.kind == RunOutcome::Kind::kRan) outcome.kind = RunOutcome::Kind::kJoined;
    return outcome;
  }

  const int64_t now = clock_.NowUnixMs();
  if (request.max_age_ms > 0 && last_good_result_ &&
      now - last_result_unix_ms_ <= request.max_age_ms) {
    outcome.kind = RunOutcome::Kind::kReused;
    outcome.report = last_good_result_;
    outcome.age_ms = now - last_result_unix_ms_;
    return outcome;
  }

  CapDecision cap = caps_.Check(now);
  if (!cap.allowed) {
    metrics_.RecordSkip(cap.reason, request.trigger);
    Log("run skipped (" + request.trigger + "): " + cap.detail);
    outcome.kind = RunOutcome::Kind::kCapped;
    outcome.reason = cap.reason;
    outcome.detail = cap.detail;
    return outcome;
  }
  caps_.StartRun(now);
  metrics_.SetUsageToday(caps_.runs_today(now), caps_.tokens_today(now));
  in_flight_ = true;
  run_started_ = std::chrono::steady_clock::now();
  control_.Reset();
  cv_.notify_all();  // wakes the watchdog
  lock.unlock();

  Log("run started (" + request.trigger + ")");
  auto report = std::make_shared<RunReport>();
  Redactor run_redactor;
  Status st = runner_(control_, report.get(), &run_redactor);
  if (st.ok() && control_.cancelled()) {
    // However far it got, a cancelled run is recorded as interrupted and never as a pass.
    report->interrupted = true;
    if (report->signal.empty()) report->signal = SignalName(control_.signal());
    report->decision = "block";
  }
  if (st.ok()) {
    // Scrub the report itself, not only the gate.json rendered from it: its details also become
    // history rows (gates, checks), webhook bodies and reused results.
    RedactReport(redactor_, report.get());
    RedactReport(run_redactor, report.get());
    AppendHistory(*report, run_redactor, request.trigger);
  }
  const int64_t end = clock_.NowUnixMs();

  lock.lock();
  if (st.ok()) {
    const int64_t tokens = report->TokensUsed();
    caps_.FinishRun(end, tokens);
    metrics_.AddUsageTokens(tokens);
    metrics_.RecordRun(*report);
    last_good_result_ = report;
    last_result_unix_ms_ = end;
    outcome.kind = RunOutcome::Kind::kRan;
    outcome.report = report;
  } else {
    metrics_.RecordRunError();
    outcome.kind = RunOutcome::Kind::kError;
    outcome.detail = Redact(st.message(), &run_redactor);
  }
  metrics_.SetUsageToday(caps_.runs_today(end), caps_.tokens_today(end));
  in_flight_ = false;
  ++generation_;
  last_outcome_ = outcome;
  lock.unlock();
  cv_.notify_all();

  if (st.ok()) {
    Log("run finished (" + request.trigger + "): " + report->decision + " in " +
        FormatDurationMs(static_cast<double>(end - report->started_unix_ms)) + ", " +
        std::to_string(report->TokensUsed()) + " usage tokens");
  } else {
    Log("run failed (" + request.trigger + "): " + outcome.detail);
  }
  return outcome;
}

void RunCoordinator::WatchdogLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_watchdog_ || in_flight_; });
    if (stop_watchdog_) return;
    const uint64_t generation = generation_;
    auto deadline = run_started_ + std::chrono::milliseconds(options_.run_timeout_ms);
    bool ended = cv_.wait_until(lock, deadline,
                                [&] { return stop_watchdog_ || generation_ != generation; });
    if (stop_watchdog_) return;
    if (ended) continue;
    lock.unlock();
    Log("run exceeded serve.run_timeout (" +
        FormatDurationMs(static_cast<double>(options_.run_timeout_ms)) +
        "): cancelling its calls; it finishes as a block");
    control_.Cancel();
    lock.lock();
    cv_.wait(lock, [&] { return stop_watchdog_ || generation_ != generation; });
    if (stop_watchdog_) return;
  }
}

void RunCoordinator::BeginShutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
  }
  cv_.notify_all();
}

bool RunCoordinator::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return !in_flight_; });
}

void RunCoordinator::CancelInFlight(int signal) { control_.Cancel(signal); }

bool RunCoordinator::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_;
}

}  // namespace rollgate::internal
