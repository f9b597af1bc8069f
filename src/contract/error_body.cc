#include "contract/error_body.h"

#include <nlohmann/json.hpp>

#include "contract/json_util.h"

namespace rollgate::internal {

std::string RequestIdFromMessage(std::string_view message) {
  static constexpr std::string_view kMarker = "request id:";
  std::size_t pos = message.rfind(kMarker);
  if (pos == std::string_view::npos) return std::string();
  std::size_t start = pos + kMarker.size();
  while (start < message.size() && message[start] == ' ') ++start;
  std::size_t end = start;
  while (end < message.size() && message[end] != ')' && message[end] != ' ' &&
         message[end] != ',') {
    ++end;
  }
  return std::string(message.substr(start, end - start));
}

std::optional<ErrorBody> ParseErrorBody(std::string_view body) {
  Result<nlohmann::json> parsed = ParseJsonBounded(body);
  if (!parsed.ok() || !parsed->is_object()) return std::nullopt;
  const nlohmann::json& j = *parsed;
  auto it = j.find("error");
  if (it == j.end() || it->is_null() || (it->is_boolean() && !it->get<bool>())) return std::nullopt;
  ErrorBody out;
  if (it->is_string()) {
    out.message = it->get<std::string>();
  } else if (it->is_object()) {
    out.message = StringOr(*it, "message");
    out.type = StringOr(*it, "type");
    out.code = StringOr(*it, "code");
    out.param = StringOr(*it, "param");
  } else {
    return std::nullopt;
  }
  out.request_id = RequestIdFromMessage(out.message);
  return out;
}

}  // namespace rollgate::internal
