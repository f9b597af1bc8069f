// examples/sample_app, the built binary, against the mock provider on a free loopback port:
// its smoke command must speak rollgate's app protocol (docs/app-probes.md) for every outcome,
// through the app's own config, client and parser, and its log lines must be what
// `log_fields` says (including the deliberate leak). Its /smoke route: sample_app_serve_test.cc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "examples/sample_app_fixture.h"
#include "examples/sample_app_util.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"

namespace rollgate::testing {
namespace {

using nlohmann::json;

TEST_F(SampleAppTest, SmokeAnswersOneProtocolObject) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  AppRun run = Smoke(WriteConfig(), mock);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  json p = ProtocolOf(run.out);
  ExpectSmokeOk(p);
  EXPECT_EQ(p["model"], "gpt-4o-mini-2025-04-14");  // CometAPI reports a dated snapshot
  EXPECT_FALSE(p.contains("done"));                 // not a stream
  // The correlation id rollgate passed went upstream as X-Client-Request-Id, once.
  EXPECT_EQ(mock.provider().stats().by_client_request_id["corr-1"], 1);
}

TEST_F(SampleAppTest, SmokeUsesTheLabelAndBudgetRollgatePasses) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  std::string config = WriteConfig();
  json p = ProtocolOf(Smoke(config, mock, {"ROLLGATE_SMOKE_LABEL=canary-7"}).out);
  ExpectSmokeOk(p, "{\"ok\":true,\"label\":\"canary-7\"}");
  // A budget too small for the answer is visible as the provider's "length".
  json cut = ProtocolOf(Smoke(config, mock, {"ROLLGATE_SMOKE_MAX_TOKENS=3"}).out);
  EXPECT_EQ(cut["status"], 200);
  EXPECT_EQ(cut["finish_reason"], "length");
}

TEST_F(SampleAppTest, StreamingSmokeAssemblesDeltasAndSeesDone) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  AppRun run = Smoke(WriteConfig(), mock, {"ROLLGATE_SMOKE_STREAM=1"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  json p = ProtocolOf(run.out);
  ExpectSmokeOk(p);
  EXPECT_EQ(p["done"], true);
  EXPECT_GT(p["chunks"].get<int>(), 1);
}

TEST_F(SampleAppTest, CutStreamIsReportedAsNotDone) {
  mock::MockOptions o = Options();
  o.scenario = "stream-cut";
  MockServer mock(o);
  ASSERT_OK(mock.status());
  json p = ProtocolOf(Smoke(WriteConfig(), mock, {"ROLLGATE_SMOKE_STREAM=1"}).out);
  EXPECT_EQ(p["status"], 200);
  EXPECT_EQ(p["done"], false);
  EXPECT_GT(p["chunks"].get<int>(), 0);
}

TEST_F(SampleAppTest, RotatedKeyIsDataNotACrash) {
  mock::MockOptions o = Options();
  o.scenario_for_key[kSampleAppKey] = "rotated-key";
  MockServer mock(o);
  ASSERT_OK(mock.status());
  AppRun run = Smoke(WriteConfig(), mock);
  EXPECT_EQ(run.exit_code, 0) << run.err;  // the failure is data
  json p = ProtocolOf(run.out);
  ASSERT_FALSE(p.is_discarded()) << run.out;
  EXPECT_EQ(p["status"], 401);
  EXPECT_FALSE(p["error"]["message"].get<std::string>().empty());
  EXPECT_EQ(p["error"]["type"], "comet_api_error");
  EXPECT_FALSE(p.contains("content"));
  // CometAPI sends no request-id header; the app takes the id from "(request id: X)".
  ASSERT_TRUE(p.contains("request_id")) << p.dump();
  EXPECT_NE(p["error"]["message"].get<std::string>().find(p["request_id"].get<std::string>()),
            std::string::npos);
}

TEST_F(SampleAppTest, RequestIdComesFromTheHeaderWhenThereIsOne) {
  mock::MockOptions o = Options();
  o.flavor = mock::Flavor::kOpenAi;  // sends x-request-id on every response
  MockServer mock(o);
  ASSERT_OK(mock.status());
  json p = ProtocolOf(Smoke(WriteConfig(), mock).out);
  EXPECT_EQ(p["status"], 200);
  EXPECT_FALSE(p.value("request_id", "").empty()) << p.dump();
}

TEST_F(SampleAppTest, MissingModelAliasIsAConfigErrorAnswer) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  AppRun run = Smoke(WriteConfig({{"model_alias", "turbo"}}), mock);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  json p = ProtocolOf(run.out);
  EXPECT_TRUE(p["client"].is_object());  // who the client is, even when it never called
  p.erase("client");
  EXPECT_EQ(p, json::parse(R"({"status":0,"error":{"message":"model alias 'turbo' is not in models",
                            "type":"config_error"}})"));
  EXPECT_EQ(mock.provider().stats().requests_total, 0);  // nothing was sent
}

