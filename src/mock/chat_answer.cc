#include "mock/chat_answer.h"

#include <algorithm>
#include <optional>
#include <string>

#include "base/strings.h"
#include "contract/smoke_request.h"

namespace rollgate::mock {

int CountTokens(std::string_view text) {
  return static_cast<int>((internal::CountCodePoints(text) + 3) / 4);
}

Answer ComposeAnswer(const ChatRequest& request, AnswerStyle style) {
  Answer answer;
  std::optional<std::string> label = internal::FindSmokeLabel(request.last_user_text);
  if (style == AnswerStyle::kIgnorePrompt) {
    answer.content = std::string(kIgnoredPromptAnswer);
  } else if (label) {
    answer.content = internal::ExpectedSmokeContent(*label);
  } else {
    answer.content = std::string(kDefaultAnswer);
  }
  answer.finish_reason = "stop";

  if (style == AnswerStyle::kTruncated) {
    std::size_t half = std::max<std::size_t>(1, internal::CountCodePoints(answer.content) / 2);
    answer.content = std::string(internal::PrefixCodePoints(answer.content, half));
    answer.finish_reason = "length";
  }
  if (request.max_tokens && CountTokens(answer.content) > *request.max_tokens) {
    answer.content = std::string(internal::PrefixCodePoints(
        answer.content, static_cast<std::size_t>(*request.max_tokens) * 4));
    answer.finish_reason = "length";
  }

  for (const auto& text : request.message_texts) answer.prompt_tokens += CountTokens(text);
  answer.prompt_tokens = std::max(answer.prompt_tokens, 1);
  answer.completion_tokens = CountTokens(answer.content);
  return answer;
}

}  // namespace rollgate::mock
