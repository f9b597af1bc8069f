#include "contract/chat_response.h"

#include "base/strings.h"
#include "contract/json_util.h"

namespace rollgate::internal {

bool IsKnownFinishReason(std::string_view reason) {
  return reason == "stop" || reason == "length" || reason == "tool_calls" ||
         reason == "content_filter" || reason == "function_call";
}

bool IsJsonContentType(std::string_view content_type) {
  std::string media = ToLower(TrimView(content_type.substr(0, content_type.find(';'))));
  if (media == "application/json") return true;
  return media.rfind("application/", 0) == 0 && media.size() > 5 &&
         media.compare(media.size() - 5, 5, "+json") == 0;
}

namespace {

int64_t IntOr(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return -1;
  return it->get<int64_t>();
}

void ReadUsage(const nlohmann::json& root, ChatResponse* out) {
  auto it = root.find("usage");
  if (it == root.end() || it->is_null()) return;
  if (!it->is_object()) {
    out->warnings.push_back("usage is " + std::string(JsonTypeName(*it)) + ", expected an object");
    return;
  }
  out->prompt_tokens = IntOr(*it, "prompt_tokens");
  out->completion_tokens = IntOr(*it, "completion_tokens");
  out->total_tokens = IntOr(*it, "total_tokens");
  if (out->prompt_tokens < 0 || out->completion_tokens < 0 || out->total_tokens < 0) {
    out->warnings.push_back("usage lacks integer prompt/completion/total token counts");
  } else if (out->total_tokens != out->prompt_tokens + out->completion_tokens) {
    // Gateways add their own accounting; the SDKs do not check this (FACTS §4).
    out->warnings.push_back("usage.total_tokens " + std::to_string(out->total_tokens) +
                            " != prompt + completion " +
                            std::to_string(out->prompt_tokens + out->completion_tokens));
  }
}

void ReadMessage(const nlohmann::json& message, ChatResponse* out) {
  std::string role = StringOr(message, "role");
  if (role.empty()) {
    out->warnings.push_back("choices[0].message.role is missing");
  } else if (role != "assistant") {
    out->problems.push_back("choices[0].message.role is \"" + SanitizeForDisplay(role, 40) +
                            "\", expected \"assistant\"");
  }
  auto content = message.find("content");
  if (content == message.end()) {
    out->content_kind = ChatResponse::ContentKind::kAbsent;
  } else if (content->is_null()) {
    out->content_kind = ChatResponse::ContentKind::kNull;
  } else if (content->is_string()) {
    out->content_kind = ChatResponse::ContentKind::kString;
    out->content = content->get<std::string>();
  } else {
    out->content_kind = ChatResponse::ContentKind::kOther;
    out->content_type_name = JsonTypeName(*content);
  }
  auto refusal = message.find("refusal");
  if (refusal != message.end() && refusal->is_string() && !refusal->get<std::string>().empty()) {
    out->refusal = refusal->get<std::string>();
  }
  auto tools = message.find("tool_calls");
  out->has_tool_calls = tools != message.end() && tools->is_array() && !tools->empty();
}

}  // namespace

ChatResponse ParseChatResponse(std::string_view body, std::string_view content_type,
                               const std::vector<std::string>& response_fields) {
  ChatResponse out;
  out.content_type_json = IsJsonContentType(content_type);
  Result<nlohmann::json> parsed = ParseJsonBounded(body);
  if (!parsed.ok()) {
    out.json_error = parsed.status().message();
    return out;
  }
  const nlohmann::json& root = *parsed;
  out.is_json = true;
  if (!root.is_object()) {
    out.problems.push_back("body is a JSON " + std::string(JsonTypeName(root)) +
                           ", expected an object");
    return out;
  }
  out.error = ParseErrorBody(body);
  if (out.error) return out;  // an error envelope is never read as an answer

  out.object = StringOr(root, "object");
  out.model = StringOr(root, "model");
  if (out.object.empty()) {
    out.warnings.push_back("`object` is missing");
  } else if (out.object != "chat.completion") {
    out.problems.push_back("object is \"" + SanitizeForDisplay(out.object, 40) +
                           "\", expected \"chat.completion\"");
  }
  for (const auto& field : response_fields) {
    (FindPath(root, field) ? out.fields_present : out.fields_missing).push_back(field);
  }
  auto choices = root.find("choices");
  if (choices == root.end() || !choices->is_array()) {
    out.problems.push_back(choices == root.end() ? "`choices` is missing"
                                                 : "`choices` is not an array");
  } else if (choices->empty()) {
    out.problems.push_back("`choices` is empty");
  } else {
    const nlohmann::json& first = (*choices)[0];
    auto message = first.is_object() ? first.find("message") : first.end();
    if (!first.is_object() || message == first.end() || !message->is_object()) {
      out.problems.push_back("choices[0].message is missing");
    } else {
      ReadMessage(*message, &out);
    }
    if (first.is_object()) {
      out.finish_reason = StringOr(first, "finish_reason");
      if (!out.finish_reason.empty() && !IsKnownFinishReason(out.finish_reason)) {
        out.warnings.push_back("unknown finish_reason \"" +
                               SanitizeForDisplay(out.finish_reason, 40) + "\"");
      }
    }
  }
  if (out.content_kind == ChatResponse::ContentKind::kOther) {
    out.problems.push_back("choices[0].message.content is a JSON " + out.content_type_name +
                           ", expected a string (schema drift)");
  }
  if (!out.fields_missing.empty()) {
    out.problems.push_back("missing contract field" +
                           std::string(out.fields_missing.size() > 1 ? "s " : " ") +
                           Join(out.fields_missing, ", "));
  }
  ReadUsage(root, &out);
  return out;
}

}  // namespace rollgate::internal
