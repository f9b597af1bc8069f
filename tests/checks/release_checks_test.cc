#include "checks/release_checks.h"

#include <gtest/gtest.h>

#include "contract/app_protocol.h"

namespace rollgate::internal {
namespace {

const char kGood[] = R"({"id":"c","object":"chat.completion","model":"gpt-4o-mini-2024-07-18",
  "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"{\"ok\":true,\"label\":\"rollback-smoke\"}"}}],
  "usage":{"prompt_tokens":20,"completion_tokens":9,"total_tokens":29}})";

class ReleaseChecksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.name = "rollback";
    profile_.config = &config_;
    profile_.name = "rollback";
    profile_.version = "2.3.1";
    profile_.endpoint = "https://api.cometapi.com/v1/chat/completions";
    profile_.method = "POST";
    profile_.path = "/v1/chat/completions";
    profile_.model = "gpt-4o-mini";
    profile_.key_fingerprint = "sha256:0123456789ab";
    profile_.provenance = {
        {"api_key", "env COMETAPI_KEY_ROLLBACK"}, {"model", "literal"}, {"base_url", "literal"}};
  }

  static Attempt MakeAttempt(int status, std::string body,
                             std::string content_type = "application/json") {
    Attempt a;
    a.exchange.status = status;
    a.exchange.body = std::move(body);
    a.exchange.headers = {{"Content-Type", content_type}};
    a.exchange.end_ms = 120;
    if (status < 200 || status >= 300) a.error_body = ParseErrorBody(a.exchange.body);
    return a;
  }

  ReleaseEvaluation Evaluate(std::vector<Attempt> attempts) {
    ProbeOutcome o;
    o.attempts = std::move(attempts);
    o.finished_ms = 120;
    ReleaseProbes probes;
    probes.chat = o;
    return EvaluateRelease(profile_, probes, Contract{}, Thresholds{});
  }

  static const CheckResult& Get(const ReleaseEvaluation& e, const std::string& id) {
    for (const auto& c : e.checks) {
      if (c.id == id) return c;
    }
    static CheckResult none;
    ADD_FAILURE() << "no check " << id;
    return none;
  }

  ReleaseConfig config_;
  ReleaseProfile profile_;
};

TEST_F(ReleaseChecksTest, HealthyAnswerPassesEveryCheck) {
  ReleaseEvaluation e = Evaluate({MakeAttempt(200, kGood)});
  ASSERT_EQ(e.checks.size(), 9u);
  for (const auto& c : e.checks) {
    if (c.id == "streaming") {
      EXPECT_EQ(c.status, CheckStatus::kSkip);
    } else {
      EXPECT_EQ(c.status, CheckStatus::kPass) << c.id << ": " << c.detail;
    }
  }
  EXPECT_NE(Get(e, "model").detail.find("snapshot 'gpt-4o-mini-2024-07-18'"), std::string::npos);
  EXPECT_EQ(*e.parsed.content_json, R"({"ok":true,"label":"rollback-smoke"})");
  EXPECT_EQ(e.parsed.total_tokens, 29);
}

TEST_F(ReleaseChecksTest, RotatedKeyFailsAuthenticationAndStopsTheChain) {
  ReleaseEvaluation e = Evaluate({MakeAttempt(
      401,
      R"({"error":{"message":"invalid token","type":"comet_api_error","param":"","code":""}})")});
  EXPECT_EQ(Get(e, "connectivity").status, CheckStatus::kPass);
  const CheckResult& auth = Get(e, "authentication");
  EXPECT_EQ(auth.status, CheckStatus::kFail);
  EXPECT_NE(auth.detail.find("sha256:0123456789ab from env COMETAPI_KEY_ROLLBACK"),
            std::string::npos);
  EXPECT_EQ(Get(e, "model").status, CheckStatus::kSkip);
  EXPECT_EQ(Get(e, "model").detail, "not reached: authentication failed");
  EXPECT_EQ(Get(e, "latency").status, CheckStatus::kSkip);
}

TEST_F(ReleaseChecksTest, CometApiModelNotFoundIsAModelFailureNotAnOutage) {
  ReleaseEvaluation e = Evaluate({MakeAttempt(
      503,
      R"J({"error":{"message":"no available channel for group default and model gpt-4o-mini (distributor) (request id: r1)","type":"comet_api_error","param":"","code":"model_not_found"}})J")});
  EXPECT_EQ(Get(e, "connectivity").status, CheckStatus::kPass);
  EXPECT_EQ(Get(e, "authentication").status, CheckStatus::kPass);
  EXPECT_EQ(Get(e, "model").status, CheckStatus::kFail);
  EXPECT_NE(Get(e, "model").detail.find("503 model_not_found"), std::string::npos);
}

