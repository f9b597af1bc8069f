#include "app_parser.h"

#include <algorithm>
#include <array>

#include "base/strings.h"

namespace sample_app {

namespace {

using nlohmann::json;
namespace base = rollgate::internal;

// The top-level fields of a chat.completion (and chunk) in the OpenAI schema strict-fields was
// written against; anything else, service_tier included, is "unexpected" to it.
constexpr std::array<std::string_view, 7> kStrictTopLevel = {
    "id", "object", "created", "model", "choices", "usage", "system_fingerprint"};

AppError ParserError(const std::string& what) {
  return {"parse error: " + what, "parser_error", ""};
}

std::string StringOr(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// error.code may be a string, null or (some gateways) a number.
std::string CodeOf(const json& error) {
  auto it = error.find("code");
  if (it == error.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// {"error": {...}} or {"error": "text"}: a truthy `error` makes the whole answer an error, as
// in both SDKs' stream handling.
std::optional<AppError> ErrorEnvelope(const json& j) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find("error");
  if (it == j.end() || it->is_null() || (it->is_boolean() && !it->get<bool>())) {
    return std::nullopt;
  }
  AppError e;
  if (it->is_object()) {
    e.message = StringOr(*it, "message");
    e.type = StringOr(*it, "type");
    e.code = CodeOf(*it);
  } else if (it->is_string()) {
    e.message = it->get<std::string>();
  } else {
    e.message = it->dump();
  }
  if (e.message.empty()) e.message = "the provider answered an error without a message";
  if (e.type.empty()) e.type = "provider_error";
  return e;
}

// strict-fields' schema check of the top level: unknown fields first, then the required ones.
std::optional<std::string> StrictTopLevelProblem(const json& j) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(kStrictTopLevel.begin(), kStrictTopLevel.end(), it.key()) ==
        kStrictTopLevel.end()) {
      return "unexpected field " + it.key();
    }
  }
  struct Required {
    const char* name;
    bool (*has_type)(const json&);
    const char* type;
  };
  const Required required[] = {
      {"id", [](const json& v) { return v.is_string(); }, "string"},
      {"object", [](const json& v) { return v.is_string(); }, "string"},
      {"created", [](const json& v) { return v.is_number_integer(); }, "integer"},
      {"model", [](const json& v) { return v.is_string(); }, "string"},
      {"choices", [](const json& v) { return v.is_array(); }, "array"}};
  for (const Required& r : required) {
    auto it = j.find(r.name);
    if (it == j.end()) return std::string("missing field ") + r.name;
    if (!r.has_type(*it)) return std::string("field ") + r.name + " is not a " + r.type;
  }
  return std::nullopt;
}

// content-parts: [{"type":"text","text":"..."}] -> the joined text.
std::optional<std::string> JoinParts(const json& content, std::string* why) {
  if (content.is_string()) {
    *why = "is a string, expected an array of content parts";
    return std::nullopt;
  }
  if (!content.is_array()) {
    *why = "is a JSON " + std::string(content.type_name()) + ", expected an array of content parts";
    return std::nullopt;
  }
  std::string text;
  for (const json& part : content) {
    if (!part.is_object() || StringOr(part, "type") != "text" || !part.contains("text") ||
        !part["text"].is_string()) {
      *why = "has a part that is not {\"type\":\"text\",\"text\":...}";
      return std::nullopt;
    }
    text += part["text"].get<std::string>();
  }
  return text;
}

// Applies the mode's rule to a message.content / delta.content value. Returns the value to
// keep, or sets *why when the mode rejects it.
std::optional<json> ContentValue(const json& content, ParserMode mode, std::string* why) {
  switch (mode) {
    case ParserMode::kTolerant:
      return content;  // passed through untyped, like the SDKs' loose mode
    case ParserMode::kStrictFields:
      if (content.is_string() || content.is_null()) return content;
      *why = "is a JSON " + std::string(content.type_name()) + ", expected a string or null";
      return std::nullopt;
    case ParserMode::kContentParts: {
      if (content.is_null()) return content;
      std::optional<std::string> text = JoinParts(content, why);
      if (!text) return std::nullopt;
      return json(*text);
    }
  }
  return std::nullopt;
}

}  // namespace

ParsedAnswer ParseCompletion(std::string_view body, ParserMode mode) {
  ParsedAnswer out;
  json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    out.error = ParserError("the body is not JSON (starts with \"" +
                            base::SanitizeForDisplay(body, 40) + "\")");
    return out;
  }
  if (!j.is_object()) {
    out.error = ParserError("the body is a JSON " + std::string(j.type_name()) + ", not an object");
    return out;
  }
  if (std::optional<AppError> e = ErrorEnvelope(j)) {
    out.error = std::move(e);
    return out;
  }
  if (mode == ParserMode::kStrictFields) {
    if (std::optional<std::string> problem = StrictTopLevelProblem(j)) {
      out.error = ParserError(*problem);
      return out;
    }
  }
  out.model = StringOr(j, "model");
  auto choices = j.find("choices");
  if (choices == j.end() || !choices->is_array() || choices->empty()) {
    out.error = ParserError("no choices in the answer");
    return out;
  }
  const json& choice = (*choices)[0];
  if (!choice.is_object()) {
    out.error = ParserError("choices[0] is not an object");
    return out;
  }
  auto message = choice.find("message");
  if (message != choice.end() && message->is_object()) {
    if (auto content = message->find("content"); content != message->end()) {
      std::string why;
      std::optional<json> value = ContentValue(*content, mode, &why);
      if (!value) {
        out.error = ParserError("choices[0].message.content " + why);
        return out;
      }
      out.content = std::move(*value);
      out.fields_present.push_back(kFieldContent);
    }
  } else if (mode != ParserMode::kTolerant) {
    out.error = ParserError("choices[0].message is missing");
    return out;
  }
  if (auto finish = choice.find("finish_reason"); finish != choice.end()) {
    if (finish->is_string()) out.finish_reason = finish->get<std::string>();
    if (mode == ParserMode::kStrictFields && !finish->is_string()) {
      out.error = ParserError("choices[0].finish_reason is not a string");
      return out;
    }
    out.fields_present.push_back(kFieldFinishReason);
  }
  out.parsed = true;
  return out;
}

