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
  HistoryStore* history = options_.history;
  if (history && history->shared()) {
    shared_caps_ = std::make_unique<SharedDailyCaps>(
        *history, options_.service, options_.max_runs_per_day, options_.max_tokens_per_day);
  }
  // Only this service's serve runs count: services sharing one history keep their own caps. A
  // shared history counts the caps itself (RefreshShared shows them below): nothing to seed.
  if (history && !shared()) {
    const int64_t day = UnixDay(now);
    Result<HistoryUsage> usage =
        history->UsageBetween(options_.service, day * 86400000, (day + 1) * 86400000, "serve:");
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
    } else if (usage.status().code() != Status::Code::kNotFound) {
      Log("warning: cannot read today's usage from the history: " + usage.status().message());
    }
  }
  if (history) {
    Result<std::vector<LastKnownGood>> good = history->LastKnownGoodReleases();
    if (good.ok()) {
      for (const auto& g : *good) {
        if (g.service == options_.service) metrics_.SeedLastSuccess(g.release, g.at_unix_ms);
      }
    } else if (good.status().code() == Status::Code::kInvalidArgument) {
      return good.status();
    } else if (good.status().code() != Status::Code::kNotFound) {
      // Serve still starts (the next passing run sets the metric); the operator learns why
      // rollgate_last_success_timestamp_seconds is missing until then.
      Log("warning: cannot read each release's last success from the history: " +
          good.status().message());
    }
  }
  if (shared()) {
    RefreshShared();
  } else {
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

int64_t RunCoordinator::AppendHistory(const RunReport& report, const Redactor& run_redactor,
                                      const std::string& trigger) {
  if (!options_.history) return 0;
  AppendOptions append;
  append.trigger = "serve:" + trigger;
  std::string gate_json = Redact(RenderGateJson(report), &run_redactor);
  Result<int64_t> id =
      AppendWithRetry(*options_.history, report, gate_json, append, options_.history_retry);
  if (!id.ok()) {
    Log("warning: the run was not recorded in the history: " + id.status().message() +
        "; its verdict stands");
    return 0;
  }
  return *id;
}

RunOutcome RunCoordinator::AbandonRun(RunOutcome outcome, const std::string& trigger) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_flight_ = false;
    ++generation_;
    last_outcome_ = outcome;
  }
  cv_.notify_all();
  if (outcome.kind == RunOutcome::Kind::kCapped) {
    metrics_.RecordSkip(outcome.reason, trigger);
    Log("run skipped (" + trigger + "): " + outcome.detail);
  } else {
    metrics_.RecordRunError();
    Log("run failed (" + trigger + "): " + outcome.detail);
  }
  return outcome;
}

std::optional<RunOutcome> RunCoordinator::Reuse(
    const RunRequest& request, int64_t now,
    const std::shared_ptr<const RunReport>& shared_result) const {
  if (request.max_age_ms <= 0) return std::nullopt;
  RunOutcome outcome;
  outcome.kind = RunOutcome::Kind::kReused;
  if (last_report_ && now - last_result_unix_ms_ <= request.max_age_ms &&
      (!shared_result || shared_result->finished_unix_ms <= last_result_unix_ms_)) {
    outcome.report = last_report_;
    outcome.age_ms = now - last_result_unix_ms_;
    return outcome;
  }
  if (!shared_result) return std::nullopt;
  outcome.report = shared_result;  // younger than max_age_ms when it was read
  outcome.age_ms = std::max<int64_t>(0, now - shared_result->finished_unix_ms);
  return outcome;
}

std::optional<RunOutcome> RunCoordinator::ReserveShared(int64_t now) {
  ServeUsage usage;
  Result<CapDecision> cap = shared_caps_->Reserve(now, &usage);
  RunOutcome outcome;
  if (!cap.ok()) {
    outcome.kind = RunOutcome::Kind::kError;
    outcome.detail = "cannot count the run against the daily caps in the shared history (" +
                     Redact(cap.status().message()) + "); no run starts uncounted";
    return outcome;
  }
  ShowSharedUsage(usage);
  if (cap->allowed) return std::nullopt;
  outcome.kind = RunOutcome::Kind::kCapped;
  outcome.reason = cap->reason;
  outcome.detail = cap->detail;
  return outcome;
}

void RunCoordinator::ShowSharedUsage(const ServeUsage& usage) {
  metrics_.SetUsageToday(usage.runs, usage.tokens);
}

std::shared_ptr<const RunReport> RunCoordinator::FreshSharedResult(int64_t max_age_ms) {
  Result<std::optional<HistoryRun>> latest =
      options_.history->LatestRun(options_.service, "serve:");
  if (!latest.ok()) {
    Log("warning: cannot read the newest result from the history: " + latest.status().message());
    return nullptr;
  }
  if (!*latest || clock_.NowUnixMs() - (*latest)->finished_unix_ms > max_age_ms) return nullptr;
  return std::make_shared<const RunReport>(ReportFromHistory(**latest));
}

