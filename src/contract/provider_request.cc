#include "contract/provider_request.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "contract/json_util.h"

namespace rollgate::internal {

namespace {

using nlohmann::json;

// json::value() throws when the field has another type; a request body is untrusted.
std::string StringField(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Message content is a string or an array of typed parts (FACTS §2.1); only text counts.
std::string TextOf(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string text;
  if (!content.is_array()) return text;
  for (const auto& part : content) {
    if (part.is_object() && StringField(part, "type") == "text") text += StringField(part, "text");
  }
  return text;
}

std::optional<int> PositiveInt(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_number_integer()) return std::nullopt;
  auto v = it->get<long long>();
  if (v < 1) return std::nullopt;
  return static_cast<int>(std::min<long long>(v, 1 << 30));
}

}  // namespace

ChatRequest ParseChatRequest(std::string_view body) {
  ChatRequest out;
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    out.problem = RequestProblem::kMalformedJson;
    return out;
  }
  out.fields = ObjectKeys(doc);
  bool has_max = doc.contains("max_tokens");
  bool has_completion = doc.contains("max_completion_tokens");
  out.token_field = has_max && has_completion ? "both"
                    : has_max                 ? "max_tokens"
                    : has_completion          ? "max_completion_tokens"
                                              : "";
  auto stream = doc.find("stream");
  out.stream = stream != doc.end() && stream->is_boolean() && stream->get<bool>();
  auto options = doc.find("stream_options");
  if (options != doc.end() && options->is_object()) {
    auto usage = options->find("include_usage");
    out.include_usage = usage != options->end() && usage->is_boolean() && usage->get<bool>();
  }
  out.model = StringField(doc, "model");
  if (out.model.empty()) {
    out.problem = RequestProblem::kMissingModel;
    return out;
  }
  auto messages = doc.find("messages");
  if (messages == doc.end() || !messages->is_array()) {
    out.problem = RequestProblem::kMissingMessages;
    return out;
  }
  for (const auto& message : *messages) {
    if (!message.is_object()) continue;
    auto content = message.find("content");
    std::string text = content != message.end() ? TextOf(*content) : std::string();
    if (StringField(message, "role") == "user") out.last_user_text = text;
    out.message_texts.push_back(std::move(text));
  }
  std::optional<int> a = PositiveInt(doc, "max_tokens");
  std::optional<int> b = PositiveInt(doc, "max_completion_tokens");
  if (a && b) {
    out.max_tokens = std::min(*a, *b);
  } else {
    out.max_tokens = a ? a : b;
  }
  return out;
}

}  // namespace rollgate::internal
