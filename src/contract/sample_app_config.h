// The config file of the sample app (examples/sample_app/app_config.cc reads it), as the
// rehearsal writes it for a mode that swaps a release's app for the sample app. It is JSON
// because the sample app reads JSON, so it is written here, by the JSON adapter.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace rollgate::internal {

struct SampleAppConfig {
  std::string version;
  std::string base_url;
  std::string model;  // the model behind the app's alias "smoke"
  int64_t timeout_ms = 0;
  std::string key_file = "app.key";  // beside the config
  std::string log_file = "app.log";  // beside the config
  /// Members that replace the defaults, or are added after them ("model_alias": "smart",
  /// "parser": "strict-fields", "log_fields": "minimal").
  std::map<std::string, std::string> overrides;
};

/// One JSON object and a newline: version, base_url, api_key {file}, model_alias "smoke",
/// models {smoke}, timeout_ms, log_file, log_fields "full", then `overrides` in their places.
/// Every string is escaped (a byte that is not UTF-8 becomes U+FFFD).
std::string RenderSampleAppConfig(const SampleAppConfig& config);

}  // namespace rollgate::internal