TEST_F(SampleAppTest, UnresolvableKeySourceIsAConfigErrorAnswer) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  json p = ProtocolOf(
      Smoke(WriteConfig({{"api_key", {{"env", "SAMPLE_APP_TEST_UNSET_VARIABLE"}}}}), mock).out);
  EXPECT_EQ(p["status"], 0);
  EXPECT_EQ(p["error"]["type"], "config_error");
  EXPECT_NE(p["error"]["message"].get<std::string>().find("SAMPLE_APP_TEST_UNSET_VARIABLE"),
            std::string::npos);
  // A deleted secret file, the rollback's classic failure, reads the same way.
  p = ProtocolOf(Smoke(WriteConfig({{"api_key", {{"file", "secrets/gone"}}}}), mock).out);
  EXPECT_EQ(p["error"]["type"], "config_error");
  EXPECT_NE(p["error"]["message"].get<std::string>().find("secrets/gone"), std::string::npos);
}

TEST_F(SampleAppTest, KeyFromAFileRelativeToTheConfig) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  dir_.Write("secrets/key", std::string(kSampleAppKey) + "\n");
  std::string config = WriteConfig({{"api_key", {{"file", "secrets/key"}}}});
  ExpectSmokeOk(ProtocolOf(
      RunSampleApp({"smoke", "--config", config}, {"SAMPLE_APP_BASE_URL=" + mock.Url("")}).out));
}

TEST_F(SampleAppTest, StrictFieldsParserRejectsCometApiExtrasTolerantDoesNot) {
  MockServer mock(Options());  // cometapi flavour: service_tier and other extras
  ASSERT_OK(mock.status());
  AppRun strict = Smoke(WriteConfig({{"parser", "strict-fields"}}), mock);
  EXPECT_EQ(strict.exit_code, 0) << strict.err;
  json p = ProtocolOf(strict.out);
  EXPECT_EQ(p["status"], 200);
  EXPECT_EQ(p["error"], json::parse(R"({"message":"parse error: unexpected field service_tier",
                            "type":"parser_error"})"));
  EXPECT_FALSE(p.contains("content"));
  EXPECT_FALSE(p.contains("fields_present"));  // the parser gave up before finding anything

  ExpectSmokeOk(ProtocolOf(Smoke(WriteConfig({{"parser", "tolerant"}}), mock).out));
}

TEST_F(SampleAppTest, ContentPartsParserFailsOnAPlainString) {
  MockServer ok_mock(Options());
  ASSERT_OK(ok_mock.status());
  std::string config = WriteConfig({{"parser", "content-parts"}});
  json p = ProtocolOf(Smoke(config, ok_mock).out);
  EXPECT_EQ(p["status"], 200);
  EXPECT_EQ(p["error"]["type"], "parser_error");
  EXPECT_NE(p["error"]["message"].get<std::string>().find("is a string"), std::string::npos)
      << p.dump();
  // Its streaming path holds delta.content to the same rule.
  p = ProtocolOf(Smoke(config, ok_mock, {"ROLLGATE_SMOKE_STREAM=1"}).out);
  EXPECT_EQ(p["error"]["type"], "parser_error");

  // Against a provider that does send parts it works, and the tolerant parser passes the parts
  // through untyped, so rollgate sees content that is not a string.
  mock::MockOptions drift = Options();
  drift.scenario = "schema-drift";
  MockServer drift_mock(drift);
  ASSERT_OK(drift_mock.status());
  ExpectSmokeOk(ProtocolOf(Smoke(config, drift_mock).out));
  json tolerant = ProtocolOf(Smoke(WriteConfig(), drift_mock).out);
  EXPECT_EQ(tolerant["status"], 200);
  EXPECT_TRUE(tolerant["content"].is_array()) << tolerant.dump();
}

TEST_F(SampleAppTest, ErrorEnvelopeInA200IsAnErrorNotContent) {
  mock::MockOptions o = Options();
  o.scenario = "error-in-200";
  MockServer mock(o);
  ASSERT_OK(mock.status());
  for (const char* stream : {"0", "1"}) {
    json p = ProtocolOf(
        Smoke(WriteConfig(), mock, {std::string("ROLLGATE_SMOKE_STREAM=") + stream}).out);
    EXPECT_EQ(p["status"], 200) << stream;
    ASSERT_TRUE(p.contains("error")) << p.dump();
    EXPECT_FALSE(p["error"]["message"].get<std::string>().empty());
    EXPECT_FALSE(p.contains("content")) << p.dump();
  }
}

