// The provider's side of a Chat Completions request: what a provider (the mock) reads from the
// body. Parsing never fails loudly: a body the provider would reject becomes a RequestProblem,
// answered with the flavor's error (contract/provider_error.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rollgate::internal {

enum class RequestProblem {
  kNone,
  kMalformedJson,    // not JSON, or not a JSON object
  kMissingModel,     // `model` absent, not a string, or empty
  kMissingMessages,  // `messages` absent or not an array
};

struct ChatRequest {
  RequestProblem problem = RequestProblem::kNone;
  std::string model;  // set whenever the body names one, even when `messages` is missing
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
  /// The smaller of max_tokens and max_completion_tokens when either is a positive integer.
  std::optional<int> max_tokens;
  /// The text of every message (string content, or the text parts of array content), in order.
  std::vector<std::string> message_texts;
  std::string last_user_text;  // the text of the last message whose role is "user"

  // The request's shape, for the observations (never a value from the body but the model):
  std::vector<std::string> fields;  // top-level field names, sorted; empty unless a JSON object
  /// Which token budget field the client used: "max_tokens", "max_completion_tokens", "both",
  /// or "" when neither is present (whatever its value).
  std::string token_field;
};

ChatRequest ParseChatRequest(std::string_view body);

}  // namespace rollgate::internal
