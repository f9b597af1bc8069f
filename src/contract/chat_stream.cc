#include "contract/chat_stream.h"

#include "base/strings.h"
#include "contract/json_util.h"

namespace rollgate::internal {

void ChatStreamAssembler::Problem(std::string text) {
  // Keep the first few: one malformed chunk usually means all of them are.
  if (s_.problems.size() < 3) s_.problems.push_back(std::move(text));
}

void ChatStreamAssembler::OnEvent(const SseEvent& event, double at_ms) {
  ++s_.events;
  if (s_.done_seen) {
    s_.data_after_done = true;
    return;
  }
  // NODE stops only on exactly [DONE]; PY on a prefix. Exact is the stricter reading.
  if (event.data == "[DONE]") {
    s_.done_seen = true;
    return;
  }
  std::string where = "event " + std::to_string(s_.events);
  nlohmann::json j;
  std::string json_error;
  if (!ParseJsonBounded(event.data, &j, &json_error)) {
    Problem(where + ": data is not JSON (" + json_error + ")");
    return;
  }
  if (event.event == "error" || (j.is_object() && j.contains("error") && !j["error"].is_null())) {
    if (!s_.error) {
      s_.error = ParseErrorBody(event.data);
      if (!s_.error) s_.error = ErrorBody{};
    }
    return;
  }
  if (!j.is_object()) {
    Problem(where + ": data is a JSON " + std::string(JsonTypeName(j)) +
            ", expected a chunk object");
    return;
  }
  std::string object = StringOr(j, "object");
  if (object != "chat.completion.chunk") {
    Problem(where + ": object is \"" + SanitizeForDisplay(object, 40) +
            "\", expected \"chat.completion.chunk\"");
  }
  ++s_.chunks;
  std::string model = StringOr(j, "model");
  if (s_.model.empty()) {
    s_.model = model;
  } else if (!model.empty() && model != s_.model && s_.warnings.empty()) {
    s_.warnings.push_back("model changed mid-stream");
  }
  auto choices = j.find("choices");
  if (choices == j.end() || !choices->is_array()) {
    Problem(where + ": `choices` is missing or not an array");
    return;
  }
  auto usage = j.find("usage");
  if (usage != j.end() && usage->is_object()) {
    if (!choices->empty()) {
      s_.warnings.push_back("usage arrived on a chunk that also has choices");
    }
    s_.usage_seen = true;
    auto get = [&](const char* k) -> int64_t {
      auto it = usage->find(k);
      return it != usage->end() && it->is_number_integer() ? it->get<int64_t>() : -1;
    };
    s_.prompt_tokens = get("prompt_tokens");
    s_.completion_tokens = get("completion_tokens");
    s_.total_tokens = get("total_tokens");
  }
  for (const auto& choice : *choices) {
    if (!choice.is_object()) {
      Problem(where + ": a choice is not an object");
      continue;
    }
    auto index = choice.find("index");
    if (index != choice.end() && index->is_number_integer() && index->get<int64_t>() != 0) continue;
    auto delta = choice.find("delta");
    if (delta == choice.end() || !delta->is_object()) {
      Problem(where + ": choices[0] has no `delta`" +
              std::string(choice.contains("message") ? " (a `message` instead: non-stream shape)"
                                                     : ""));
    } else {
      auto content = delta->find("content");
      if (content != delta->end() && !content->is_null()) {
        if (!content->is_string()) {
          Problem(where + ": delta.content is a JSON " + std::string(JsonTypeName(*content)) +
                  ", expected a string");
        } else {
          const std::string& piece = content->get_ref<const std::string&>();
          if (!piece.empty() && s_.first_content_ms < 0) s_.first_content_ms = at_ms;
          s_.content += piece;
        }
      }
      auto refusal = delta->find("refusal");
      if (refusal != delta->end() && refusal->is_string() && !refusal->get<std::string>().empty()) {
        s_.refused = true;
      }
      auto tools = delta->find("tool_calls");
      if (tools != delta->end() && tools->is_array() && !tools->empty()) s_.has_tool_calls = true;
    }
    auto finish = choice.find("finish_reason");
    if (finish != choice.end() && !finish->is_null()) {
      ++s_.finish_reasons;
      s_.finish_reason = finish->is_string() ? finish->get<std::string>() : std::string("?");
    }
  }
}

void ChatStreamAssembler::Finish(bool usage_requested) {
  if (s_.error) return;  // the error is the finding; the rest is its consequence
  if (s_.events == 0) {
    Problem("the stream carried no events");
    return;
  }
  if (s_.finish_reasons == 0) {
    Problem("no chunk carried a finish_reason");
  } else if (s_.finish_reasons > 1) {
    Problem("choice 0 carried " + std::to_string(s_.finish_reasons) +
            " finish_reasons, expected one");
  }
  if (!s_.done_seen) Problem("the stream ended without data: [DONE] (cut short?)");
  if (s_.data_after_done) s_.warnings.push_back("events after [DONE] (ignored)");
  if (usage_requested && !s_.usage_seen) {
    // Expected but unconfirmed for non-OpenAI upstreams (FACTS §1.3): a warning, not a failure.
    s_.warnings.push_back("no usage chunk although stream_options.include_usage was sent");
  }
}

}  // namespace rollgate::internal
