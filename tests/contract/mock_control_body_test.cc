#include "contract/mock_control_body.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rollgate::internal {
namespace {

TEST(MockControlBodyTest, StatsAreOneLineWithStatusesAsKeys) {
  MockStats stats;
  stats.requests_total = 3;
  stats.by_status = {{200, 2}, {503, 1}};
  stats.by_client_request_id = {{"probe-1", 3}};
  EXPECT_EQ(StatsJson(stats), R"({"requests_total":3,"by_status":{"200":2,"503":1},)"
                              R"("by_client_request_id":{"probe-1":3}})");
  EXPECT_EQ(StatsJson(MockStats()),
            R"({"requests_total":0,"by_status":{},"by_client_request_id":{}})");
}

TEST(MockControlBodyTest, ModelListKeepsTheGivenOrder) {
  EXPECT_EQ(ModelListJson({"b", "a"}),
            R"({"object":"list","data":[)"
            R"({"id":"b","object":"model","created":1715367049,"owned_by":"openai"},)"
            R"({"id":"a","object":"model","created":1715367049,"owned_by":"openai"}]})");
  EXPECT_EQ(ModelListJson({}), R"({"object":"list","data":[]})");
}

TEST(MockControlBodyTest, UnknownTimesAndCountsAreNull) {
  Observations o;
  o.requests = 1;
  ObservedAttempt a;
  a.seq = 1;
  a.arrived_ms = 5;
  a.outcome = "200";
  a.status = 200;
  a.request.token_field = "";
  o.log.push_back(a);
  nlohmann::json j = nlohmann::json::parse(ObservationsJson(o));
  const nlohmann::json& log = j["log"][0];
  EXPECT_EQ(log["arrived_ms"], 5);
  for (const char* key : {"answered_ms", "delay_ms", "retry_count", "declared_timeout_s",
                          "retry_after_ms", "stall", "client_closed_ms"}) {
    EXPECT_TRUE(log[key].is_null()) << key;
  }
  EXPECT_TRUE(log["request"]["token_field"].is_null());
  EXPECT_TRUE(j["retry_after"]["honoured"].is_null());
  EXPECT_TRUE(j["timeouts"]["body"]["timeout_ms"].is_null());
  EXPECT_TRUE(j["timeouts"]["body"]["stall_limit_ms"].is_null());
}

TEST(MockControlBodyTest, StallsAreNamedByKind) {
  EXPECT_STREQ(StallKindName(StallKind::kNone), "none");
  EXPECT_STREQ(StallKindName(StallKind::kHeaders), "headers");
  EXPECT_STREQ(StallKindName(StallKind::kBody), "body");
  EXPECT_STREQ(StallKindName(StallKind::kStream), "stream");
  Observations o;
  ObservedAttempt a;
  a.stall = StallKind::kBody;
  a.stall_started_ms = 10;
  o.log.push_back(a);
  nlohmann::json stall = nlohmann::json::parse(ObservationsJson(o))["log"][0]["stall"];
  EXPECT_EQ(stall["kind"], "body");
  EXPECT_EQ(stall["started_ms"], 10);
  EXPECT_TRUE(stall["limit_ms"].is_null());
}

}  // namespace
}  // namespace rollgate::internal
