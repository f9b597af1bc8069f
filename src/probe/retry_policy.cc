#include "probe/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "base/strings.h"

namespace rollgate::internal {

bool IsNeverRetriedStatus(int status) {
  return status == 400 || status == 401 || status == 403 || status == 404 || status == 422;
}

bool IsNonRetryableErrorCode(const std::optional<ErrorBody>& error) {
  if (!error) return false;
  if (error->code == "invalid_request" || error->code == "model_not_found" ||
      error->code == "invalid_api_key" || error->code == "insufficient_quota" ||
      error->type == "invalid_request_error") {
    return true;
  }
  // Gateways put auth failures in 5xx bodies too; a retry cannot fix a bad token.
  return ContainsIgnoreCase(error->message, "invalid token") ||
         ContainsIgnoreCase(error->message, "invalid api key") ||
         ContainsIgnoreCase(error->message, "incorrect api key");
}

std::optional<double> ServerRetryDelayMs(const Headers& headers, int64_t now_unix_ms) {
  auto parse_number = [](const std::string& s) -> std::optional<double> {
    std::string t = Trim(s);
    if (t.empty()) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end != '\0' || !std::isfinite(v) || v < 0) return std::nullopt;
    return v;
  };
  if (const std::string* ms = FindHeader(headers, "retry-after-ms")) {
    if (auto v = parse_number(*ms)) return *v;
  }
  if (const std::string* ra = FindHeader(headers, "retry-after")) {
    if (auto v = parse_number(*ra)) return *v * 1000.0;
    // An HTTP-date: "Wed, 21 Oct 2015 07:28:00 GMT".
    struct tm tm = {};
    const char* end = strptime(Trim(*ra).c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end != nullptr) {
      double when_ms = static_cast<double>(timegm(&tm)) * 1000.0;
      return std::max(0.0, when_ms - static_cast<double>(now_unix_ms));
    }
  }
  return std::nullopt;
}

namespace {

// Whether a failure is worth another attempt: `retry` with why it is, or why it is not.
struct RetryWorth {
  bool retry = false;
  std::string text;
};

RetryWorth TransportFailureWorth(const RetryPolicy& policy, TransportError error) {
  switch (error) {
    case TransportError::kDns:
    case TransportError::kConnect:
    case TransportError::kTimeout:
    case TransportError::kReset:
      if (!policy.retry_on_connection_errors) {
        return {false, std::string(TransportErrorName(error)) +
                           " is not retried (retry_on_connection_errors: false)"};
      }
      return {true, std::string(TransportErrorName(error)) + " is a connection error"};
    case TransportError::kIdleTimeout:
      return {false, "a stream that started is never retried"};
    case TransportError::kCancelled:
      return {false, "not retried: rollgate was interrupted"};
    default:
      return {false, std::string(TransportErrorName(error)) + " would fail again"};
  }
}

RetryWorth HttpFailureWorth(const RetryPolicy& policy, const HttpExchange& ex,
                            const std::optional<ErrorBody>& error) {
  std::string status = std::to_string(ex.status);
  const std::string* should = FindHeader(ex.headers, "x-should-retry");
  if (IsNeverRetriedStatus(ex.status)) return {false, status + " is never retried"};
  if (IsNonRetryableErrorCode(error)) {
    return {false, status + " with error code " +
                       (error->code.empty() ? error->type : error->code) + " is not retryable"};
  }
  if (should && *should == "false") {
    return {false, status + ": the server said x-should-retry: false"};
  }
  bool listed =
      std::find(policy.retry_on.begin(), policy.retry_on.end(), ex.status) != policy.retry_on.end();
  if (should && *should == "true") return {true, status + ": the server said x-should-retry: true"};
  if (listed) return {true, status + " is in retry_on"};
  return {false, status + " is not in retry_on"};
}

}  // namespace

RetryDecision DecideRetry(const RetryPolicy& policy, int attempt, const HttpExchange& ex,
                          const std::optional<ErrorBody>& error, double jitter,
                          int64_t now_unix_ms) {
  RetryDecision d;
  bool success = ex.transport_ok() && ex.status >= 200 && ex.status < 300;
  if (success) return d;

  // Is this failure worth another attempt at all?
  RetryWorth worth = ex.transport_ok() ? HttpFailureWorth(policy, ex, error)
                                       : TransportFailureWorth(policy, ex.error);
  if (!worth.retry) {
    d.reason = worth.text;
    return d;
  }
  const std::string& why = worth.text;
  if (attempt >= policy.max_attempts) {
    d.reason = why + ", but max_attempts (" + std::to_string(policy.max_attempts) + ") is used up";
    return d;
  }

  // How long to wait: the server's word first, within the cap; else exponential backoff.
  if (auto server = ServerRetryDelayMs(ex.headers, now_unix_ms); server && ex.transport_ok()) {
    if (*server > policy.retry_after_cap_ms) {
      d.reason = why + ", but Retry-After " + FormatDurationMs(*server) +
                 " exceeds retry_after_cap_ms (" + FormatDurationMs(policy.retry_after_cap_ms) +
                 ")";
      return d;
    }
    d.retry = true;
    d.delay_ms = *server;
    d.reason = why + "; waited " + FormatDurationMs(*server) + " as Retry-After asked";
    return d;
  }
  double nominal =
      std::min<double>(policy.backoff_ms * std::pow(2.0, attempt - 1), policy.max_backoff_ms);
  double factor = 1.0 - 0.25 * std::clamp(jitter, 0.0, 0.999999);
  d.retry = true;
  d.delay_ms = nominal * factor;
  d.reason = why + "; backed off " + FormatDurationMs(d.delay_ms);
  return d;
}

}  // namespace rollgate::internal