TEST_F(SampleAppTest, FallbackOnPrimaryModelDownIsReported) {
  mock::MockOptions o = Options();
  o.scenario = "primary-model-down";
  o.down_models = {"gpt-4o-mini"};
  MockServer mock(o);
  ASSERT_OK(mock.status());
  json fallback = {{"model", "gpt-4o"}, {"on", {503, "model_not_found"}}};
  AppRun run = Smoke(WriteConfig({{"fallback", fallback}}), mock);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  json p = ProtocolOf(run.out);
  ExpectSmokeOk(p);
  EXPECT_EQ(p["model"], "gpt-4o-2025-04-14");
  EXPECT_EQ(p["fallback"],
            json::parse(R"({"from":"gpt-4o-mini","to":"gpt-4o","trigger":"503 model_not_found"})"));
  EXPECT_EQ(mock.provider().stats().by_client_request_id["corr-1"], 2);  // primary + fallback
  // The log line does not hide it either.
  std::vector<json> lines = LogLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["fallback"], p["fallback"]);
  EXPECT_EQ(lines[0]["model"], "gpt-4o");

  // Without a fallback configured, the primary's failure is the answer.
  json down = ProtocolOf(Smoke(WriteConfig(), mock).out);
  EXPECT_EQ(down["status"], 503);
  EXPECT_EQ(down["error"]["code"], "model_not_found");
  EXPECT_FALSE(down.contains("fallback"));
}

TEST_F(SampleAppTest, FullLogLineCarriesWhatOnCallNeeds) {
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  std::string config = WriteConfig();
  Smoke(config, mock);
  Smoke(config, mock, {"ROLLGATE_SMOKE_STREAM=1"});
  std::vector<json> lines = LogLines();
  ASSERT_EQ(lines.size(), 2u);  // one line per smoke call
  const json& l = lines[0];
  ASSERT_FALSE(l.is_discarded());
  EXPECT_EQ(l["level"], "info");
  EXPECT_EQ(l["msg"], "smoke completion ok");
  EXPECT_EQ(l["version"], "2.4.0");
  EXPECT_EQ(l["route"], "cli");
  EXPECT_EQ(l["endpoint"], mock.Url("/v1/chat/completions"));
  EXPECT_EQ(l["model"], "gpt-4o-mini");
  EXPECT_EQ(l["status"], 200);
  EXPECT_EQ(l["correlation_id"], "corr-1");
  EXPECT_TRUE(l.contains("ts") && l.contains("request_id"));
  EXPECT_EQ(lines[1]["correlation_id"], "corr-2");
  Result<std::string> log = internal::ReadFileToString(dir_.Join("app.log.jsonl"));
  ASSERT_OK(log);
  EXPECT_EQ(log->find(kSampleAppKey), std::string::npos);
}

TEST_F(SampleAppTest, MinimalLogLineLacksVersionRouteAndEndpoint) {
  mock::MockOptions o = Options();
  o.scenario_for_key[kSampleAppKey] = "rotated-key";
  MockServer mock(o);
  ASSERT_OK(mock.status());
  Smoke(WriteConfig({{"log_fields", "minimal"}}), mock);
  std::vector<json> lines = LogLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["correlation_id"], "corr-1");
  EXPECT_EQ(lines[0]["level"], "error");
  EXPECT_EQ(lines[0]["msg"], "completion failed");
  for (const char* absent : {"version", "route", "endpoint", "status", "request_id"}) {
    EXPECT_FALSE(lines[0].contains(absent)) << absent;
  }
}

