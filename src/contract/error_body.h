// The provider's error envelope, as OpenAI and CometAPI send it (FACTS §1.4, §3.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rollgate::internal {

struct ErrorBody {
  std::string message;
  std::string type;
  std::string code;  // "" when absent, null or empty (CometAPI often sends "")
  std::string param;
  std::string request_id;  // the "(request id: X)" suffix of the message, when present
};

/// Parses {"error": {...}}. Returns nullopt when the body is not JSON or has no truthy `error`
/// (a bare string `error` is accepted as the message).
std::optional<ErrorBody> ParseErrorBody(std::string_view body);

/// The id inside a CometAPI / one-api style message: "... (request id: 2025...)".
std::string RequestIdFromMessage(std::string_view message);

}  // namespace rollgate::internal
