#include "contract/chat_stream.h"

#include "base/strings.h"
#include "contract/json_util.h"

namespace rollgate::internal {

namespace {

void AddProblem(ChatStream* s, std::string text) {
  // Keep the first few: one malformed chunk usually means all of them are.
  if (s->problems.size() < 3) s->problems.push_back(std::move(text));
}

// A usage chunk; `with_choices`: the chunk also carries choices.
void AddUsage(const nlohmann::json& usage, bool with_choices, ChatStream* s) {
  if (with_choices) {
    s->warnings.push_back("usage arrived on a chunk that also has choices");
  }
  s->usage_seen = true;
  auto get = [&](const char* k) -> int64_t {
    auto it = usage.find(k);
    return it != usage.end() && it->is_number_integer() ? it->get<int64_t>() : -1;
  };
  s->prompt_tokens = get("prompt_tokens");
  s->completion_tokens = get("completion_tokens");
  s->total_tokens = get("total_tokens");
}

// Choice 0's delta: its content, refusal and tool calls.
void AddDelta(const std::string& where, const nlohmann::json& delta, double at_ms, ChatStream* s) {
  auto content = delta.find("content");
  if (content != delta.end() && !content->is_null()) {
    if (!content->is_string()) {
      AddProblem(s, where + ": delta.content is a JSON " + std::string(JsonTypeName(*content)) +
                        ", expected a string");
    } else {
      const std::string& piece = content->get_ref<const std::string&>();
      if (!piece.empty() && s->first_content_ms < 0) s->first_content_ms = at_ms;
      s->content += piece;
    }
  }
  auto refusal = delta.find("refusal");
  if (refusal != delta.end() && refusal->is_string() && !refusal->get<std::string>().empty()) {
    s->refused = true;
  }
  auto tools = delta.find("tool_calls");
  if (tools != delta.end() && tools->is_array() && !tools->empty()) s->has_tool_calls = true;
}

// One choice of a chunk: only choice 0 counts.
void AddChoice(const std::string& where, const nlohmann::json& choice, double at_ms,
               ChatStream* s) {
  if (!choice.is_object()) {
    AddProblem(s, where + ": a choice is not an object");
    return;
  }
  auto index = choice.find("index");
  if (index != choice.end() && index->is_number_integer() && index->get<int64_t>() != 0) return;
  auto delta = choice.find("delta");
  if (delta == choice.end() || !delta->is_object()) {
    AddProblem(
        s, where + ": choices[0] has no `delta`" +
               std::string(choice.contains("message") ? " (a `message` instead: non-stream shape)"
                                                      : ""));
  } else {
    AddDelta(where, *delta, at_ms, s);
  }
  auto finish = choice.find("finish_reason");
  if (finish != choice.end() && !finish->is_null()) {
    ++s->finish_reasons;
    s->finish_reason = finish->is_string() ? finish->get<std::string>() : std::string("?");
  }
}

}  // namespace

void ChatStreamAssembler::Problem(std::string text) { AddProblem(&s_, std::move(text)); }

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
  Result<nlohmann::json> parsed = ParseJsonBounded(event.data);
  if (!parsed.ok()) {
    Problem(where + ": data is not JSON (" + parsed.status().message() + ")");
    return;
  }
  nlohmann::json& j = *parsed;
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
  if (usage != j.end() && usage->is_object()) AddUsage(*usage, !choices->empty(), &s_);
  for (const auto& choice : *choices) AddChoice(where, choice, at_ms, &s_);
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
