// Time seam: wall-clock timestamps for records and monotonic time for durations.
// Tests pass a FakeClock (tests/testutil/fake_clock.h) so date- and latency-dependent logic
// runs without sleeping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rollgate/display.h"
#include "rollgate/environment.h"

namespace rollgate::internal {

// The interface is public (rollgate/environment.h).
using ::rollgate::Clock;

/// The process clock (std::chrono::system_clock / steady_clock).
class SystemClock : public Clock {
 public:
  int64_t NowUnixMs() const override;
  double NowMonoMs() const override;
  /// A process-wide instance; it holds no state.
  static const SystemClock& Get();
};

/// FormatIsoUtc is public (rollgate/display.h).
using ::rollgate::FormatIsoUtc;

/// Days since 1970-01-01 for a "YYYY-MM-DD" date, or nullopt when it is not a real date.
std::optional<int64_t> ParseIsoDate(std::string_view date);

/// Days since 1970-01-01 of the UTC day that contains `unix_ms`.
int64_t UnixDay(int64_t unix_ms);

}  // namespace rollgate::internal
