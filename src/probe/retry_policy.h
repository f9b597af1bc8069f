// Whether to make another attempt, and when (FACTS §3.2, §1.4). A pure function, tested as a
// table of cases; the probe applies it between attempts.
#pragma once

#include <optional>
#include <string>

#include "contract/error_body.h"
#include "probe/http_transport.h"
#include "rollgate/config.h"

namespace rollgate::internal {

struct RetryDecision {
  bool retry = false;
  double delay_ms = 0;
  std::string reason;  // "503 is in retry_on", "401 is never retried", ...
};

/// Statuses no policy may retry: the request itself is wrong, retrying only repeats it.
bool IsNeverRetriedStatus(int status);

/// Error codes that say "this will fail again", even on a 5xx (CometAPI sends
/// invalid_request as 500 and model_not_found as 503).
bool IsNonRetryableErrorCode(const std::optional<ErrorBody>& error);

/// `attempt` is the 1-based number of the attempt that just ended. `jitter` in [0, 1) picks
/// the backoff within (0.75, 1] of its nominal value. `now_unix_ms` is for HTTP-date
/// Retry-After values.
RetryDecision DecideRetry(const RetryPolicy& policy, int attempt, const HttpExchange& exchange,
                          const std::optional<ErrorBody>& error, double jitter,
                          int64_t now_unix_ms);

/// The server-directed delay in ms from retry-after-ms / Retry-After (seconds or HTTP-date),
/// or nullopt when none or unparseable.
std::optional<double> ServerRetryDelayMs(const Headers& headers, int64_t now_unix_ms);

}  // namespace rollgate::internal
