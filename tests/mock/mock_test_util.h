// Helpers the mock provider's HTTP-level tests share: a key, the smoke answer, options, and
// ways to read a response body as JSON or as stream chunks.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mock/mock_provider.h"
#include "testutil/test_http_client.h"

namespace rollgate::mock::testutil {

inline constexpr char kKey[] = "sk-test-0123456789abcdef";
inline constexpr char kSmoke[] = R"({"ok":true,"label":"rollback-smoke"})";

/// Options that accept kKey, with `scenario` as the default scenario.
inline MockOptions Options(Flavor flavor, const std::string& scenario = "ok") {
  MockOptions o;
  o.flavor = flavor;
  o.keys = {kKey};
  o.scenario = scenario;
  o.threads = 8;
  return o;
}

/// The body parsed as JSON; discarded (not an exception) when it is not JSON.
inline nlohmann::json Json(const testing::TestResponse& r) {
  return nlohmann::json::parse(r.body, nullptr, false);
}

/// error.message of an error envelope, or "".
inline std::string ErrorMessage(const testing::TestResponse& r) {
  nlohmann::json j = Json(r);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return "";
  return j["error"].value("message", "");
}

/// choices[0].message.content of a completion body, or "" when it is not a string.
inline std::string Content(const testing::TestResponse& r) {
  nlohmann::json j = Json(r);
  if (!j.is_object() || !j.contains("choices") || j["choices"].empty()) return "";
  const nlohmann::json& c = j["choices"][0]["message"]["content"];
  return c.is_string() ? c.get<std::string>() : "";
}

/// Every stream event's data except [DONE], parsed.
inline std::vector<nlohmann::json> StreamChunks(const testing::TestResponse& r) {
  std::vector<nlohmann::json> out;
  for (const auto& data : testing::SseDataEvents(r.body)) {
    if (data != "[DONE]") out.push_back(nlohmann::json::parse(data, nullptr, false));
  }
  return out;
}

/// True when the last stream event is [DONE].
inline bool EndsWithDone(const testing::TestResponse& r) {
  std::vector<std::string> events = testing::SseDataEvents(r.body);
  return !events.empty() && events.back() == "[DONE]";
}

}  // namespace rollgate::mock::testutil
