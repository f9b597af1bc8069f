#include "mock/chat_answer.h"

#include <nlohmann/json.hpp>

#include "base/json_scan.h"

namespace rollgate::mock {

namespace {

using nlohmann::json;

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t CountCodePoints(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += IsContinuationByte(c) ? 0 : 1;
  return n;
}

// The end of the balanced {...} that starts at `open`, honouring JSON strings, or npos.
std::size_t MatchingBrace(std::string_view text, std::size_t open) {
  int depth = 0;
  return internal::ScanJsonBrackets(text, open, [&](char c, std::size_t) {
    if (c == '{') ++depth;
    return !(c == '}' && --depth == 0);
  });
}

// Written by hand because nlohmann sorts keys ("label" before "ok"), and the smoke check
// compares against exactly this order.
std::string SmokeObject(const std::string& label) {
  return "{\"ok\":true,\"label\":" +
         json(label).dump(-1, ' ', false, json::error_handler_t::replace) + "}";
}

}  // namespace

int CountTokens(std::string_view text) { return static_cast<int>((CountCodePoints(text) + 3) / 4); }

std::string_view PrefixCodePoints(std::string_view text, std::size_t code_points) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!IsContinuationByte(text[i])) {
      if (seen == code_points) return text.substr(0, i);
      ++seen;
    }
  }
  return text;
}

std::optional<std::string> FindSmokeLabel(std::string_view text) {
  // Prompts are short; the bound keeps a hostile body from costing quadratic time.
  text = text.substr(0, std::size_t{64} * 1024);
  for (std::size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    std::size_t close = MatchingBrace(text, open);
    if (close == std::string_view::npos) continue;
    json object = json::parse(text.substr(open, close - open + 1), nullptr, false);
    if (!object.is_object()) continue;
    auto ok = object.find("ok");
    auto label = object.find("label");
    if (ok != object.end() && ok->is_boolean() && ok->get<bool>() && label != object.end() &&
        label->is_string()) {
      return label->get<std::string>();
    }
  }
  return std::nullopt;
}

Answer ComposeAnswer(const ChatRequest& request, AnswerStyle style) {
  Answer answer;
  std::optional<std::string> label = FindSmokeLabel(request.last_user_text);
  if (style == AnswerStyle::kIgnorePrompt) {
    answer.content = std::string(kIgnoredPromptAnswer);
  } else if (label) {
    answer.content = SmokeObject(*label);
  } else {
    answer.content = std::string(kDefaultAnswer);
  }
  answer.finish_reason = "stop";

  if (style == AnswerStyle::kTruncated) {
    std::size_t half = std::max<std::size_t>(1, CountCodePoints(answer.content) / 2);
    answer.content = std::string(PrefixCodePoints(answer.content, half));
    answer.finish_reason = "length";
  }
  if (request.max_tokens && CountTokens(answer.content) > *request.max_tokens) {
    answer.content = std::string(
        PrefixCodePoints(answer.content, static_cast<std::size_t>(*request.max_tokens) * 4));
    answer.finish_reason = "length";
  }

  for (const auto& text : request.message_texts) answer.prompt_tokens += CountTokens(text);
  answer.prompt_tokens = std::max(answer.prompt_tokens, 1);
  answer.completion_tokens = CountTokens(answer.content);
  return answer;
}

}  // namespace rollgate::mock
