// The daily caps of `rollgate serve` (schedule.max_runs_per_day, schedule.max_tokens_per_day):
// scheduled smoke traffic must never run up a bill. Days are UTC days. Not thread-safe: the run
// coordinator holds it under its lock.
#pragma once

#include <cstdint>
#include <string>

namespace rollgate::internal {

struct CapDecision {
  bool allowed = true;
  std::string reason;  // when refused: "max_runs_per_day" or "max_tokens_per_day"
  std::string detail;  // one line for logs and webhook bodies
};

class DailyCaps {
 public:
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

}  // namespace rollgate::internal
