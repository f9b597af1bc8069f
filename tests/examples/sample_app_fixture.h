// The fixture the sample_app tests share (sample_app_test.cc: the smoke command;
// sample_app_serve_test.cc: `sample_app serve`): the mock provider's options, the app's config
// in a temp dir, and one smoke run with the correlation id "corr-<n>".
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "examples/sample_app_util.h"
#include "testutil/mock_fixture.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {

inline constexpr char kSampleAppKey[] = "sk-sample-app-test-5f2c9a71d3e8b046";
inline constexpr char kSmokeContent[] = "{\"ok\":true,\"label\":\"rollback-smoke\"}";

class SampleAppTest : public ::testing::Test {
 protected:
  static mock::MockOptions Options() {
    mock::MockOptions o;
    o.keys = {kSampleAppKey};
    o.models = {"gpt-4o-mini", "gpt-4o"};
    return o;
  }

  // Writes the app's config (SampleAppConfig() with `overrides`) as app.json in the temp dir.
  std::string WriteConfig(const nlohmann::json& overrides = nlohmann::json::object()) {
    nlohmann::json config = SampleAppConfig();
    config.update(overrides);
    return dir_.Write("app.json", config.dump(2));
  }

  // `sample_app smoke` against `mock`, with the correlation id "corr-<n>" unless `env` sets one.
  AppRun Smoke(const std::string& config, const MockServer& mock,
               std::vector<std::string> env = {}) {
    env.insert(env.begin(), {"SAMPLE_APP_BASE_URL=" + mock.Url(""),
                             std::string("SAMPLE_APP_KEY=") + kSampleAppKey,
                             "ROLLGATE_CORRELATION_ID=corr-" + std::to_string(++calls_)});
    return RunSampleApp({"smoke", "--config", config}, env);
  }

  std::vector<nlohmann::json> LogLines() { return JsonLines(dir_.Join("app.log.jsonl")); }

  TempDir dir_;
  int calls_ = 0;
};

// What the protocol object must hold on success.
inline void ExpectSmokeOk(const nlohmann::json& p, const std::string& content = kSmokeContent) {
  ASSERT_FALSE(p.is_discarded());
  EXPECT_EQ(p["status"], 200);
  EXPECT_EQ(p["content"], content);
  EXPECT_EQ(p["finish_reason"], "stop");
  EXPECT_EQ(p["fields_present"],
            nlohmann::json::array({"choices.0.message.content", "choices.0.finish_reason"}));
  EXPECT_FALSE(p.contains("error")) << p.dump();
}

}  // namespace rollgate::testing
