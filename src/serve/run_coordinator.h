// The one place `rollgate serve` starts gate runs. Every trigger (the schedule, the Flagger and
// Argo webhooks, POST /run) goes through RunCoordinator::Run, which guarantees:
//
//  * runs never overlap: a request arriving during a run waits for it (bounded) and gets its
//    result, instead of starting a second run against the provider;
//  * a result younger than the caller's max age is reused without calling anyone;
//  * the daily caps are checked before a run starts, and a refusal is counted and logged;
//  * every run is bounded by serve.run_timeout: a watchdog cancels its calls after that;
//  * each finished run updates the metrics and is appended to the history (when configured)
//    before the next one can start, so a shutdown that waits for the run also flushes it.
//
// With a shared (PostgreSQL) history, replicas coordinate through it: each scheduled slot is
// claimed there first (RunSlot), so one replica runs it; the caps are counted there, per
// service, across replicas (SharedDailyCaps); a webhook may reuse a fresh result any replica
// recorded; /metrics shows the newest result any replica recorded (RefreshShared). A history
// that cannot be reached refuses runs rather than letting them go uncounted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/secret.h"
#include "rollgate/report.h"
#include "rollgate/status.h"
#include "serve/daily_caps.h"
#include "serve/gate_metrics.h"
#include "serve/run_control.h"
#include "serve/scheduler.h"
#include "store/history_append.h"
#include "store/history_store.h"

namespace rollgate::internal {

/// Runs one gate. Fills `report`, and `redactor` with every secret the run resolved (so what is
/// written about the run can be scrubbed again). A Status means rollgate itself failed.
using GateRunner =
    std::function<Status(RunControl& control, RunReport* report, Redactor* redactor)>;

/// One line for the operator (already redacted by the caller of the sink).
using LogFn = std::function<void(const std::string& line)>;

struct RunRequest {
  std::string trigger = "api";  // schedule | flagger | argo | api; recorded as serve:<trigger>
  int64_t max_age_ms = -1;      // reuse a finished result at most this old; 0 or less: never
};

struct RunOutcome {
  enum class Kind {
    kRan,           // this request ran the gate
    kJoined,        // a run was in flight; this request waited for it and shares its result
    kReused,        // a recent enough result was reused; nothing was called
    kCapped,        // a daily cap refused the run
    kBusy,          // too many requests are already waiting for the run in flight
    kShuttingDown,  // serve is stopping and starts no new runs
    kTimedOut,      // the run in flight did not finish within the wait bound
    kError,         // rollgate itself failed to run the gate
  };
  Kind kind = Kind::kError;
  std::shared_ptr<const RunReport> report;  // kRan, kJoined, kReused
  int64_t age_ms = 0;                       // kReused: how old the result is
  std::string reason;                       // kCapped: max_runs_per_day | max_tokens_per_day
  std::string detail;                       // one line: the cap, the error, ...
  int64_t history_run_id = 0;               // the run's id in the history; 0: not recorded

  bool has_report() const { return report != nullptr; }
};

const char* ToString(RunOutcome::Kind kind);

struct CoordinatorOptions {
  std::string service;
  HistoryStore* history = nullptr;   // null: no history; must outlive the coordinator
  std::string holder;                // who this replica is in slot claims (host:pid)
  HistoryRetryPolicy history_retry;  // appends that fail with an IoError are tried again
  int64_t run_timeout_ms = 120000;
  int64_t join_grace_ms = 30000;  // waiters wait run_timeout + this for the run in flight
  int max_waiters = 8;            // requests that may wait for one run at once
  int max_runs_per_day = 144;
  int64_t max_tokens_per_day = 20000;
};

class RunCoordinator {
 public:
  /// `clock` dates runs and drives the caps' UTC days; `metrics` and `redactor` (secrets of
  /// serve itself, e.g. its token) must outlive the coordinator.
  RunCoordinator(CoordinatorOptions options, GateRunner runner, const Clock& clock,
                 GateMetrics& metrics, const Redactor& redactor, LogFn log);
  ~RunCoordinator();
  RunCoordinator(const RunCoordinator&) = delete;
  RunCoordinator& operator=(const RunCoordinator&) = delete;

  /// Seeds today's cap usage (this service's runs only) and each release's last success from
  /// the history (so a restart neither resets the caps nor forgets the last good run) and
  /// starts the watchdog. Fails with InvalidArgument when the history exists but is not a
  /// rollgate history.
  Status Start();

  /// Runs, joins, reuses or refuses; see the file comment. Blocks the calling thread for at
  /// most about serve.run_timeout plus the join grace.
  RunOutcome Run(const RunRequest& request);

  /// The scheduled run of the slot starting at `slot_start_ms` (shared history): claims the
  /// slot, runs it when the claim is this replica's, and marks it done. A slot another replica
  /// holds is asked for again when that claim lapses (run_timeout plus kSlotLeaseGraceMs after
  /// it was made). Without a shared history: Run() with trigger "schedule".
  TickResult RunSlot(int64_t slot_start_ms);

