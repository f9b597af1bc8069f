// Time seam: wall-clock timestamps for records and monotonic time for durations.
// Tests pass a FakeClock (tests/testutil/fake_clock.h) so date- and latency-dependent logic
// runs without sleeping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rollgate::internal {

class Clock {
 public:
  virtual ~Clock() = default;
  /// Milliseconds since the Unix epoch (UTC), for timestamps in evidence.
  virtual int64_t NowUnixMs() const = 0;
  /// Milliseconds on a monotonic clock, for durations. Never goes backwards.
  virtual double NowMonoMs() const = 0;
};

/// The process clock (std::chrono::system_clock / steady_clock).
class SystemClock : public Clock {
 public:
  int64_t NowUnixMs() const override;
  double NowMonoMs() const override;
  /// A process-wide instance; it holds no state.
  static const SystemClock& Get();
};

/// "2026-11-25T10:03:07.123Z".
std::string FormatIsoUtc(int64_t unix_ms);

/// Days since 1970-01-01 for a "YYYY-MM-DD" date, or nullopt when it is not a real date.
std::optional<int64_t> ParseIsoDate(std::string_view date);

/// Days since 1970-01-01 of the UTC day that contains `unix_ms`.
int64_t UnixDay(int64_t unix_ms);

}  // namespace rollgate::internal
