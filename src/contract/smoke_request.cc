#include "contract/smoke_request.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/json_scan.h"
#include "contract/json_util.h"

namespace rollgate::internal {

namespace {

// The end of the balanced {...} that starts at `open`, honouring JSON strings, or npos.
std::size_t MatchingBrace(std::string_view text, std::size_t open) {
  int depth = 0;
  return ScanJsonBrackets(text, open, [&](char c, std::size_t) {
    if (c == '{') ++depth;
    return !(c == '}' && --depth == 0);
  });
}

}  // namespace

std::string ExpectedSmokeContent(const std::string& label) {
  nlohmann::ordered_json j = {{"ok", true}, {"label", label}};
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string SmokeUserPrompt(const std::string& label) {
  return "Return " + ExpectedSmokeContent(label);
}

std::optional<std::string> FindSmokeLabel(std::string_view text) {
  // Prompts are short; the bound keeps a hostile body from costing quadratic time.
  text = text.substr(0, std::size_t{64} * 1024);
  for (std::size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    std::size_t close = MatchingBrace(text, open);
    if (close == std::string_view::npos) continue;
    nlohmann::json object =
        nlohmann::json::parse(text.substr(open, close - open + 1), nullptr, false);
    if (!object.is_object()) continue;
    auto ok = object.find("ok");
    auto label = object.find("label");
    if (ok != object.end() && ok->is_boolean() && ok->get<bool>() && label != object.end() &&
        label->is_string()) {
      return label->get<std::string>();
    }
  }
  return std::nullopt;
}

std::string BuildSmokeRequestBody(const std::string& model, const PromptOptions& prompt,
                                  bool stream) {
  nlohmann::json body;
  body["model"] = model;
  body["messages"] = nlohmann::json::array({
      {{"role", "system"},
       {"content", prompt.system.empty() ? std::string(kSmokeSystemPrompt) : prompt.system}},
      {{"role", "user"},
       {"content", prompt.user.empty() ? SmokeUserPrompt(prompt.label) : prompt.user}},
  });
  body["temperature"] = 0;
  const char* field = prompt.token_field == PromptOptions::TokenField::kMaxCompletionTokens
                          ? "max_completion_tokens"
                          : "max_tokens";
  body[field] = prompt.max_tokens;
  if (stream) {
    body["stream"] = true;
    // Only sent with stream:true (FACTS §2.1); asks for the final usage chunk (§2.3).
    body["stream_options"] = {{"include_usage", true}};
  }
  // The profile refuses values that are not UTF-8 (a `configuration` finding); replace is the
  // second line of defence, so that no byte can make the serializer throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

void CollectFieldNames(const nlohmann::ordered_json& j, const std::string& prefix, int depth,
                       std::vector<std::string>* out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string name = prefix + it.key();
    if (it->is_object() && !it->empty() && depth < 8) {
      CollectFieldNames(*it, name + ".", depth + 1, out);
    } else {
      out->push_back(name);
    }
  }
}

}  // namespace

std::vector<std::string> JsonBodyFieldNames(std::string_view body) {
  std::vector<std::string> out;
  Result<nlohmann::json> bounded = ParseJsonBounded(body);
  if (!bounded.ok() || !bounded->is_object()) return out;  // no nesting bomb below
  // ordered_json keeps the fields in the order they go on the wire.
  nlohmann::ordered_json j =
      nlohmann::ordered_json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return out;
  CollectFieldNames(j, "", 0, &out);
  return out;
}

std::vector<std::string> JsonBodyTopLevelFields(std::string_view body) {
  Result<nlohmann::json> j = ParseJsonBounded(body);
  return j.ok() ? ObjectKeys(*j) : std::vector<std::string>{};
}

}  // namespace rollgate::internal
