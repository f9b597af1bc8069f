#include "contract/app_protocol.h"

#include <algorithm>

#include "base/strings.h"
#include "contract/json_util.h"

namespace rollgate::internal {

namespace {

std::string_view LastJsonLine(std::string_view output) {
  std::string_view rest = output;
  while (!rest.empty()) {
    std::size_t nl = rest.rfind('\n', rest.size() - 1);
    std::string_view line = TrimView(nl == std::string_view::npos ? rest : rest.substr(nl + 1));
    if (!line.empty() && line.front() == '{') return line;
    if (nl == std::string_view::npos) break;
    rest = rest.substr(0, nl);
  }
  return TrimView(output);
}

// `error`: a message, or an object with message, type and code.
ErrorBody ReadAppError(const nlohmann::json& err) {
  ErrorBody e;
  if (err.is_string()) {
    e.message = err.get<std::string>();
  } else if (err.is_object()) {
    e.message = StringOr(err, "message");
    e.type = StringOr(err, "type");
    e.code = StringOr(err, "code");
  }
  return e;
}

// `content` as the app's parser read it: a string, null, absent, or a problem.
void ReadAppContent(const nlohmann::json& j, ChatResponse* c) {
  auto content = j.find("content");
  if (content == j.end()) {
    c->content_kind = ChatResponse::ContentKind::kAbsent;
  } else if (content->is_null()) {
    c->content_kind = ChatResponse::ContentKind::kNull;
  } else if (content->is_string()) {
    c->content_kind = ChatResponse::ContentKind::kString;
    c->content = content->get<std::string>();
  } else {
    c->content_kind = ChatResponse::ContentKind::kOther;
    c->content_type_name = JsonTypeName(*content);
    c->problems.push_back("the app reported content as a JSON " + c->content_type_name +
                          ", expected a string");
  }
}

// `fields_present`: the contract fields the app's parser found; a missing one is a problem.
void ReadFieldsPresent(const nlohmann::json& fields,
                       const std::vector<std::string>& response_fields, ChatResponse* c) {
  for (const auto& f : fields) {
    if (f.is_string()) c->fields_present.push_back(f.get<std::string>());
  }
  for (const auto& want : response_fields) {
    if (std::find(c->fields_present.begin(), c->fields_present.end(), want) ==
        c->fields_present.end()) {
      c->fields_missing.push_back(want);
    }
  }
  if (!c->fields_missing.empty()) {
    c->problems.push_back("the app's parser did not find contract field" +
                          std::string(c->fields_missing.size() > 1 ? "s " : " ") +
                          Join(c->fields_missing, ", "));
  }
}

}  // namespace

AppAnswer ParseAppAnswer(std::string_view output, const std::vector<std::string>& response_fields) {
  AppAnswer a;
  std::string_view text = LastJsonLine(output);
  if (text.empty()) {
    a.problem = "printed nothing";
    return a;
  }
  Result<nlohmann::json> parsed = ParseJsonBounded(text);
  if (!parsed.ok() || !parsed->is_object()) {
    a.problem = "printed no protocol JSON object (" +
                (parsed.ok() ? std::string("not an object") : parsed.status().message()) +
                "; first bytes: \"" + SanitizeForDisplay(text, 60) + "\")";
    return a;
  }
  const nlohmann::json& j = *parsed;
  auto status = j.find("status");
  if (status == j.end() || !status->is_number_integer()) {
    a.problem = "the protocol object has no integer `status`";
    return a;
  }
  a.valid = true;
  a.status = status->get<int>();
  a.request_id = StringOr(j, "request_id");
  auto err = j.find("error");
  if (err != j.end() && !err->is_null()) {
    ErrorBody e = ReadAppError(*err);
    if (a.request_id.empty()) a.request_id = RequestIdFromMessage(e.message);
    a.error = e;
  }
  ChatResponse& c = a.chat;
  c.is_json = true;
  c.content_type_json = true;
  c.object = "chat.completion";
  c.model = StringOr(j, "model");
  c.finish_reason = StringOr(j, "finish_reason");
  ReadAppContent(j, &c);
  if (a.error && a.status >= 200 && a.status < 300) c.error = a.error;
  auto fields = j.find("fields_present");
  if (fields != j.end() && fields->is_array()) {
    a.fields_reported = true;
    ReadFieldsPresent(*fields, response_fields, &c);
  }
  auto done = j.find("done");
  if (done != j.end() && done->is_boolean()) a.done = done->get<bool>();
  auto chunks = j.find("chunks");
  if (chunks != j.end() && chunks->is_number_integer()) a.chunks = chunks->get<int64_t>();
  auto fb = j.find("fallback");
  if (fb != j.end() && fb->is_object()) {
    a.fallback =
        FallbackRecord{StringOr(*fb, "from"), StringOr(*fb, "to"), StringOr(*fb, "trigger")};
  }
  // Only a JSON `true` counts: a string here might be an app echoing the key itself.
  auto used = j.find("smoke_api_key_used");
  a.smoke_api_key_used = used != j.end() && used->is_boolean() && used->get<bool>();
  auto client = j.find("client");
  a.client_reported = client != j.end() && client->is_object();
  return a;
}

ChatStream AppAnswerAsStream(const AppAnswer& a) {
  ChatStream s;
  s.content = a.chat.content;
  s.finish_reason = a.chat.finish_reason;
  s.finish_reasons = a.chat.finish_reason.empty() ? 0 : 1;
  s.chunks = a.chunks < 0 ? 0 : a.chunks;
  s.events = s.chunks;
  s.done_seen = a.done.value_or(false);
  s.done_reported = a.done.has_value();
  s.model = a.chat.model;
  if (a.error && a.status >= 200 && a.status < 300) s.error = a.error;
  s.problems = a.chat.problems;
  if (a.done.has_value() && !*a.done)
    s.problems.push_back("the app's stream ended without data: [DONE]");
  if (s.finish_reasons == 0 && !s.error) s.problems.push_back("the app saw no finish_reason");
  return s;
}

}  // namespace rollgate::internal