// An exec or http probe has no model of its own: the detail names what the app chose and
// never prints an empty requested model.
TEST_F(ReleaseChecksTest, AppChosenModelIsReportedAsTheAppsChoice) {
  profile_.model.clear();
  ReleaseEvaluation e = Evaluate({MakeAttempt(200, kGood)});
  EXPECT_EQ(Get(e, "model").status, CheckStatus::kPass);
  EXPECT_EQ(Get(e, "model").detail, "the app chose its model; served by 'gpt-4o-mini-2024-07-18'");
  ReleaseEvaluation missing = Evaluate({MakeAttempt(
      404,
      R"({"error":{"message":"no such model","type":"invalid_request_error","param":null,"code":"model_not_found"}})")});
  EXPECT_EQ(Get(missing, "model").status, CheckStatus::kFail);
  EXPECT_EQ(Get(missing, "model").detail.find("''"), std::string::npos)
      << Get(missing, "model").detail;
  EXPECT_NE(Get(missing, "model").detail.find("the model the app chose is not served"),
            std::string::npos)
      << Get(missing, "model").detail;
}

// An app whose SDK hides [DONE] cannot say whether it came: the evidence says "unknown" once,
// and never that it was seen.
TEST_F(ReleaseChecksTest, AppThatDoesNotReportDoneLeavesItUnknown) {
  config_.stream = true;
  AppAnswer answer = ParseAppAnswer(
      R"({"status":200,"content":"{\"ok\":true,\"label\":\"rollback-smoke\"}","finish_reason":"stop","chunks":4})",
      {});
  ASSERT_TRUE(answer.valid) << answer.problem;
  ProbeOutcome chat;
  chat.attempts = {MakeAttempt(200, kGood)};
  ProbeOutcome stream = chat;
  stream.stream = AppAnswerAsStream(answer);
  ReleaseProbes probes;
  probes.chat = chat;
  probes.stream = stream;
  probes.via = "the smoke command `app smoke`";
  probes.chat_parsed = answer.chat;
  ReleaseEvaluation e = EvaluateRelease(profile_, probes, Contract{}, Thresholds{});
  const CheckResult& c = Get(e, "streaming");
  EXPECT_EQ(c.status, CheckStatus::kPass) << c.detail;
  EXPECT_TRUE(c.warning);
  EXPECT_FALSE(e.stream.done_seen.has_value());
  EXPECT_NE(c.detail.find("[DONE] not reported by the app"), std::string::npos) << c.detail;
  EXPECT_EQ(c.detail.find("[DONE]"), c.detail.rfind("[DONE]")) << "said once: " << c.detail;
  EXPECT_EQ(c.detail.find("seen"), std::string::npos) << c.detail;

  answer.done = true;
  probes.stream->stream = AppAnswerAsStream(answer);
  ReleaseEvaluation reported = EvaluateRelease(profile_, probes, Contract{}, Thresholds{});
  EXPECT_EQ(reported.stream.done_seen, std::optional<bool>(true));
  EXPECT_NE(Get(reported, "streaming").detail.find("[DONE] seen by the smoke command"),
            std::string::npos);
}

TEST_F(ReleaseChecksTest, ErrorObjectInA200FailsParserNeverContent) {
  ReleaseEvaluation e =
      Evaluate({MakeAttempt(200, R"({"error":{"message":"upstream","type":"x","code":"y"}})")});
  EXPECT_EQ(Get(e, "parser_compatibility").status, CheckStatus::kFail);
  EXPECT_NE(Get(e, "parser_compatibility").detail.find("carries an error object"),
            std::string::npos);
  EXPECT_EQ(Get(e, "content_sanity").status, CheckStatus::kSkip);
}

TEST_F(ReleaseChecksTest, HtmlFromAProxyNamesContentTypeAndFirstBytes) {
  ReleaseEvaluation e = Evaluate(
      {MakeAttempt(502, "<html><head><title>502 Bad Gateway</title></head></html>", "text/html")});
  const CheckResult& c = Get(e, "connectivity");
  EXPECT_EQ(c.status, CheckStatus::kFail);
  EXPECT_NE(c.detail.find("Content-Type text/html"), std::string::npos);
  EXPECT_NE(c.detail.find("<html><head><title>502"), std::string::npos);
}

TEST_F(ReleaseChecksTest, RedirectNamesTheLocation) {
  Attempt a = MakeAttempt(301, "<html>moved</html>", "text/html");
  a.exchange.location = "https://www.example.com/";
  ReleaseEvaluation e = Evaluate({a});
  EXPECT_EQ(Get(e, "connectivity").status, CheckStatus::kFail);
  EXPECT_NE(Get(e, "connectivity").detail.find("301 redirect to https://www.example.com/"),
            std::string::npos);
}

