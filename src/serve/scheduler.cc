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
                     std::function<void()> tick)
    : options_(options), timer_(timer), jitter_(std::move(jitter)), tick_(std::move(tick)) {
  if (!jitter_) jitter_ = RandomScheduleJitter();
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

void Scheduler::Loop() {
  int64_t next = timer_.NowUnixMs() + jitter_(options_.jitter_ms);
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      next_tick_ = next;
    }
    if (!timer_.SleepUntil(next)) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      next_tick_.reset();
    }
    tick_();
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++ticks_;
    }
    next = timer_.NowUnixMs() + options_.every_ms + jitter_(options_.jitter_ms);
  }
}

}  // namespace rollgate::internal
