#include "probe/retry_policy.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

HttpExchange Status_(int status, Headers headers = {}) {
  HttpExchange ex;
  ex.status = status;
  ex.headers = std::move(headers);
  return ex;
}

ErrorBody Code(const std::string& code) {
  ErrorBody e;
  e.code = code;
  return e;
}

struct Row {
  int status;
  bool retry;
};

TEST(RetryPolicyTest, StatusTable) {
  RetryPolicy policy;  // defaults: 408 409 429 500 502 503 504 524
  policy.max_attempts = 3;
  const Row rows[] = {{200, false}, {400, false}, {401, false}, {403, false},
                      {404, false}, {408, true},  {409, true},  {422, false},
                      {429, true},  {500, true},  {501, false}, {502, true},
                      {503, true},  {504, true},  {524, true},  {301, false}};
  for (const Row& row : rows) {
    RetryDecision d = DecideRetry(policy, 1, Status_(row.status), std::nullopt, 0.0, 0);
    EXPECT_EQ(d.retry, row.retry) << row.status << ": " << d.reason;
  }
}

TEST(RetryPolicyTest, NeverRetriedEvenWhenConfigured) {
  RetryPolicy policy;
  policy.retry_on = {400, 401, 403, 404, 422, 503};
  for (int s : {400, 401, 403, 404, 422}) {
    RetryDecision d = DecideRetry(policy, 1, Status_(s), std::nullopt, 0.0, 0);
    EXPECT_FALSE(d.retry) << s;
    EXPECT_NE(d.reason.find("never retried"), std::string::npos);
  }
}

TEST(RetryPolicyTest, CometApiNonRetryableCodesOn5xx) {
  RetryPolicy policy;
  EXPECT_FALSE(DecideRetry(policy, 1, Status_(500), Code("invalid_request"), 0, 0).retry);
  RetryDecision d = DecideRetry(policy, 1, Status_(503), Code("model_not_found"), 0, 0);
  EXPECT_FALSE(d.retry);
  EXPECT_NE(d.reason.find("model_not_found"), std::string::npos);
  EXPECT_TRUE(DecideRetry(policy, 1, Status_(503), Code("bad_response_status_code"), 0, 0).retry);
  ErrorBody token;
  token.message = "invalid token (request id: x)";
  EXPECT_FALSE(DecideRetry(policy, 1, Status_(500), token, 0, 0).retry);
}

TEST(RetryPolicyTest, AttemptsRunOut) {
  RetryPolicy policy;
  policy.max_attempts = 2;
  EXPECT_TRUE(DecideRetry(policy, 1, Status_(503), std::nullopt, 0, 0).retry);
  RetryDecision d = DecideRetry(policy, 2, Status_(503), std::nullopt, 0, 0);
  EXPECT_FALSE(d.retry);
  EXPECT_NE(d.reason.find("max_attempts"), std::string::npos);
}

TEST(RetryPolicyTest, ExponentialBackoffWithJitterAndCap) {
  RetryPolicy policy;
  policy.max_attempts = 10;
  policy.backoff_ms = 500;
  policy.max_backoff_ms = 8000;
  EXPECT_DOUBLE_EQ(DecideRetry(policy, 1, Status_(503), std::nullopt, 0.0, 0).delay_ms, 500);
  EXPECT_DOUBLE_EQ(DecideRetry(policy, 2, Status_(503), std::nullopt, 0.0, 0).delay_ms, 1000);
  EXPECT_DOUBLE_EQ(DecideRetry(policy, 9, Status_(503), std::nullopt, 0.0, 0).delay_ms, 8000);
  double jittered = DecideRetry(policy, 1, Status_(503), std::nullopt, 0.999, 0).delay_ms;
  EXPECT_GT(jittered, 375);
  EXPECT_LT(jittered, 500);
}

TEST(RetryPolicyTest, RetryAfterHonouredWithinCapRefusedBeyond) {
  RetryPolicy policy;
  policy.retry_after_cap_ms = 60000;
  RetryDecision d =
      DecideRetry(policy, 1, Status_(429, {{"Retry-After", "2"}}), std::nullopt, 0, 0);
  EXPECT_TRUE(d.retry);
  EXPECT_DOUBLE_EQ(d.delay_ms, 2000);
  d = DecideRetry(policy, 1, Status_(429, {{"retry-after-ms", "150"}, {"Retry-After", "9"}}),
                  std::nullopt, 0, 0);
  EXPECT_DOUBLE_EQ(d.delay_ms, 150);
  d = DecideRetry(policy, 1, Status_(429, {{"Retry-After", "300"}}), std::nullopt, 0, 0);
  EXPECT_FALSE(d.retry);
  EXPECT_NE(d.reason.find("exceeds retry_after_cap_ms"), std::string::npos);
  // An HTTP-date 5 s after "now".
  d = DecideRetry(policy, 1, Status_(503, {{"Retry-After", "Thu, 01 Jan 1970 00:00:15 GMT"}}),
                  std::nullopt, 0, 10000);
  EXPECT_DOUBLE_EQ(d.delay_ms, 5000);
}

TEST(RetryPolicyTest, ServerCanSayShouldRetry) {
  RetryPolicy policy;
  EXPECT_FALSE(
      DecideRetry(policy, 1, Status_(503, {{"x-should-retry", "false"}}), std::nullopt, 0, 0)
          .retry);
  EXPECT_TRUE(
      DecideRetry(policy, 1, Status_(418, {{"x-should-retry", "true"}}), std::nullopt, 0, 0).retry);
}

TEST(RetryPolicyTest, ConnectionErrorsRetriedButTlsAndIdleNot) {
  RetryPolicy policy;
  HttpExchange ex;
  ex.error = TransportError::kConnect;
  EXPECT_TRUE(DecideRetry(policy, 1, ex, std::nullopt, 0, 0).retry);
  ex.error = TransportError::kTimeout;
  EXPECT_TRUE(DecideRetry(policy, 1, ex, std::nullopt, 0, 0).retry);
  ex.error = TransportError::kTls;
  EXPECT_FALSE(DecideRetry(policy, 1, ex, std::nullopt, 0, 0).retry);
  ex.error = TransportError::kIdleTimeout;
  EXPECT_FALSE(DecideRetry(policy, 1, ex, std::nullopt, 0, 0).retry);
  policy.retry_on_connection_errors = false;
  ex.error = TransportError::kConnect;
  EXPECT_FALSE(DecideRetry(policy, 1, ex, std::nullopt, 0, 0).retry);
}

}  // namespace
}  // namespace rollgate::internal
