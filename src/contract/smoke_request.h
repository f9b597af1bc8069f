// The built-in smoke prompt and the request body rollgate sends (DESIGN.md "The smoke prompt").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollgate/config.h"

namespace rollgate::internal {

inline constexpr const char kSmokeSystemPrompt[] =
    "Reply with a compact JSON object only, no markdown.";

/// The user message: `Return {"ok":true,"label":"<label>"}`.
std::string SmokeUserPrompt(const std::string& label);

/// The exact content a model that follows the prompt returns.
std::string ExpectedSmokeContent(const std::string& label);

/// The provider's reading of the prompt: the label of the first {"ok":true,"label":"..."}
/// object inside `text`, in any wording or key order, if any (the mock answers with
/// ExpectedSmokeContent of it).
std::optional<std::string> FindSmokeLabel(std::string_view text);

/// The JSON request body: model, the two messages, temperature 0, the token budget in the
/// configured field, and for streams `stream: true` with `stream_options.include_usage`.
std::string BuildSmokeRequestBody(const std::string& model, const PromptOptions& prompt,
                                  bool stream);

/// The field names of a JSON object body, nested objects' as "a.b" ("model", "messages",
/// "stream_options.include_usage"), in the body's order; empty when it is not a JSON object.
std::vector<std::string> JsonBodyFieldNames(std::string_view body);

/// The top-level field names of a JSON object body, sorted ("max_tokens", "messages", "model",
/// ...); empty when it is not a JSON object.
std::vector<std::string> JsonBodyTopLevelFields(std::string_view body);

}  // namespace rollgate::internal
