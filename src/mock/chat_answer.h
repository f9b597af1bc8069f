// What the mock's assistant says: deterministic, so tests and rehearsals can assert on it.
//
// If the last user message contains a JSON object {"ok":true,"label":"<L>"} (rollgate's smoke
// prompt asks for exactly that), the answer is that object, compact: {"ok":true,"label":"<L>"}.
// Otherwise it is a fixed sentence. Tokens are approximated as ceil(code points / 4) per
// message and per answer; a max_tokens budget smaller than the answer cuts it to that many
// tokens' worth of code points and turns finish_reason into "length".
#pragma once

#include <string_view>

#include "contract/provider_body.h"
#include "contract/provider_request.h"

namespace rollgate::mock {

using internal::Answer;
using internal::ChatRequest;

/// The answer when the prompt asks for nothing the mock recognises.
inline constexpr std::string_view kDefaultAnswer = "Hello from the rollgate mock provider.";
/// The prompt-ignored scenario's answer: prose with no JSON in it.
inline constexpr std::string_view kIgnoredPromptAnswer =
    "Sure! Here is a friendly sentence instead of the object you asked for.";

enum class AnswerStyle {
  kFollowPrompt,  // the normal answer
  kIgnorePrompt,  // prose, whatever was asked
  kTruncated,     // the normal answer cut in half, finish_reason "length"
};

Answer ComposeAnswer(const ChatRequest& request, AnswerStyle style);

/// ceil(code points / 4); 0 for empty text.
int CountTokens(std::string_view text);

}  // namespace rollgate::mock