RunOutcome RunCoordinator::JoinInFlight(std::unique_lock<std::mutex>& lock) {
  RunOutcome outcome;
  if (waiters_ >= options_.max_waiters) {
    outcome.kind = RunOutcome::Kind::kBusy;
    outcome.detail = std::to_string(waiters_) +
                     " requests are already waiting for the run in "
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

std::optional<RunOutcome> RunCoordinator::StartLocalRun(const RunRequest& request, int64_t now) {
  CapDecision cap = caps_.Check(now);
  if (!cap.allowed) {
    metrics_.RecordSkip(cap.reason, request.trigger);
    Log("run skipped (" + request.trigger + "): " + cap.detail);
    RunOutcome outcome;
    outcome.kind = RunOutcome::Kind::kCapped;
    outcome.reason = cap.reason;
    outcome.detail = cap.detail;
    return outcome;
  }
  caps_.StartRun(now);
  metrics_.SetUsageToday(caps_.runs_today(now), caps_.tokens_today(now));
  return std::nullopt;
}

int64_t RunCoordinator::SettleReport(RunReport* report, const Redactor& run_redactor,
                                     const std::string& trigger) {
  if (control_.cancelled()) {
    // However far it got, a cancelled run is recorded as interrupted and never as a pass.
    report->interrupted = true;
    if (report->signal.empty()) report->signal = SignalName(control_.signal());
    report->decision = Decision::kBlock;
  }
  // Scrub the report itself, not only the gate.json rendered from it: its details also become
  // history rows (gates, checks), webhook bodies and reused results.
  RedactReport(redactor_, report);
  RedactReport(run_redactor, report);
  return AppendHistory(*report, run_redactor, trigger);
}

void RunCoordinator::FinishShared(int64_t end, int64_t tokens) {
  Result<ServeUsage> usage = shared_caps_->Finish(end, tokens);
  if (usage.ok()) {
    ShowSharedUsage(*usage);
  } else {
    Log("warning: cannot add the run's usage tokens to the shared caps: " +
        usage.status().message());
  }
}

RunOutcome RunCoordinator::PublishRun(const Status& st, std::shared_ptr<RunReport> report,
                                      int64_t run_id, int64_t end, const Redactor& run_redactor) {
  RunOutcome outcome;
  std::unique_lock<std::mutex> lock(mu_);
  if (st.ok()) {
    const int64_t tokens = report->TokensUsed();
    if (!shared()) caps_.FinishRun(end, tokens);
    metrics_.AddUsageTokens(tokens);
    metrics_.RecordRun(*report);
    last_report_ = report;
    last_result_unix_ms_ = end;
    outcome.kind = RunOutcome::Kind::kRan;
    outcome.report = std::move(report);
    outcome.history_run_id = run_id;
    if (run_id > 0) shown_shared_run_id_ = run_id;  // the metrics show it already
  } else {
    metrics_.RecordRunError();
    outcome.kind = RunOutcome::Kind::kError;
    outcome.detail = Redact(st.message(), &run_redactor);
  }
  if (!shared()) metrics_.SetUsageToday(caps_.runs_today(end), caps_.tokens_today(end));
  in_flight_ = false;
  ++generation_;
  last_outcome_ = outcome;
  lock.unlock();
  cv_.notify_all();
  return outcome;
}

RunOutcome RunCoordinator::Run(const RunRequest& request) {
  // Another replica may have recorded a fresh enough result: read it before taking the lock,
  // so a database round trip never holds up the other callers.
  std::shared_ptr<const RunReport> shared_result;
  if (request.max_age_ms > 0 && shared()) shared_result = FreshSharedResult(request.max_age_ms);

  std::unique_lock<std::mutex> lock(mu_);
  if (shutting_down_) {
    RunOutcome outcome;
    outcome.kind = RunOutcome::Kind::kShuttingDown;
    outcome.detail = "rollgate serve is shutting down and starts no new runs";
    return outcome;
  }
  if (in_flight_) return JoinInFlight(lock);

  const int64_t now = clock_.NowUnixMs();
  if (std::optional<RunOutcome> reused = Reuse(request, now, shared_result)) return *reused;
  if (!shared()) {
    if (std::optional<RunOutcome> capped = StartLocalRun(request, now)) return *capped;
  }
  in_flight_ = true;
  run_started_ = std::chrono::steady_clock::now();
  control_.Reset();
  cv_.notify_all();  // wakes the watchdog
  lock.unlock();

  if (shared()) {
    // Counted across replicas before any call is made; in flight already, so requests that
    // arrive meanwhile wait for this attempt instead of starting their own.
    if (std::optional<RunOutcome> refused = ReserveShared(now)) {
      return AbandonRun(*refused, request.trigger);
    }
  }

  Log("run started (" + request.trigger + ")");
  auto report = std::make_shared<RunReport>();
  Redactor run_redactor;
  Status st = runner_(control_, report.get(), &run_redactor);
  const int64_t run_id = st.ok() ? SettleReport(report.get(), run_redactor, request.trigger) : 0;
  const int64_t end = clock_.NowUnixMs();
  if (st.ok() && shared()) FinishShared(end, report->TokensUsed());
  RunOutcome outcome = PublishRun(st, report, run_id, end, run_redactor);

  if (st.ok()) {
    Log("run finished (" + request.trigger + "): " + ToString(report->decision) + " in " +
        FormatDurationMs(static_cast<double>(end - report->started_unix_ms)) + ", " +
        std::to_string(report->TokensUsed()) + " usage tokens");
  } else {
    Log("run failed (" + request.trigger + "): " + outcome.detail);
  }
  return outcome;
}

TickResult RunCoordinator::RunSlot(int64_t slot_start_ms) {
  RunRequest request;
  request.trigger = "schedule";
  request.max_age_ms = -1;
  if (!shared()) {
    Run(request);  // the coordinator logs the run, its skip or its failure
    return {};
  }
  const std::string slot = FormatIsoUtc(slot_start_ms);
  const int64_t now = clock_.NowUnixMs();
  const int64_t lease_until = now + options_.run_timeout_ms + kSlotLeaseGraceMs;
  Result<SlotClaim> claim = options_.history->ClaimSlot(options_.service, slot_start_ms,
                                                        options_.holder, now, lease_until);
  if (!claim.ok()) {
    Log("schedule: cannot claim the slot of " + slot + " in the shared history (" +
        claim.status().message() + "); trying again in 5s");
    return {now + 5000};
  }
  if (claim->state == SlotClaim::State::kDone) {
    Log("schedule: the slot of " + slot + " was run by " + claim->holder);
    return {};
  }
  if (claim->state == SlotClaim::State::kHeld) {
    Log("schedule: the slot of " + slot + " is being run by " + claim->holder +
        "; its claim lapses at " + FormatIsoUtc(claim->lease_until_ms));
    return {claim->lease_until_ms};
  }
  if (claim->attempts > 1) {
    Log("schedule: taking over the slot of " + slot +
        " from a replica that did not finish it (attempt " + std::to_string(claim->attempts) + ")");
  }
  RunOutcome outcome = Run(request);
  const bool decided = outcome.has_report() || outcome.kind == RunOutcome::Kind::kCapped;
  // A slot without a verdict (serve stopping, rollgate failing) is given up at once, so
  // another replica may run it rather than wait for the claim to lapse.
  Status st = options_.history->FinishSlot(options_.service, slot_start_ms, options_.holder,
                                           clock_.NowUnixMs(), outcome.history_run_id,
                                           decided ? ToString(outcome.kind) : "");
  if (!st.ok()) Log("warning: cannot mark the slot of " + slot + " done: " + st.message());
  return {};
}

void RunCoordinator::RefreshShared() {
  if (!shared()) return;
  // Two small queries per scrape (Prometheus scrapes every 15 s or so); one scrape at a time.
  std::lock_guard<std::mutex> refresh(refresh_mu_);
  Result<ServeUsage> usage = shared_caps_->Today(clock_.NowUnixMs());
  if (usage.ok()) ShowSharedUsage(*usage);
  Result<std::optional<HistoryRun>> latest =
      options_.history->LatestRun(options_.service, "serve:");
  if (!latest.ok() || !*latest) return;
  const HistoryRun& run = **latest;
  std::lock_guard<std::mutex> lock(mu_);
  if (run.id == shown_shared_run_id_ || run.finished_unix_ms < last_result_unix_ms_) return;
  shown_shared_run_id_ = run.id;
  metrics_.RecordSharedRun(ReportFromHistory(run));
}

void RunCoordinator::WatchdogLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_watchdog_ || in_flight_; });
    if (stop_watchdog_) return;
    const uint64_t generation = generation_;
    auto deadline = run_started_ + std::chrono::milliseconds(options_.run_timeout_ms);
    bool ended =
        cv_.wait_until(lock, deadline, [&] { return stop_watchdog_ || generation_ != generation; });
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

RunReport ReportFromHistory(const HistoryRun& run) {
  RunReport report;
  report.command = ParseCommand(run.command).value_or(Command::kGate);  // serve records gates
  report.service = run.service;
  report.started_unix_ms = run.started_unix_ms;
  report.finished_unix_ms = run.finished_unix_ms;
  report.decision = run.decision;
  report.gates = run.gates;
  for (const HistoryRelease& r : run.releases) {
    ReleaseReport rel;
    rel.name = r.name;
    rel.version = r.version;
    rel.endpoint = r.endpoint;
    rel.model = r.model;
    rel.key_fingerprint = r.key_fingerprint;
    rel.checks = r.checks;
    report.releases.push_back(std::move(rel));
  }
  return report;
}

}  // namespace rollgate::internal
