#include "serve/daily_caps.h"

#include "base/clock.h"

namespace rollgate::internal {

void DailyCaps::Roll(int64_t now_unix_ms) {
  int64_t day = UnixDay(now_unix_ms);
  if (day == day_) return;
  day_ = day;
  runs_ = 0;
  tokens_ = 0;
}

void DailyCaps::Seed(int64_t day, int runs, int64_t tokens, int64_t last_run_tokens) {
  day_ = day;
  runs_ = runs;
  tokens_ = tokens;
  last_run_tokens_ = last_run_tokens;
}

CapDecision DailyCaps::Check(int64_t now_unix_ms) {
  Roll(now_unix_ms);
  CapDecision d;
  if (runs_ >= max_runs_) {
    d.allowed = false;
    d.reason = "max_runs_per_day";
    d.detail = "daily run cap reached: " + std::to_string(runs_) + " of " +
               std::to_string(max_runs_) + " runs today (UTC); the next run is allowed after " +
               FormatIsoUtc((day_ + 1) * 86400000);
    return d;
  }
  if (tokens_ >= max_tokens_ || tokens_ + last_run_tokens_ > max_tokens_) {
    d.allowed = false;
    d.reason = "max_tokens_per_day";
    d.detail = "daily token cap reached: " + std::to_string(tokens_) + " of " +
               std::to_string(max_tokens_) + " usage tokens used today (UTC) and the last run cost " +
               std::to_string(last_run_tokens_) + "; the next run is allowed after " +
               FormatIsoUtc((day_ + 1) * 86400000);
    return d;
  }
  return d;
}

void DailyCaps::StartRun(int64_t now_unix_ms) {
  Roll(now_unix_ms);
  ++runs_;
}

void DailyCaps::FinishRun(int64_t now_unix_ms, int64_t tokens) {
  Roll(now_unix_ms);
  if (tokens < 0) tokens = 0;
  tokens_ += tokens;
  last_run_tokens_ = tokens;
}

int DailyCaps::runs_today(int64_t now_unix_ms) {
  Roll(now_unix_ms);
  return runs_;
}

int64_t DailyCaps::tokens_today(int64_t now_unix_ms) {
  Roll(now_unix_ms);
  return tokens_;
}

}  // namespace rollgate::internal
