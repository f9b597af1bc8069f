// The schedule of `rollgate serve`: a gate run every `schedule.every` plus a random jitter of up
// to `schedule.jitter` (so replicas and neighbours do not call the provider in lockstep). The
// first run comes after the jitter alone, so a fresh serve has metrics within seconds. The wait
// is measured from the end of the previous tick: a slow run delays the next one rather than
// queueing runs behind it.
//
// Replicas that share a history (PostgreSQL) run on slots instead: time is cut into slots of
// `every`, aligned to the Unix epoch so every replica cuts it alike, and each slot is claimed in
// the history before it runs (src/serve/run_coordinator.h). A replica ticks once per slot, at
// the slot's start plus its jitter (the first tick: the current slot, after the jitter alone);
// one that finds the slot held by another replica ticks again when that claim lapses, so a
// replica killed mid-run leaves its slot to the next. A slot that has passed is never run late.
//
// Time is a seam (ScheduleTimer): production sleeps on the system clock, tests advance a fake
// timer and watch the loop react, without waiting ten minutes.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "base/clock.h"

namespace rollgate::internal {

class ScheduleTimer {
 public:
  virtual ~ScheduleTimer() = default;
  virtual int64_t NowUnixMs() const = 0;
  /// Blocks until NowUnixMs() >= deadline_unix_ms (true) or Interrupt() (false, at once if it
  /// was already interrupted).
  virtual bool SleepUntil(int64_t deadline_unix_ms) = 0;
  /// Wakes SleepUntil now and for good.
  virtual void Interrupt() = 0;
};

/// Sleeps on a condition variable in steps of at most a second, re-reading the wall clock each
/// time, so a clock step (NTP) moves the deadline instead of stranding it.
class SystemScheduleTimer : public ScheduleTimer {
 public:
  explicit SystemScheduleTimer(const Clock& clock = SystemClock::Get()) : clock_(clock) {}
  int64_t NowUnixMs() const override { return clock_.NowUnixMs(); }
  bool SleepUntil(int64_t deadline_unix_ms) override;
  void Interrupt() override;

 private:
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool interrupted_ = false;
};

/// Returns a uniformly random wait in [0, max_ms].
using ScheduleJitterFn = std::function<int64_t(int64_t max_ms)>;
ScheduleJitterFn RandomScheduleJitter();

struct ScheduleOptions {
  int64_t every_ms = 600000;
  int64_t jitter_ms = 30000;
  bool slots = false;  // epoch-aligned slots for replicas (jitter then at most half a slot)
};

/// What a tick asks of the scheduler.
struct TickResult {
  int64_t retry_at_ms = 0;  // slots: tick this slot again then (0: go on to the next slot)
};

/// The start of the slot of length `every_ms` that contains `unix_ms`.
int64_t SlotStart(int64_t unix_ms, int64_t every_ms);

class Scheduler {
 public:
  /// `tick` runs on the scheduler's thread (a gate run, through the run coordinator), with the
  /// start of the slot it is for (without slots: the time of the tick); `timer` must outlive
  /// the scheduler.
  Scheduler(ScheduleOptions options, ScheduleTimer& timer, ScheduleJitterFn jitter,
            std::function<TickResult(int64_t slot_start_ms)> tick);
  ~Scheduler();  // Stop()s
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void Start();
  /// Interrupts the wait and joins. A tick in progress is finished first (the coordinator
  /// bounds it). Idempotent.
  void Stop();

  /// When the next tick is due (unix ms); nullopt before the first wait or while ticking.
  std::optional<int64_t> next_tick_unix_ms() const;
  int ticks() const;

 private:
  void Loop();
  void SlotLoop();
  /// Sleeps until `at` (shown by next_tick_unix_ms), then ticks; false when interrupted.
  bool SleepAndTick(int64_t at, int64_t slot, TickResult* result);

  ScheduleOptions options_;
  ScheduleTimer& timer_;
  ScheduleJitterFn jitter_;
  std::function<TickResult(int64_t slot_start_ms)> tick_;
  std::thread thread_;

  mutable std::mutex mu_;
  std::optional<int64_t> next_tick_;
  int ticks_ = 0;
};

}  // namespace rollgate::internal