TEST_F(SampleAppTest, LeakyLogLineCarriesTheKeyButStdoutAndStderrNever) {
  mock::MockOptions o = Options();
  o.scenario_for_model["gpt-4o"] = "rotated-key";
  MockServer mock(o);
  ASSERT_OK(mock.status());
  std::string leaky = WriteConfig({{"log_fields", "leaky"}});
  // Same directory, same log file; this one's model is answered with a 401.
  json failing_config = SampleAppConfig();
  failing_config.update({{"log_fields", "leaky"}, {"model_alias", "smart"}});
  std::string failing = dir_.Write("failing.json", failing_config.dump());
  std::vector<AppRun> runs = {Smoke(leaky, mock), Smoke(leaky, mock, {"ROLLGATE_SMOKE_STREAM=1"}),
                              Smoke(failing, mock)};
  for (const AppRun& run : runs) {
    EXPECT_EQ(run.exit_code, 0);
    EXPECT_EQ(run.out.find(kSampleAppKey), std::string::npos) << run.out;
    EXPECT_EQ(run.err.find(kSampleAppKey), std::string::npos) << run.err;
  }
  EXPECT_EQ(ProtocolOf(runs[2].out)["status"], 401);
  std::vector<json> lines = LogLines();
  ASSERT_EQ(lines.size(), 3u);
  for (const json& line : lines) {
    EXPECT_EQ(line["authorization"], std::string("Bearer ") + kSampleAppKey);
    EXPECT_EQ(line["version"], "2.4.0");  // otherwise like the full shape
  }
  EXPECT_EQ(lines[0]["correlation_id"], "corr-1");
}

TEST_F(SampleAppTest, BadConfigExitsTwoNamingFileAndKey) {
  struct Case {
    std::string name;
    std::string text;
    std::string expect;  // in stderr, after the file name
  };
  const std::vector<Case> cases = {
      {"parser.json",
       [] {
         json c = SampleAppConfig();
         c["parser"] = "strict";
         return c.dump();
       }(),
       "parser: unknown parser 'strict'"},
      {"json.json", "{\"version\": \"1\",\n  \"models\": }", ":2:13: invalid JSON"},
      {"key.json",
       [] {
         json c = SampleAppConfig();
         c["api_key"] = kSampleAppKey;
         return c.dump();
       }(),
       "api_key: expected {\"env\": NAME} or {\"file\": PATH}"},
      {"typo.json",
       [] {
         json c = SampleAppConfig();
         c["log_feilds"] = "full";
         return c.dump();
       }(),
       "log_feilds: unknown key (did you mean log_fields?)"},
  };
  for (const Case& c : cases) {
    std::string path = dir_.Write(c.name, c.text);
    AppRun run = RunSampleApp({"smoke", "--config", path});
    EXPECT_EQ(run.exit_code, 2) << c.name;
    EXPECT_TRUE(run.out.empty()) << c.name;
    EXPECT_NE(run.err.find(path), std::string::npos) << run.err;
    EXPECT_NE(run.err.find(c.expect), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find(kSampleAppKey), std::string::npos)
        << "a config error must not echo the key";
  }
  AppRun missing = RunSampleApp({"smoke", "--config", dir_.Join("nope.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.json"), std::string::npos);
}

TEST_F(SampleAppTest, UsageErrorsExitTwoAndHelpShowsAnExample) {
  AppRun help = RunSampleApp({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("example"), std::string::npos);
  EXPECT_NE(help.out.find("sample_app smoke --config"), std::string::npos);
  EXPECT_EQ(RunSampleApp({}).exit_code, 2);
  EXPECT_EQ(RunSampleApp({"smoke"}).exit_code, 2);
  EXPECT_EQ(RunSampleApp({"deploy", "--config", "x"}).exit_code, 2);
  MockServer mock(Options());
  ASSERT_OK(mock.status());
  AppRun bad_knob = Smoke(WriteConfig(), mock, {"ROLLGATE_SMOKE_MAX_TOKENS=lots"});
  EXPECT_EQ(bad_knob.exit_code, 2);
  EXPECT_NE(bad_knob.err.find("ROLLGATE_SMOKE_MAX_TOKENS"), std::string::npos);
}

TEST_F(SampleAppTest, ShippedV1AndV2ConfigsWorkAgainstALocalProvider) {
  mock::MockOptions o = Options();
  o.models.clear();  // serve whatever model each release asks for
  MockServer mock(o);
  ASSERT_OK(mock.status());
  for (const std::string version : {"v1", "v2"}) {
    // Copied, so their relative log_file lands in the temp dir, not the source tree.
    Result<std::string> text = internal::ReadFileToString(
        std::string(ROLLGATE_SOURCE_DIR) + "/examples/sample_app/" + version + "/app.json");
    ASSERT_OK(text);
    std::string config = dir_.Write(version + "/app.json", *text);
    AppRun run =
        RunSampleApp({"smoke", "--config", config}, {"SAMPLE_APP_BASE_URL=" + mock.Url(""),
                                                     std::string("COMETAPI_KEY=") + kSampleAppKey,
                                                     "ROLLGATE_CORRELATION_ID=shipped-" + version});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    ExpectSmokeOk(ProtocolOf(run.out));
  }
}

}  // namespace
}  // namespace rollgate::testing
