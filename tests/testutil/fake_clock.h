#pragma once

#include "base/clock.h"

namespace rollgate::testing {

class FakeClock : public internal::Clock {
 public:
  explicit FakeClock(int64_t unix_ms = 1795564800000) : unix_ms_(unix_ms) {}  // 2026-11-25T00:00Z
  int64_t NowUnixMs() const override { return unix_ms_; }
  double NowMonoMs() const override { return static_cast<double>(unix_ms_); }
  void Advance(int64_t ms) { unix_ms_ += ms; }
  void Set(int64_t unix_ms) { unix_ms_ = unix_ms; }

 private:
  int64_t unix_ms_;
};

}  // namespace rollgate::testing
