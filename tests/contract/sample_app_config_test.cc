#include "contract/sample_app_config.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

SampleAppConfig DefaultAppConfig() {
  SampleAppConfig c;
  c.version = "2.4.0";
  c.base_url = "http://127.0.0.1:8080";
  c.model = "gpt-4o-mini";
  c.timeout_ms = 20000;
  return c;
}

TEST(SampleAppConfigTest, DefaultsByteForByte) {
  EXPECT_EQ(RenderSampleAppConfig(DefaultAppConfig()),
            R"({"version":"2.4.0","base_url":"http://127.0.0.1:8080","api_key":{"file":"app.key"},)"
            R"("model_alias":"smoke","models":{"smoke":"gpt-4o-mini"},"timeout_ms":20000,)"
            R"("log_file":"app.log","log_fields":"full"})"
            "\n");
}

TEST(SampleAppConfigTest, OverridesReplaceADefaultInPlaceOrComeAfter) {
  SampleAppConfig c = DefaultAppConfig();
  c.overrides = {{"model_alias", "smart"}, {"parser", "strict-fields"}};
  EXPECT_EQ(RenderSampleAppConfig(c),
            R"({"version":"2.4.0","base_url":"http://127.0.0.1:8080","api_key":{"file":"app.key"},)"
            R"("model_alias":"smart","models":{"smoke":"gpt-4o-mini"},"timeout_ms":20000,)"
            R"("log_file":"app.log","log_fields":"full","parser":"strict-fields"})"
            "\n");
}

TEST(SampleAppConfigTest, EveryStringIsEscaped) {
  SampleAppConfig c = DefaultAppConfig();
  c.version = "2.4\n\"rc\"\t\\";
  c.model = "m\xff";
  std::string json = RenderSampleAppConfig(c);
  EXPECT_NE(json.find(R"("version":"2.4\n\"rc\"\t\\")"), std::string::npos) << json;
  EXPECT_NE(json.find("\"smoke\":\"m\xef\xbf\xbd\""), std::string::npos) << json;
}

}  // namespace
}  // namespace rollgate::internal
