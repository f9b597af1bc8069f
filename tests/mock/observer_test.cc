// The Observer's pieces without a network: reading a client's identity from its headers,
// header names, Retry-After, and how a query adds attempts up.
#include "mock/observer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/secret.h"
#include "mock/observations.h"

namespace rollgate::mock {
namespace {

TEST(MockObserverTest, ReadsTheOfficialSdksIdentityHeaders) {
  // What openai-node 6.49.0 sends on every request.
  internal::Headers h = {{"User-Agent", "OpenAI/JS 6.49.0"},
                         {"X-Stainless-Lang", "js"},
                         {"X-Stainless-Package-Version", "6.49.0"},
                         {"X-Stainless-OS", "Linux"},
                         {"X-Stainless-Arch", "x64"},
                         {"X-Stainless-Runtime", "node"},
                         {"X-Stainless-Runtime-Version", "v20.20.2"},
                         {"X-Stainless-Retry-Count", "2"},
                         {"X-Stainless-Timeout", "600"}};
  ClientIdentity id = IdentityFromHeaders(h);
  EXPECT_EQ(id.user_agent, "OpenAI/JS 6.49.0");
  EXPECT_EQ(id.sdk, "OpenAI/JS");
  EXPECT_EQ(id.sdk_version, "6.49.0");
  EXPECT_EQ(id.language, "js");
  EXPECT_EQ(id.runtime, "node v20.20.2");
  EXPECT_EQ(id.os, "Linux");
  EXPECT_EQ(HeaderInt(h, "x-stainless-retry-count"), 2);
  EXPECT_EQ(HeaderInt(h, "X-Stainless-Timeout"), 600);
}

TEST(MockObserverTest, ReadsAPlainUserAgentsLastProduct) {
  ClientIdentity curl = IdentityFromHeaders({{"user-agent", "curl/7.88.1"}});
  EXPECT_EQ(curl.sdk, "curl");
  EXPECT_EQ(curl.sdk_version, "7.88.1");
  EXPECT_EQ(curl.runtime, "");
  ClientIdentity app =
      IdentityFromHeaders({{"User-Agent", "sample_app/2.4.0 (linux) libcurl/7.88.1"}});
  EXPECT_EQ(app.sdk, "libcurl");
  EXPECT_EQ(app.sdk_version, "7.88.1");
  EXPECT_EQ(IdentityFromHeaders({}), ClientIdentity());
  // A hostile value is kept printable and bounded.
  ClientIdentity odd = IdentityFromHeaders({{"User-Agent", "x\x1b[31m/" + std::string(500, 'a')}});
  EXPECT_EQ(odd.user_agent.find('\x1b'), std::string::npos);
  EXPECT_LT(odd.user_agent.size(), 260u);
}

TEST(MockObserverTest, HeaderNamesAreLowerCasedSortedAndUnique) {
  EXPECT_EQ(HeaderNames({{"X-B", "1"}, {"Authorization", "Bearer sk-secret"}, {"x-b", "2"}}),
            (std::vector<std::string>{"authorization", "x-b"}));
}

TEST(MockObserverTest, RetryAfterPrefersMilliseconds) {
  EXPECT_EQ(RetryAfterMs({{"Retry-After", "2"}}), 2000);
  EXPECT_EQ(RetryAfterMs({{"Retry-After", "2"}, {"retry-after-ms", "250"}}), 250);
  EXPECT_EQ(RetryAfterMs({{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}), -1);
  EXPECT_EQ(RetryAfterMs({}), -1);
}

ObservedAttempt ObsChat(const std::string& outcome, int64_t arrived, int64_t answered,
                        const std::string& client_id = "") {
  ObservedAttempt a;
  a.path = "/v1/chat/completions";
  a.method = "POST";
  a.outcome = outcome;
  a.status = outcome == "timeout" ? 0 : std::stoi(outcome);
  a.arrived_ms = arrived;
  a.answered_ms = answered;
  a.client_request_id = client_id;
  a.key_fingerprint = internal::KeyFingerprint("sk-observer-test-key");
  return a;
}

TEST(MockObserverTest, AddsUpAttemptsDelaysAndRetryAfterPerClient) {
  Observer o;
  ObservedAttempt limited = ObsChat("429", 0, 10, "probe-1");
  limited.retry_after_ms = 500;
  o.Add(limited);
  o.Add(ObsChat("200", 600, 610, "probe-1"));  // waited 590 ms: honoured
  o.Add(ObsChat("401", 20, 25, "probe-2"));
  o.Add(ObsChat("401", 30, 35, "probe-2"));  // another client, 5 ms later
  Observations all = o.Query({});
  EXPECT_EQ(all.requests, 4);
  EXPECT_EQ(all.attempts, (std::map<std::string, int64_t>{{"200", 1}, {"401", 2}, {"429", 1}}));
  ASSERT_EQ(all.retry_after_waits.size(), 1u);
  EXPECT_EQ(all.retry_after_waits[0].asked_ms, 500);
  EXPECT_EQ(all.retry_after_waits[0].waited_ms, 590);
  EXPECT_EQ(all.retry_after_honoured, true);
  EXPECT_EQ(all.log[1].delay_ms, 590);
  EXPECT_EQ(all.log[3].delay_ms, 5);
  EXPECT_EQ(all.log[2].delay_ms, -1);

  Observations one = o.Query(ObservationQuery::ClientRequestId("probe-2"));
  EXPECT_EQ(one.requests, 2);
  EXPECT_FALSE(one.retry_after_honoured.has_value());
  EXPECT_EQ(o.Query(ObservationQuery::Key("sk-observer-test-key")).requests, 4);
  EXPECT_EQ(o.Query(ObservationQuery::Key("sk-other")).requests, 0);
}

TEST(MockObserverTest, ARetryBeforeTheAskedWaitIsNotHonoured) {
  Observer o;
  ObservedAttempt limited = ObsChat("429", 0, 0);
  limited.retry_after_ms = 1000;
  o.Add(limited);
  o.Add(ObsChat("200", 300, 300));
  EXPECT_EQ(o.Query({}).retry_after_honoured, false);
}

TEST(MockObserverTest, StallsBecomeTimeoutsPerKind) {
  Observer o;
  ObservedAttempt headers = ObsChat("timeout", 0, -1);
  headers.stall = StallKind::kHeaders;
  headers.stall_started_ms = 1;
  headers.stall_limit_ms = 5000;
  headers.client_closed_ms = 301;
  o.Add(headers);
  ObservedAttempt stream = ObsChat("timeout", 400, 401);
  stream.stall = StallKind::kStream;
  stream.stall_started_ms = 402;
  stream.stall_limit_ms = 800;  // the client never hung up
  o.Add(stream);
  Observations obs = o.Query({});
  EXPECT_EQ(obs.attempts["timeout"], 2);
  EXPECT_EQ(obs.headers_timeout.stalls, 1);
  EXPECT_EQ(obs.headers_timeout.hung_up, 1);
  EXPECT_EQ(obs.headers_timeout.timeout_ms, 300);
  EXPECT_EQ(obs.stream_timeout.stalls, 1);
  EXPECT_EQ(obs.stream_timeout.hung_up, 0);
  EXPECT_FALSE(obs.stream_timeout.timeout_ms.has_value());
  EXPECT_EQ(obs.stream_timeout.stall_limit_ms, 800);
  EXPECT_EQ(obs.body_timeout.stalls, 0);

  nlohmann::json j = nlohmann::json::parse(ObservationsJson(obs));
  EXPECT_EQ(j["timeouts"]["headers"]["timeout_ms"], 300);
  EXPECT_TRUE(j["timeouts"]["stream"]["timeout_ms"].is_null());
  EXPECT_EQ(j["log"][0]["stall"]["kind"], "headers");
  EXPECT_TRUE(j["log"][0]["answered_ms"].is_null());
  EXPECT_EQ(j["attempts"]["timeout"], 2);
}

TEST(MockObserverTest, UpdatesReachTheAttemptAndTheLogIsBounded) {
  Observer o;
  int64_t first = o.Add(ObsChat("200", 0, 0));
  o.Update(first, [](ObservedAttempt& a) { a.client_closed_ms = 42; });
  EXPECT_EQ(o.Query({}).log[0].client_closed_ms, 42);
  for (std::size_t i = 0; i < Observer::kMaxAttempts; ++i) o.Add(ObsChat("200", 1, 1));
  o.Update(first, [](ObservedAttempt& a) { a.client_closed_ms = 7; });  // dropped: no effect
  Observations obs = o.Query({});
  EXPECT_EQ(obs.requests, static_cast<int64_t>(Observer::kMaxAttempts));
  EXPECT_EQ(obs.log.front().seq, first + 1);
  o.Clear();
  EXPECT_EQ(o.Query({}).requests, 0);
}

}  // namespace
}  // namespace rollgate::mock
