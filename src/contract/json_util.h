// Small helpers over nlohmann::json for the contract layer. Internal to contract/.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "rollgate/status.h"

namespace rollgate::internal {

inline constexpr int kMaxJsonDepth = 128;

/// Parses `text` without throwing. Refuses documents nested deeper than kMaxJsonDepth (a
/// nesting bomb must not cost us a stack or seconds). On failure an InvalidArgument whose
/// message is a short reason ("not JSON at byte 12", "nested deeper than 128 levels",
/// "invalid UTF-8") that callers put into their own sentence.
Result<nlohmann::json> ParseJsonBounded(std::string_view text);

/// j[key] when it is a string; the number as text when it is a number; "" otherwise.
std::string StringOr(const nlohmann::json& j, const char* key);

/// Follows "a.b.0.c" (numeric segments index arrays). nullptr when any step is missing.
const nlohmann::json* FindPath(const nlohmann::json& root, std::string_view dotted);

/// The member names of an object, in byte order; empty for anything else.
std::vector<std::string> ObjectKeys(const nlohmann::json& j);

/// The JSON type's name for messages ("string", "array", "null", ...).
const char* JsonTypeName(const nlohmann::json& j);

}  // namespace rollgate::internal
