// `rollgate serve` in process, over real HTTP on 127.0.0.1:0, with a fake gate: the routes, the
// bearer-token rule, what Flagger and Argo get for pass, block, capped and error, result reuse
// within serve.max_result_age, and that no secret reaches any output.
#include "serve/serve_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "base/secret.h"
#include "serve/serve_test_util.h"
#include "store/history_store.h"
#include "testutil/status_matchers.h"

namespace rollgate::testing {
namespace {

using nlohmann::json;

constexpr char kService[] = "service=\"checkout-assistant\"";

json Body(const TestResponse& r) {
  json j = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.body;
  return j;
}

class ServeServiceTest : public ::testing::Test {
 protected:
  ServeHarness serve_;
};

TEST_F(ServeServiceTest, MetricsAndHealthzAreOpen) {
  ASSERT_OK(serve_.Start());
  TestResponse health = HttpGet(serve_.Url("/healthz"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  TestResponse metrics = HttpGet(serve_.Url("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  ASSERT_NE(metrics.Header("Content-Type"), nullptr);
  EXPECT_EQ(*metrics.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics.body.find("# TYPE rollgate_gate_success gauge"), std::string::npos);
  EXPECT_EQ(SampleValue(metrics.body,
                        "rollgate_runs_total{" + std::string(kService) + ",decision=\"pass\"}"),
            0);
  EXPECT_EQ(HttpGet(serve_.Url("/nope")).status, 404);
  TestResponse wrong_method = HttpGet(serve_.Url("/hooks/flagger"));
  EXPECT_EQ(wrong_method.status, 405);
  ASSERT_NE(wrong_method.Header("Allow"), nullptr);
  EXPECT_EQ(*wrong_method.Header("Allow"), "POST");
  EXPECT_EQ(serve_.gate().calls(), 0);
}

TEST_F(ServeServiceTest, RunEndpointsRefuseAMissingOrWrongBearerToken) {
  ASSERT_OK(serve_.Start());
  struct Attempt {
    std::string what;
    std::vector<std::string> headers;
  };
  const std::vector<Attempt> attempts = {
      {"no header", {}},
      {"wrong token", {"Authorization: Bearer not-the-token"}},
      {"token with a suffix", {"Authorization: Bearer " + std::string(kServeToken) + "x"}},
      {"basic scheme", {"Authorization: Basic " + internal::Base64Encode(kServeToken)}},
      {"bare token", {"Authorization: " + std::string(kServeToken)}},
  };
  for (const Attempt& a : attempts) {
    for (const auto& [method, path] :
         std::vector<std::pair<std::string, std::string>>{{"POST", "/hooks/flagger"},
                                                          {"GET", "/hooks/argo"},
                                                          {"POST", "/hooks/argo"},
                                                          {"POST", "/run"}}) {
      SCOPED_TRACE(a.what + ": " + method + " " + path);
      TestRequest req;
      req.method = method;
      req.url = serve_.Url(path);
      req.headers = a.headers;
      TestResponse r = Fetch(req);
      EXPECT_EQ(r.status, 401);
      ASSERT_NE(r.Header("WWW-Authenticate"), nullptr);
      EXPECT_EQ(*r.Header("WWW-Authenticate"), "Bearer realm=\"rollgate\"");
      json j = Body(r);
      EXPECT_EQ(j["success"], false);
      EXPECT_EQ(j["decision"], "error");
    }
  }
  EXPECT_EQ(serve_.gate().calls(), 0) << "a refused request must never start a run";
  // The scheme is case-insensitive, as RFC 7235 says.
  TestResponse lower =
      HttpGet(serve_.Url("/hooks/argo"), {"Authorization: bearer " + std::string(kServeToken)});
  EXPECT_EQ(lower.status, 200);
}

TEST_F(ServeServiceTest, HeadOnTheArgoHookIs405AndRunsNoGate) {
  ASSERT_OK(serve_.Start());
  TestRequest req;
  req.method = "HEAD";
  req.url = serve_.Url("/hooks/argo");
  req.headers = {"Authorization: Bearer " + std::string(kServeToken)};
  TestResponse r = Fetch(req);
  EXPECT_EQ(r.status, 405);
  ASSERT_NE(r.Header("Allow"), nullptr);
  EXPECT_EQ(*r.Header("Allow"), "GET, POST");
  EXPECT_EQ(serve_.gate().calls(), 0) << "HEAD must not start a run";
  // HEAD on a read-only endpoint still answers as GET does.
  req.url = serve_.Url("/metrics");
  req.headers.clear();
  EXPECT_EQ(Fetch(req).status, 200);
}

TEST_F(ServeServiceTest, WithoutAConfiguredTokenRunEndpointsAnswer403) {
  serve_.config().serve->token.reset();
  ASSERT_OK(serve_.Start());
  for (const TestResponse& r :
       {serve_.Flagger(), serve_.Get("/hooks/argo"), serve_.Post("/run"), serve_.Flagger("")}) {
    EXPECT_EQ(r.status, 403);
    EXPECT_NE(r.body.find("serve.token"), std::string::npos) << r.body;
  }
  EXPECT_EQ(serve_.gate().calls(), 0);
  EXPECT_EQ(HttpGet(serve_.Url("/metrics")).status, 200);
  EXPECT_NE(serve_.AllLogs().find("warning: no serve.token configured"), std::string::npos);
}

TEST_F(ServeServiceTest, ATokenThatDoesNotResolveStopsStartWithTheKeyNamed) {
  serve_.config().serve->token->name = "UNSET_SERVE_TOKEN";
  Status st = serve_.Start();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("serve.token"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("UNSET_SERVE_TOKEN"), std::string::npos) << st.message();
}

TEST_F(ServeServiceTest, FlaggerGets200OnPassAnd412WithTheFailingChecksOnBlock) {
  ASSERT_OK(serve_.Start());
  TestResponse pass = serve_.Flagger();
  EXPECT_EQ(pass.status, 200) << pass.body;
  json p = Body(pass);
  EXPECT_EQ(p["decision"], "pass");
  EXPECT_EQ(p["success"], true);
  EXPECT_EQ(p["result"], "ran");
  EXPECT_EQ(p["service"], "checkout-assistant");
  EXPECT_TRUE(p["failed_checks"].empty());

  serve_.gate().BlockOnRollback("authentication");
  serve_.clock().Advance(serve_.config().serve->max_result_age_ms + 1);
  TestResponse block = serve_.Flagger();
  EXPECT_EQ(block.status, 412) << block.body;
  json b = Body(block);
  EXPECT_EQ(b["decision"], "block");
  EXPECT_EQ(b["success"], false);
  ASSERT_EQ(b["failed_checks"].size(), 1u) << block.body;
  EXPECT_EQ(b["failed_checks"][0]["release"], "rollback");
  EXPECT_EQ(b["failed_checks"][0]["id"], "authentication");
  ASSERT_EQ(b["failed"].size(), 1u) << block.body;
  EXPECT_EQ(b["failed"][0]["id"], "rollback_release_smoke");
  EXPECT_EQ(serve_.gate().calls(), 2);
  EXPECT_NE(
      serve_.AllLogs().find("POST /hooks/flagger canary=shop/checkout phase=Progressing: 412"),
      std::string::npos)
      << serve_.AllLogs();
}

TEST_F(ServeServiceTest, FlaggerRejectsAPayloadThatIsNotFlaggers) {
  ASSERT_OK(serve_.Start());
  EXPECT_EQ(serve_.Post("/hooks/flagger", "not json").status, 400);
  EXPECT_EQ(serve_.Post("/hooks/flagger", R"({"name": 42})").status, 400);
  EXPECT_EQ(serve_.gate().calls(), 0);
}

TEST_F(ServeServiceTest, ArgoAlwaysGets200WithTheVerdictInTheBody) {
  serve_.Caps(/*max_runs=*/2, /*max_tokens=*/100000);
  ASSERT_OK(serve_.Start());
  const int64_t age = serve_.config().serve->max_result_age_ms + 1;

  TestResponse pass = serve_.Get("/hooks/argo");
  EXPECT_EQ(pass.status, 200);
  EXPECT_EQ(Body(pass)["decision"], "pass");
  EXPECT_EQ(Body(pass)["success"], true);

  serve_.gate().BlockOnRollback("latency");
  serve_.clock().Advance(age);
  TestResponse block = serve_.Post("/hooks/argo", "");
  EXPECT_EQ(block.status, 200) << "Argo counts a non-2xx as a measurement error, not a failure";
  json b = Body(block);
  EXPECT_EQ(b["decision"], "block");
  EXPECT_EQ(b["success"], false);
  EXPECT_EQ(b["failed_checks"][0]["id"], "latency");

  serve_.clock().Advance(age);
  TestResponse capped = serve_.Get("/hooks/argo");
  EXPECT_EQ(capped.status, 200);
  json c = Body(capped);
  EXPECT_EQ(c["decision"], "capped");
  EXPECT_EQ(c["success"], false);
  EXPECT_EQ(c["reason"], "max_runs_per_day");
  EXPECT_EQ(serve_.gate().calls(), 2);
  // Flagger reads only the status code, so a cap is a failure there.
  TestResponse flagger_capped = serve_.Flagger();
  EXPECT_EQ(flagger_capped.status, 503);
  EXPECT_EQ(Body(flagger_capped)["reason"], "max_runs_per_day");
}

TEST_F(ServeServiceTest, ARunThatCannotCompleteIs500ForEveryCaller) {
  ASSERT_OK(serve_.Start());
  serve_.gate().FailToRun();
  TestResponse flagger = serve_.Flagger();
  EXPECT_EQ(flagger.status, 500);
  EXPECT_EQ(Body(flagger)["decision"], "error");
  EXPECT_NE(Body(flagger)["detail"].get<std::string>().find("could not run"), std::string::npos);
  TestResponse argo = serve_.Get("/hooks/argo");
  EXPECT_EQ(argo.status, 500);
  EXPECT_EQ(Body(argo)["success"], false);
  std::string m = serve_.Metrics();
  EXPECT_EQ(SampleValue(m, "rollgate_runs_total{" + std::string(kService) + ",decision=\"error\"}"),
            2);
  EXPECT_EQ(SampleValue(m, "rollgate_gate_success{" + std::string(kService) + "}"), 0);
}

TEST_F(ServeServiceTest, WebhooksReuseAResultYoungerThanMaxResultAge) {
  serve_.config().serve->max_result_age_ms = 300000;
  ASSERT_OK(serve_.Start());
  ASSERT_EQ(serve_.Flagger().status, 200);
  EXPECT_EQ(serve_.gate().calls(), 1);

  serve_.clock().Advance(60000);
  TestResponse again = serve_.Flagger();
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(Body(again)["result"], "reused");
  EXPECT_EQ(Body(again)["age_seconds"], 60);
  TestResponse argo = serve_.Get("/hooks/argo");
  EXPECT_EQ(Body(argo)["result"], "reused");
  EXPECT_EQ(serve_.gate().calls(), 1) << "a reused result calls nobody";

  // A reused block is still a block.
  serve_.gate().BlockOnRollback();
  TestResponse run = serve_.Post("/run");  // POST /run never reuses
  EXPECT_EQ(run.status, 412);
  EXPECT_EQ(Body(run)["result"], "ran");
  EXPECT_EQ(serve_.gate().calls(), 2);
  serve_.clock().Advance(1000);
  TestResponse reused_block = serve_.Flagger();
  EXPECT_EQ(reused_block.status, 412);
  EXPECT_EQ(Body(reused_block)["result"], "reused");

  // Past the age, the next webhook runs the gate again.
  serve_.gate().Pass();
  serve_.clock().Advance(300001);
  TestResponse fresh = serve_.Flagger();
  EXPECT_EQ(fresh.status, 200);
  EXPECT_EQ(Body(fresh)["result"], "ran");
  EXPECT_EQ(serve_.gate().calls(), 3);
}

TEST_F(ServeServiceTest, MaxResultAgeZeroNeverReuses) {
  serve_.config().serve->max_result_age_ms = 0;
  ASSERT_OK(serve_.Start());
  // The fake clock stands still: both requests come "in the same millisecond" as the result.
  ASSERT_EQ(serve_.Flagger().status, 200);
  TestResponse second = serve_.Get("/hooks/argo");
  EXPECT_EQ(Body(second)["result"], "ran");
  EXPECT_EQ(serve_.gate().calls(), 2);
}

TEST_F(ServeServiceTest, EveryRunIsRecordedWithWhatTriggeredIt) {
  ASSERT_OK(serve_.Start());
  const int64_t age = serve_.config().serve->max_result_age_ms + 1;
  ASSERT_EQ(serve_.Flagger().status, 200);
  serve_.clock().Advance(age);
  ASSERT_EQ(serve_.Get("/hooks/argo").status, 200);
  serve_.clock().Advance(age);
  serve_.gate().BlockOnRollback();
  ASSERT_EQ(serve_.Post("/run").status, 412);
  serve_.Stop();

  Result<std::vector<internal::HistoryRun>> runs = internal::ListHistory(serve_.history_db(), {});
  ASSERT_OK(runs);
  ASSERT_EQ(runs->size(), 3u);
  EXPECT_EQ((*runs)[0].trigger, "serve:api");
  EXPECT_EQ((*runs)[0].decision, Decision::kBlock);
  EXPECT_EQ((*runs)[1].trigger, "serve:argo");
  EXPECT_EQ((*runs)[2].trigger, "serve:flagger");
  Result<std::string> integrity = internal::CheckHistoryIntegrity(serve_.history_db());
  ASSERT_OK(integrity);
  EXPECT_EQ(*integrity, "ok");
}

TEST_F(ServeServiceTest, NoSecretReachesMetricsBodiesLogsOrHistory) {
  ASSERT_OK(serve_.Start());
  std::vector<std::string> outputs;
  serve_.gate().BlockOnRollback("authentication");  // its detail carries kFakeRunKey
  TestResponse flagger = serve_.Flagger();
  ASSERT_EQ(flagger.status, 412);
  outputs.push_back(flagger.body);
  outputs.push_back(serve_.Get("/hooks/argo").body);
  outputs.push_back(serve_.Post("/run").body);
  // Wrong tokens that contain the real one must not be echoed either.
  outputs.push_back(serve_.Flagger(std::string(kServeToken) + "-old").body);
  outputs.push_back(serve_.Flagger("x" + std::string(kServeToken)).body);
  outputs.push_back(serve_.Metrics());
  serve_.Stop();
  outputs.push_back(serve_.AllLogs());
  Result<std::string> db = internal::ReadFileToString(serve_.history_db());
  ASSERT_OK(db);
  outputs.push_back(*db);
  internal::HistoryQuery q;
  q.include_gate_json = true;
  Result<std::vector<internal::HistoryRun>> runs = internal::ListHistory(serve_.history_db(), q);
  ASSERT_OK(runs);
  ASSERT_FALSE(runs->empty());
  for (const auto& run : *runs) outputs.push_back(run.gate_json);

  // The gate's detail really carried the key and was scrubbed on the way out.
  EXPECT_NE(flagger.body.find("(key [redacted])"), std::string::npos) << flagger.body;
  EXPECT_NE(runs->front().gate_json.find("(key [redacted])"), std::string::npos);
  for (const std::string& secret : {std::string(kServeToken), std::string(kFakeRunKey)}) {
    for (const std::string& needle : {secret, internal::Base64Encode(secret)}) {
      for (std::size_t i = 0; i < outputs.size(); ++i) {
        EXPECT_EQ(outputs[i].find(needle), std::string::npos)
            << "output " << i << " carries " << needle << ":\n"
            << outputs[i].substr(0, 2000);
      }
    }
  }
}

}  // namespace
}  // namespace rollgate::testing
