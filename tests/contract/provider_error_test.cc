#include "contract/provider_error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rollgate::internal {
namespace {

using mock::Flavor;
using nlohmann::json;
using ::testing::EndsWith;
using ::testing::HasSubstr;

ErrorDetails ModelErrorDetails() {
  ErrorDetails d;
  d.request_id = "20260101000000000000010abcdef0";
  d.model = "gpt-nope";
  return d;
}

TEST(ProviderErrorTest, CometApiEnvelopeCarriesTheIdInTheMessage) {
  ProviderError e = BuildError(Flavor::kCometApi, ErrorKind::kMissingModel, ModelErrorDetails());
  EXPECT_EQ(e.status, 400);
  json err = json::parse(e.body)["error"];
  EXPECT_EQ(err["message"], "model name is required (request id: 20260101000000000000010abcdef0)");
  EXPECT_EQ(err["type"], "comet_api_error");
  EXPECT_EQ(err["param"], "");
  EXPECT_TRUE(err["code"].is_string());
}

TEST(ProviderErrorTest, OpenAiEnvelopeHasNullParamAndNoIdInTheMessage) {
  ProviderError e = BuildError(Flavor::kOpenAi, ErrorKind::kUnknownModel, ModelErrorDetails());
  EXPECT_EQ(e.status, 404);
  json err = json::parse(e.body)["error"];
  EXPECT_EQ(err["message"], "The model `gpt-nope` does not exist or you do not have access to it.");
  EXPECT_EQ(err["type"], "invalid_request_error");
  EXPECT_TRUE(err["param"].is_null());
  EXPECT_EQ(err["code"], "model_not_found");
  EXPECT_THAT(e.body, ::testing::Not(HasSubstr("request id")));
}

TEST(ProviderErrorTest, StatusesFollowEachProvider) {
  struct Case {
    ErrorKind kind;
    int openai;
    int cometapi;
  };
  for (Case c :
       {Case{ErrorKind::kMissingToken, 401, 401}, Case{ErrorKind::kInvalidToken, 401, 401},
        Case{ErrorKind::kMalformedJson, 400, 400}, Case{ErrorKind::kMissingModel, 400, 400},
        Case{ErrorKind::kMissingMessages, 400, 500}, Case{ErrorKind::kUnknownModel, 404, 503},
        Case{ErrorKind::kModelDown, 503, 503}, Case{ErrorKind::kRateLimited, 429, 429},
        Case{ErrorKind::kBusy, 503, 503}}) {
    EXPECT_EQ(BuildError(Flavor::kOpenAi, c.kind, ModelErrorDetails()).status, c.openai);
    EXPECT_EQ(BuildError(Flavor::kCometApi, c.kind, ModelErrorDetails()).status, c.cometapi);
  }
}

TEST(ProviderErrorTest, CometApiQuirksAreReproduced) {
  json missing = json::parse(
      BuildError(Flavor::kCometApi, ErrorKind::kMissingMessages, ModelErrorDetails()).body);
  EXPECT_EQ(missing["error"]["code"], "invalid_request");
  json unknown = json::parse(
      BuildError(Flavor::kCometApi, ErrorKind::kUnknownModel, ModelErrorDetails()).body);
  EXPECT_EQ(unknown["error"]["code"], "model_not_found");
  EXPECT_THAT(unknown["error"]["message"].get<std::string>(),
              ::testing::StartsWith(
                  "no available channel for group default and model gpt-nope (distributor)"));
  json busy =
      json::parse(BuildError(Flavor::kCometApi, ErrorKind::kBusy, ModelErrorDetails()).body);
  EXPECT_EQ(busy["error"]["type"], "bad_response_status_code");
  EXPECT_EQ(busy["error"]["code"], "bad_response_status_code");
}

TEST(ProviderErrorTest, WithoutAnIdCometApiMessagesHaveNoSuffix) {
  ErrorDetails d = ModelErrorDetails();
  d.request_id.clear();
  json err = json::parse(BuildError(Flavor::kCometApi, ErrorKind::kInvalidToken, d).body)["error"];
  EXPECT_EQ(err["message"], "invalid token");
  EXPECT_THAT(err["message"].get<std::string>(), ::testing::Not(EndsWith(")")));
}

}  // namespace
}  // namespace rollgate::internal
