#include "serve/scheduler.h"

#include <algorithm>
#include <chrono>
#include <random>

namespace rollgate::internal {

bool SystemScheduleTimer::SleepUntil(int64_t deadline_unix_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!interrupted_) {
    int64_t left = deadline_unix_ms - clock_.NowUnixMs();
    if (left <= 0) return true;
    cv_.wait_for(lock, std::chrono::milliseconds(std::min<int64_t>(left, 1000)));
  }
  return false;
}

void SystemScheduleTimer::Interrupt() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    interrupted_ = true;
  }
  cv_.notify_all();
}

ScheduleJitterFn RandomScheduleJitter() {
  return [](int64_t max_ms) -> int64_t {
    if (max_ms <= 0) return 0;
    static thread_local std::mt19937_64 rng(std::random_device{}());
    return std::uniform_int_distribution<int64_t>(0, max_ms)(rng);
  };
}

Scheduler::Scheduler(ScheduleOptions options, ScheduleTimer& timer, ScheduleJitterFn jitter,
                     std::function<TickResult(int64_t slot_start_ms)> tick)
    : options_(options), timer_(timer), jitter_(std::move(jitter)), tick_(std::move(tick)) {
  if (!jitter_) jitter_ = RandomScheduleJitter();
  if (options_.every_ms <= 0) options_.every_ms = 1;
}

int64_t SlotStart(int64_t unix_ms, int64_t every_ms) {
  int64_t rem = unix_ms % every_ms;
  if (rem < 0) rem += every_ms;
  return unix_ms - rem;
}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  timer_.Interrupt();
  if (thread_.joinable()) thread_.join();
}

std::optional<int64_t> Scheduler::next_tick_unix_ms() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_tick_;
}

int Scheduler::ticks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ticks_;
}

bool Scheduler::SleepAndTick(int64_t at, int64_t slot, TickResult* result) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    next_tick_ = at;
  }
  if (!timer_.SleepUntil(at)) return false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    next_tick_.reset();
  }
  *result = tick_(slot);
  std::lock_guard<std::mutex> lock(mu_);
  ++ticks_;
  return true;
}

void Scheduler::Loop() {
  if (options_.slots) return SlotLoop();
  int64_t next = timer_.NowUnixMs() + jitter_(options_.jitter_ms);
  TickResult ignored;
  while (SleepAndTick(next, next, &ignored)) {
    next = timer_.NowUnixMs() + options_.every_ms + jitter_(options_.jitter_ms);
  }
}

void Scheduler::SlotLoop() {
  const int64_t every = options_.every_ms;
  const int64_t max_jitter = std::min(options_.jitter_ms, every / 2);
  int64_t at = timer_.NowUnixMs() + jitter_(max_jitter);
  int64_t slot = SlotStart(at, every);
  while (true) {
    TickResult result;
    if (!SleepAndTick(at, slot, &result)) return;
    const int64_t now = timer_.NowUnixMs();
    if (result.retry_at_ms > 0 && result.retry_at_ms < slot + every) {
      at = std::max(result.retry_at_ms, now);  // the same slot, when its claim lapses
      continue;
    }
    // The next slot after the one it is now (a run longer than a slot skips the slot it ran
    // into rather than starting it late).
    slot = std::max(slot, SlotStart(now, every)) + every;
    at = slot + jitter_(max_jitter);
  }
}

}  // namespace rollgate::internal
