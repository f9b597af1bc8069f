#include "checks/describe_exchange.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

HttpExchange DescribeExchangeOf(int status, std::string body, std::string content_type) {
  HttpExchange ex;
  ex.status = status;
  ex.body = std::move(body);
  if (!content_type.empty()) ex.headers = {{"Content-Type", content_type}};
  return ex;
}

TEST(DescribeExchangeTest, ErrorEnvelopeGivesStatusCodeAndMessage) {
  ErrorBody err;
  err.type = "invalid_request_error";
  err.code = "model_not_found";
  err.message = "no such model";
  EXPECT_EQ(DescribeHttpError(DescribeExchangeOf(404, "{}", "application/json"), err),
            "404 model_not_found: no such model");
  err.code.clear();
  EXPECT_EQ(DescribeHttpError(HttpExchange{}, err), "invalid_request_error: no such model");
}

TEST(DescribeExchangeTest, NonEnvelopeBodyGivesContentTypeAndFirstBytes) {
  EXPECT_EQ(
      DescribeHttpError(DescribeExchangeOf(502, "<html>bad gateway", "text/html"), std::nullopt),
      "502, Content-Type text/html, first bytes: \"<html>bad gateway\"");
  EXPECT_EQ(DescribeHttpError(HttpExchange{}, std::nullopt), "an error");
  EXPECT_EQ(ContentTypeOf(DescribeExchangeOf(200, "", "")), "(none)");
}

TEST(DescribeExchangeTest, AttemptsListStatusesAndTransportErrors) {
  ProbeOutcome o;
  Attempt failed;
  failed.exchange.error = TransportError::kTimeout;
  Attempt ok;
  ok.exchange.status = 200;
  o.attempts = {failed, ok};
  EXPECT_EQ(DescribeAttempts(o), "2 attempts (timeout, 200)");
  o.attempts = {ok};
  EXPECT_EQ(DescribeAttempts(o), "1 attempt (200)");
}

TEST(DescribeExchangeTest, StatusListJoinsWithSlashes) {
  EXPECT_EQ(StatusList({401, 403}), "401/403");
  EXPECT_EQ(StatusList({401}), "401");
  EXPECT_EQ(StatusList({}), "");
}

}  // namespace
}  // namespace rollgate::internal
