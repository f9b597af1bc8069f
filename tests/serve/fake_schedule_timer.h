// A ScheduleTimer whose time only moves when the test says so: the scheduler's loop can be
// driven through days of schedule in milliseconds, and the test can see where it is parked.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include "base/clock.h"
#include "serve/scheduler.h"

namespace rollgate::testing {

/// A fake clock that other threads may read while the test moves it (the run coordinator reads
/// it from webhook and scheduler threads). Starts at 2026-11-25T10:00:00Z.
class SharedFakeClock : public internal::Clock {
 public:
  explicit SharedFakeClock(int64_t unix_ms = 1795600800000) : unix_ms_(unix_ms) {}
  int64_t NowUnixMs() const override { return unix_ms_.load(); }
  double NowMonoMs() const override { return static_cast<double>(unix_ms_.load()); }
  void Advance(int64_t ms) { unix_ms_ += ms; }
  void Set(int64_t unix_ms) { unix_ms_ = unix_ms; }

 private:
  std::atomic<int64_t> unix_ms_;
};

class FakeScheduleTimer : public internal::ScheduleTimer {
 public:
  /// Time is `clock`'s, so the run coordinator's caps see the same days as the schedule.
  explicit FakeScheduleTimer(SharedFakeClock& clock) : clock_(clock) {}

  int64_t NowUnixMs() const override { return clock_.NowUnixMs(); }
  bool SleepUntil(int64_t deadline_unix_ms) override {
    std::unique_lock<std::mutex> lock(mu_);
    sleeping_until_ = deadline_unix_ms;
    cv_.notify_all();
    cv_.wait(lock, [&] { return interrupted_ || clock_.NowUnixMs() >= deadline_unix_ms; });
    sleeping_until_.reset();
    return !interrupted_;
  }
  void Interrupt() override {
    std::lock_guard<std::mutex> lock(mu_);
    interrupted_ = true;
    cv_.notify_all();
  }

  /// Moves time forward and wakes the sleeper.
  void Advance(int64_t ms) {
    std::lock_guard<std::mutex> lock(mu_);
    clock_.Advance(ms);
    cv_.notify_all();
  }
  /// The deadline the scheduler is sleeping until, or nullopt when it is not sleeping.
  std::optional<int64_t> sleeping_until() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeping_until_;
  }

 private:
  SharedFakeClock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<int64_t> sleeping_until_;
  bool interrupted_ = false;
};

}  // namespace rollgate::testing
