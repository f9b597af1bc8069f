#include "contract/smoke_answer.h"

#include <utility>

#include "base/strings.h"
#include "contract/json_util.h"

namespace rollgate::internal {

namespace {

// Describes text without quoting it: the completion never reaches evidence or logs.
std::string Shape(std::string_view text) {
  std::string_view t = TrimView(text);
  std::string what = std::to_string(text.size()) + " chars";
  if (t.empty()) return "empty";
  if (t.rfind("```", 0) == 0) return what + ", wrapped in a markdown code fence";
  if (t.front() == '{' || t.front() == '[') return what + ", starts like JSON but does not parse";
  return what + ", prose";
}

}  // namespace

SmokeAnswer EvaluateSmokeAnswer(const SmokeAnswerInput& in) {
  SmokeAnswer out;
  if (in.refused) {
    out.reason = "the model refused (message.refusal is set): the smoke prompt was blocked";
    return out;
  }
  if (in.finish_reason == "content_filter") {
    out.reason = "finish_reason content_filter: the provider's filter withheld the answer";
    return out;
  }
  if (!in.has_content) {
    out.reason = in.has_tool_calls ? "the model answered with tool calls, no content"
                                   : "no content in the answer (null or absent)";
    return out;
  }
  Result<nlohmann::json> content = ParseJsonBounded(TrimView(in.content));
  const bool parsed = content.ok() && content->is_object();
  const nlohmann::json j = parsed ? std::move(content).value() : nlohmann::json::object();
  if (parsed) {
    nlohmann::ordered_json echo = nlohmann::ordered_json::object();
    if (j.contains("ok")) echo["ok"] = j["ok"];
    if (j.contains("label")) echo["label"] = j["label"];
    out.content_json = echo.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  if (in.finish_reason == "length") {
    out.reason = "truncated (finish_reason length) after " + Shape(in.content) +
                 ": raise prompt.max_tokens (now " + std::to_string(in.max_tokens) +
                 ") or check prompt.token_field";
    return out;
  }
  if (!parsed) {
    out.reason = "content is not a JSON object (" + Shape(in.content) +
                 "): the model ignored the prompt or the parser reads another field";
    return out;
  }
  auto ok = j.find("ok");
  if (ok == j.end() || !ok->is_boolean() || !ok->get<bool>()) {
    out.reason = "content JSON lacks \"ok\": true";
    return out;
  }
  auto label = j.find("label");
  if (label == j.end() || !label->is_string() || label->get<std::string>() != in.label) {
    out.reason = "content JSON label differs from the expected \"" + std::string(in.label) + "\"";
    return out;
  }
  if (in.finish_reason.empty()) {
    out.reason = "no finish_reason with the content";
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace rollgate::internal
