#include "contract/sample_app_config.h"

#include <nlohmann/json.hpp>

namespace rollgate::internal {

std::string RenderSampleAppConfig(const SampleAppConfig& config) {
  nlohmann::ordered_json j;
  j["version"] = config.version;
  j["base_url"] = config.base_url;
  j["api_key"] = {{"file", config.key_file}};
  j["model_alias"] = "smoke";
  j["models"] = {{"smoke", config.model}};
  j["timeout_ms"] = config.timeout_ms;
  j["log_file"] = config.log_file;
  j["log_fields"] = "full";
  for (const auto& [key, value] : config.overrides) j[key] = value;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace rollgate::internal