  /// Shared history: shows in the metrics the newest result any replica recorded, and today's
  /// usage as the history counts it (GET /metrics calls it). A no-op otherwise.
  void RefreshShared();

  /// From now on Run() answers kShuttingDown (waiters already waiting still get their result).
  void BeginShutdown();
  /// Waits until no run is in flight; false when `timeout` passed first.
  bool WaitIdle(std::chrono::milliseconds timeout);
  /// Cancels the run in flight (its calls end as "cancelled" and it finishes as a block,
  /// `interrupted`, with `signal` when one asked for it).
  void CancelInFlight(int signal = 0);
  bool in_flight() const;

 private:
  void WatchdogLoop();
  std::string Redact(const std::string& text, const Redactor* run_redactor = nullptr) const;
  void Log(const std::string& line) const;
  int64_t AppendHistory(const RunReport& report, const Redactor& run_redactor,
                        const std::string& trigger);
  bool shared() const { return shared_caps_ != nullptr; }
  /// Shared history: the newest serve result of this service, if at most `max_age_ms` old.
  std::shared_ptr<const RunReport> FreshSharedResult(int64_t max_age_ms);
  /// A finished result young enough for `request` (this replica's, or `shared_result` from
  /// another's when newer), or nullopt. REQUIRES: mu_ held.
  std::optional<RunOutcome> Reuse(const RunRequest& request, int64_t now,
                                  const std::shared_ptr<const RunReport>& shared_result) const;
  /// Counts a run in the shared caps; the outcome when it may not start (capped, or the
  /// history cannot count it), nullopt when it may.
  std::optional<RunOutcome> ReserveShared(int64_t now);
  /// Ends a run attempt that never reached the gate (refused by the shared caps, or the
  /// history could not count it). REQUIRES: in_flight_ set by this caller; mu_ not held.
  RunOutcome AbandonRun(RunOutcome outcome, const std::string& trigger);
  /// Waits for the run in flight and answers with its outcome (kJoined), or kBusy when too
  /// many already wait, or kTimedOut. REQUIRES: in_flight_; `lock` holds mu_.
  RunOutcome JoinInFlight(std::unique_lock<std::mutex>& lock);
  /// Counts a run in this replica's caps; the outcome when they refuse it, nullopt when it
  /// may start. REQUIRES: mu_ held; no shared history.
  std::optional<RunOutcome> StartLocalRun(const RunRequest& request, int64_t now);
  /// After the gate ran: marks a cancelled run interrupted (a block), scrubs the report and
  /// appends it to the history; the history run id, or 0. REQUIRES: mu_ not held.
  int64_t SettleReport(RunReport* report, const Redactor& run_redactor, const std::string& trigger);
  /// Shared history: adds the run's usage tokens to the shared caps.
  void FinishShared(int64_t end, int64_t tokens);
  /// Records the finished run (caps, metrics, last result), clears in_flight_ and wakes the
  /// waiters; the outcome they and the caller get. REQUIRES: mu_ not held.
  RunOutcome PublishRun(const Status& st, std::shared_ptr<RunReport> report, int64_t run_id,
                        int64_t end, const Redactor& run_redactor);
  void ShowSharedUsage(const ServeUsage& usage);

  CoordinatorOptions options_;
  GateRunner runner_;
  const Clock& clock_;
  GateMetrics& metrics_;
  const Redactor& redactor_;
  LogFn log_;
  RunControl control_;

  mutable std::mutex mu_;
  std::condition_variable cv_;  // any change of the fields below
  DailyCaps caps_;
  bool in_flight_ = false;
  uint64_t generation_ = 0;  // finished runs; waiters wait for it to move
  std::chrono::steady_clock::time_point run_started_;
  int waiters_ = 0;
  bool shutting_down_ = false;
  bool stop_watchdog_ = false;
  std::unique_ptr<SharedDailyCaps> shared_caps_;  // set with a shared history
  std::mutex refresh_mu_;                         // RefreshShared: one at a time
  int64_t shown_shared_run_id_ = 0;               // the history run the metrics show
  RunOutcome last_outcome_;                       // of the newest finished run
  std::shared_ptr<const RunReport> last_report_;  // newest completed report (pass or block)
  int64_t last_result_unix_ms_ = 0;
  std::thread watchdog_;
};

/// How long after serve.run_timeout a slot's claim lapses (the run's history append and the
/// cancelled calls' unwinding fit in it).
inline constexpr int64_t kSlotLeaseGraceMs = 5000;

/// A report rebuilt from a history run with its details (LatestRun): service, times, decision,
/// gates, releases and their checks. Enough for a webhook answer and the metrics' gauges.
RunReport ReportFromHistory(const HistoryRun& run);

}  // namespace rollgate::internal
