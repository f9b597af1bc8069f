// A one-shot "the server is stopping" signal that sleeping handlers wait on. Every delay a
// handler takes (latency, a slow scenario, a stalled stream) waits on it, so Stop() wakes them
// all at once instead of waiting for the longest sleep to run out.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace rollgate::internal {

/// Thread-safe. Once triggered it stays triggered.
class StopSignal {
 public:
  StopSignal() = default;
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  /// Wakes every waiter, now and in the future.
  void Trigger();
  bool triggered() const;

  /// Sleeps for `duration` unless the signal fires first. Returns true when the whole duration
  /// passed, false when the signal fired (at once if it already had). A zero or negative
  /// duration returns !triggered() without sleeping.
  bool WaitFor(std::chrono::milliseconds duration) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool triggered_ = false;
};

}  // namespace rollgate::internal