AppError ParseErrorBody(int status, std::string_view body) {
  json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) {
    if (std::optional<AppError> e = ErrorEnvelope(j)) return *e;
  }
  std::string shown = base::SanitizeForDisplay(base::TrimView(body), 120);
  return {"HTTP " + std::to_string(status) + (shown.empty() ? "" : ": " + shown), "http_error", ""};
}

std::string RequestIdFromMessage(std::string_view message) {
  constexpr std::string_view kMarker = "(request id: ";
  std::size_t at = message.rfind(kMarker);
  if (at == std::string_view::npos) return "";
  std::size_t start = at + kMarker.size();
  std::size_t end = message.find(')', start);
  if (end == std::string_view::npos) return "";
  return base::Trim(message.substr(start, end - start));
}

// --- SSE framing --------------------------------------------------------------------------

void SseReader::Feed(std::string_view bytes, std::vector<std::string>* events) {
  for (char c : bytes) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') continue;  // the LF of a CRLF, possibly split across two reads
    }
    if (c == '\r' || c == '\n') {
      skip_lf_ = c == '\r';
      Line(partial_, events);
      partial_.clear();
    } else {
      partial_ += c;
    }
  }
}

void SseReader::Line(std::string_view line, std::vector<std::string>* events) {
  if (line.empty()) {
    if (has_data_) events->push_back(std::move(data_));
    data_.clear();
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // a comment (keep-alive)
  std::size_t colon = line.find(':');
  std::string_view name = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (name != "data") return;  // event/id/retry are not used by chat completions
  if (has_data_) data_ += '\n';
  data_.append(value);
  has_data_ = true;
}

// --- stream assembly ----------------------------------------------------------------------

void StreamParser::Feed(std::string_view bytes) {
  if (stopped_) return;
  std::vector<std::string> events;
  reader_.Feed(bytes, &events);
  for (const std::string& data : events) {
    if (stopped_) break;
    Event(data);
  }
}

void StreamParser::Fail(std::string message) {
  answer_.error = ParserError(message);
  stopped_ = true;
}

void StreamParser::Event(const std::string& data) {
  if (base::TrimView(data) == "[DONE]") {
    answer_.done = true;
    stopped_ = true;
    return;
  }
  json chunk = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (chunk.is_discarded() || !chunk.is_object()) {
    return Fail("stream event " + std::to_string(answer_.chunks + 1) +
                " is not a JSON object (starts with \"" + base::SanitizeForDisplay(data, 40) +
                "\")");
  }
  ++answer_.chunks;
  if (std::optional<AppError> e = ErrorEnvelope(chunk)) {
    answer_.error = std::move(e);  // a mid-stream error: the HTTP status already said 200
    stopped_ = true;
    return;
  }
  Chunk(chunk);
}

void StreamParser::Chunk(const json& chunk) {
  if (mode_ == ParserMode::kStrictFields) {
    if (std::optional<std::string> problem = StrictTopLevelProblem(chunk)) {
      return Fail("stream chunk " + std::to_string(answer_.chunks) + ": " + *problem);
    }
  }
  if (answer_.model.empty()) answer_.model = StringOr(chunk, "model");
  auto choices = chunk.find("choices");
  if (choices == chunk.end() || !choices->is_array() || choices->empty()) return;  // usage chunk
  const json& choice = (*choices)[0];
  if (!choice.is_object()) return Fail("stream chunk choices[0] is not an object");
  if (auto delta = choice.find("delta"); delta != choice.end() && delta->is_object()) {
    if (auto content = delta->find("content"); content != delta->end() && !content->is_null()) {
      std::string why;
      std::optional<json> value = ContentValue(*content, mode_, &why);
      if (!value) return Fail("choices[0].delta.content " + why);
      if (!value->is_string()) {
        // Even the tolerant parser cannot concatenate what is not text.
        return Fail("choices[0].delta.content is a JSON " + std::string(value->type_name()) +
                    ", expected a string");
      }
      content_ += value->get<std::string>();
      content_seen_ = true;
    }
  }
  if (auto finish = choice.find("finish_reason"); finish != choice.end() && finish->is_string()) {
    answer_.finish_reason = finish->get<std::string>();
  }
}

ParsedAnswer StreamParser::Finish() {
  stopped_ = true;
  ParsedAnswer out = std::move(answer_);
  if (content_seen_) out.content = json(content_);
  if (!out.error) {
    out.parsed = true;
    if (content_seen_) out.fields_present.push_back(kFieldContent);
    if (!out.finish_reason.empty()) out.fields_present.push_back(kFieldFinishReason);
  }
  return out;
}

}  // namespace sample_app
