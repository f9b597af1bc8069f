// The mock's record of what each client did (observations.h): a bounded, thread-safe log of
// attempts that the request handlers add to and the response paths update (a stall's hang-up
// happens long after the handler returned), and the query that turns a selection of it into
// Observations.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "base/headers.h"
#include "mock/observations.h"

namespace rollgate::mock {

/// Thread-safe.
class Observer {
 public:
  /// The log keeps the newest this many attempts; older ones are dropped (and no longer count).
  static constexpr std::size_t kMaxAttempts = 10000;
  /// A client that waited this much less than a Retry-After asked still honoured it (timers).
  static constexpr int64_t kRetryAfterAllowanceMs = 50;

  Observer() : start_(std::chrono::steady_clock::now()) {}
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;

  /// Milliseconds since construction, on the monotonic clock.
  int64_t NowMs() const;

  /// Stores `attempt` with the next sequence number and returns that number.
  int64_t Add(ObservedAttempt attempt);

  /// Runs `update` on attempt `seq` under the lock; does nothing when it has been dropped or
  /// cleared. `update` must not call back into the Observer.
  void Update(int64_t seq, const std::function<void(ObservedAttempt&)>& update);

  /// The attempts `query` selects and what they add up to.
  Observations Query(const ObservationQuery& query) const;

  void Clear();

 private:
  std::chrono::steady_clock::time_point start_;
  mutable std::mutex mu_;
  int64_t next_seq_ = 1;                  // guarded by mu_
  std::deque<ObservedAttempt> attempts_;  // guarded by mu_; ascending seq
};

/// The client identity in `headers` (User-Agent and X-Stainless-*), each value made printable
/// and bounded.
ClientIdentity IdentityFromHeaders(const internal::Headers& headers);

/// The names of `headers`, lower-cased, sorted and unique.
std::vector<std::string> HeaderNames(const internal::Headers& headers);

/// The first header's value as a non-negative integer (X-Stainless-Retry-Count); -1 when it is
/// absent or not a number.
int HeaderInt(const internal::Headers& headers, std::string_view name);

/// What an answer with these headers asked a client to wait before retrying: retry-after-ms,
/// else Retry-After in seconds (times 1000); -1 when neither is there or readable.
int64_t RetryAfterMs(const internal::Headers& headers);

}  // namespace rollgate::mock
