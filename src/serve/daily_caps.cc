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

CapDecision DailyCaps::Decide(int runs, int64_t tokens, int64_t last_run_tokens, int max_runs,
                              int64_t max_tokens, int64_t day) {
  CapDecision d;
  if (runs >= max_runs) {
    d.allowed = false;
    d.reason = "max_runs_per_day";
    d.detail = "daily run cap reached: " + std::to_string(runs) + " of " +
               std::to_string(max_runs) + " runs today (UTC); the next run is allowed after " +
               FormatIsoUtc((day + 1) * 86400000);
    return d;
  }
  if (tokens >= max_tokens || tokens + last_run_tokens > max_tokens) {
    d.allowed = false;
    d.reason = "max_tokens_per_day";
    d.detail =
        "daily token cap reached: " + std::to_string(tokens) + " of " + std::to_string(max_tokens) +
        " usage tokens used today (UTC) and the last run cost " + std::to_string(last_run_tokens) +
        "; the next run is allowed after " + FormatIsoUtc((day + 1) * 86400000);
    return d;
  }
  return d;
}

CapDecision DailyCaps::Check(int64_t now_unix_ms) {
  Roll(now_unix_ms);
  return Decide(runs_, tokens_, last_run_tokens_, max_runs_, max_tokens_, day_);
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

Result<CapDecision> SharedDailyCaps::Reserve(int64_t now_unix_ms, ServeUsage* usage) {
  const int64_t day = UnixDay(now_unix_ms);
  CapDecision decision;
  ROLLGATE_ASSIGN_OR_RETURN(*usage, store_.UpdateServeUsage(service_, day, [&](ServeUsage* u) {
    decision =
        DailyCaps::Decide(u->runs, u->tokens, u->last_run_tokens, max_runs_, max_tokens_, day);
    if (!decision.allowed) return false;
    ++u->runs;
    return true;
  }));
  if (!decision.allowed)
    decision.detail += " (counted across every replica in " + store_.name() + ")";
  return decision;
}

Result<ServeUsage> SharedDailyCaps::Finish(int64_t now_unix_ms, int64_t tokens) {
  if (tokens < 0) tokens = 0;
  return store_.UpdateServeUsage(service_, UnixDay(now_unix_ms), [&](ServeUsage* u) {
    u->tokens += tokens;
    u->last_run_tokens = tokens;
    return true;
  });
}

Result<ServeUsage> SharedDailyCaps::Today(int64_t now_unix_ms) {
  return store_.UpdateServeUsage(service_, UnixDay(now_unix_ms), [](ServeUsage*) { return false; });
}

}  // namespace rollgate::internal
