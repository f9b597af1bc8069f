// Bounded waiting on a condition, so tests synchronise on observable state instead of sleeps.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace rollgate::testing {

/// Polls `condition` every millisecond until it holds or `timeout` passes. Returns whether it
/// held.
inline bool WaitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

/// Milliseconds a call took, on the monotonic clock.
template <typename F>
double ElapsedMs(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace rollgate::testing
