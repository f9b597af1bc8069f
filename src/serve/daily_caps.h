// The daily caps of `rollgate serve` (schedule.max_runs_per_day, schedule.max_tokens_per_day):
// scheduled smoke traffic must never run up a bill. Days are UTC days; caps are per service.
//
// Two ledgers, one rule (DailyCaps::Decide): DailyCaps counts in memory, seeded from the
// history at start (one serve per service on an SQLite history); SharedDailyCaps counts in a
// shared (PostgreSQL) history, so any number of replicas together stay within the caps.
#pragma once

#include <cstdint>
#include <string>

#include "rollgate/status.h"
#include "store/history_store.h"

namespace rollgate::internal {

struct CapDecision {
  bool allowed = true;
  std::string reason;  // when refused: "max_runs_per_day" or "max_tokens_per_day"
  std::string detail;  // one line for logs and webhook bodies
};

/// In memory. Not thread-safe: the run coordinator holds it under its lock.
class DailyCaps {
 public:
  /// The rule: a run is refused when `runs` reached the cap, or when `tokens` plus what the
  /// previous run cost would exceed the token cap (the cost is only known afterwards, so the
  /// previous run is the estimate, and a run that would cross the cap is not started). `day`
  /// (days since the epoch) dates the "allowed after" in the detail.
  static CapDecision Decide(int runs, int64_t tokens, int64_t last_run_tokens, int max_runs,
                            int64_t max_tokens, int64_t day);

  DailyCaps(int max_runs_per_day, int64_t max_tokens_per_day)
      : max_runs_(max_runs_per_day), max_tokens_(max_tokens_per_day) {}

  /// Usage already spent on `day` (days since the epoch, UTC), e.g. from the history after a
  /// restart. `last_run_tokens` is what the newest run cost: the estimate for the next one.
  void Seed(int64_t day, int runs, int64_t tokens, int64_t last_run_tokens);

  /// Whether a run may start at `now_unix_ms`. A run is refused when the day's runs reached the
  /// cap, or when the day's tokens plus what the previous run cost would exceed the token cap:
  /// the cost is only known afterwards, so the previous run is the estimate, and a run that
  /// would cross the cap is not started.
  CapDecision Check(int64_t now_unix_ms);

  /// Counts a run that starts now (call after an allowed Check).
  void StartRun(int64_t now_unix_ms);
  /// Adds the usage tokens a finished run reported (to the day it finished in).
  void FinishRun(int64_t now_unix_ms, int64_t tokens);

  /// Today's usage, after rolling over to `now_unix_ms`'s day.
  int runs_today(int64_t now_unix_ms);
  int64_t tokens_today(int64_t now_unix_ms);
  int max_runs_per_day() const { return max_runs_; }
  int64_t max_tokens_per_day() const { return max_tokens_; }

 private:
  void Roll(int64_t now_unix_ms);

  int max_runs_;
  int64_t max_tokens_;
  int64_t day_ = INT64_MIN;
  int runs_ = 0;
  int64_t tokens_ = 0;
  int64_t last_run_tokens_ = 0;  // survives the day change: the best estimate of the next run
};

/// The caps of one service counted in a shared history. Thread-safe (the store serialises).
class SharedDailyCaps {
 public:
  /// `store` must outlive this.
  SharedDailyCaps(HistoryStore& store, std::string service, int max_runs_per_day,
                  int64_t max_tokens_per_day)
      : store_(store),
        service_(std::move(service)),
        max_runs_(max_runs_per_day),
        max_tokens_(max_tokens_per_day) {}

  /// Counts a run that starts now when the caps allow it, atomically across replicas. Sets
  /// *usage to the day's usage afterwards. A Status when the history cannot be reached: no
  /// run may start uncounted.
  Result<CapDecision> Reserve(int64_t now_unix_ms, ServeUsage* usage);
  /// Adds a finished run's usage tokens (to the day it finished in).
  Result<ServeUsage> Finish(int64_t now_unix_ms, int64_t tokens);
  /// Today's usage, for /metrics.
  Result<ServeUsage> Today(int64_t now_unix_ms);

 private:
  HistoryStore& store_;
  std::string service_;
  int max_runs_;
  int64_t max_tokens_;
};

}  // namespace rollgate::internal