TEST_F(ReleaseChecksTest, PassAfterRetryIsVisible) {
  ReleaseEvaluation e = Evaluate(
      {MakeAttempt(503,
                   R"({"error":{"message":"busy","type":"x","code":"bad_response_status_code"}})"),
       MakeAttempt(200, kGood)});
  const CheckResult& c = Get(e, "connectivity");
  EXPECT_EQ(c.status, CheckStatus::kPass);
  EXPECT_TRUE(c.warning);
  EXPECT_NE(c.detail.find("passed after 1 retry"), std::string::npos);
  EXPECT_NE(Get(e, "latency").detail.find("1 retry included"), std::string::npos);
}

TEST_F(ReleaseChecksTest, TimeoutIsClassifiedAndBounded) {
  Attempt a;
  a.exchange.error = TransportError::kTimeout;
  a.exchange.error_detail = "connected to api.cometapi.com:443 but no response within 20 s";
  config_.timeout_ms = 20000;
  ReleaseEvaluation e = Evaluate({a});
  EXPECT_EQ(Get(e, "connectivity").status, CheckStatus::kFail);
  EXPECT_NE(Get(e, "connectivity").detail.find("timeout_ms 20000"), std::string::npos);
}

TEST_F(ReleaseChecksTest, UnresolvedSourceFailsConfigurationAndSkipsTheRest) {
  profile_.errors = {
      "api_key from env COMETAPI_KEY_ROLLBACK: env COMETAPI_KEY_ROLLBACK is not set"};
  ReleaseEvaluation e = EvaluateRelease(profile_, ReleaseProbes{}, Contract{}, Thresholds{});
  EXPECT_EQ(Get(e, "configuration").status, CheckStatus::kFail);
  EXPECT_EQ(Get(e, "configuration").detail,
            "releases.rollback: api_key from env COMETAPI_KEY_ROLLBACK: env COMETAPI_KEY_ROLLBACK "
            "is not set");
  for (const auto& c : e.checks) {
    if (c.id != "configuration") {
      EXPECT_EQ(c.status, CheckStatus::kSkip) << c.id;
    }
  }
}

TEST_F(ReleaseChecksTest, OversizedSmokeFailsTheTokenBudget) {
  ProbeOutcome o;
  o.attempts = {
      MakeAttempt(200, R"({"object":"chat.completion","choices":[{"index":0,"finish_reason":"stop",
    "message":{"role":"assistant","content":"{\"ok\":true,\"label\":\"rollback-smoke\"}"}}],
    "usage":{"prompt_tokens":1500,"completion_tokens":9,"total_tokens":1509}})")};
  o.finished_ms = 120;
  ReleaseProbes probes;
  probes.chat = o;
  ReleaseEvaluation e = EvaluateRelease(profile_, probes, Contract{}, Thresholds{});
  EXPECT_EQ(Get(e, "token_budget").status, CheckStatus::kFail);
  EXPECT_NE(Get(e, "token_budget").detail.find("1509 tokens (chat 1509 (prompt 1500))"),
            std::string::npos)
      << Get(e, "token_budget").detail;
}

TEST_F(ReleaseChecksTest, SlowAnswerFailsLatency) {
  ProbeOutcome o;
  o.attempts = {MakeAttempt(200, kGood)};
  o.finished_ms = 7000;
  ReleaseProbes probes;
  probes.chat = o;
  Thresholds th;
  th.max_latency_ms = 5000;
  ReleaseEvaluation e = EvaluateRelease(profile_, probes, Contract{}, th);
  EXPECT_EQ(Get(e, "latency").status, CheckStatus::kFail);
  EXPECT_NE(Get(e, "latency").detail.find("exceeds max_latency_ms 5000"), std::string::npos);
}

TEST(NegativeAuthTest, OutcomesAreClassified) {
  auto run = [](int status, const std::string& body) {
    ProbeOutcome o;
    Attempt a;
    a.exchange.status = status;
    a.exchange.body = body;
    a.error_body = ParseErrorBody(body);
    o.attempts.push_back(a);
    return EvaluateNegativeAuth(o, "http://127.0.0.1:9/v1/chat/completions", {401, 403});
  };
  EXPECT_EQ(run(401, R"({"error":{"message":"bad","type":"x"}})").status, CheckStatus::kPass);
  CheckResult accepted = run(200, "{}");
  EXPECT_EQ(accepted.status, CheckStatus::kFail);
  EXPECT_NE(accepted.detail.find("auth is not enforced"), std::string::npos);
  CheckResult busy = run(503, R"({"error":{"message":"busy","type":"x"}})");
  EXPECT_EQ(busy.status, CheckStatus::kFail);
  EXPECT_EQ(busy.detail.rfind("ambiguous", 0), 0u);
  CheckResult bare = run(401, "");
  EXPECT_EQ(bare.status, CheckStatus::kPass);
  EXPECT_TRUE(bare.warning);
}

}  // namespace
}  // namespace rollgate::internal
