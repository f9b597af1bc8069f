// Is the model's answer the smoke object we asked for? (DESIGN.md: content_sanity)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rollgate::internal {

struct SmokeAnswerInput {
  bool has_content = false;  // content is a string (not null/absent)
  std::string_view content;
  std::string_view finish_reason;
  bool refused = false;  // message.refusal was set
  bool has_tool_calls = false;
  std::string_view label;  // the label the prompt asked for
  int max_tokens = 0;      // the budget, for the "truncated" advice
};

struct SmokeAnswer {
  bool ok = false;
  std::string reason;  // why not, without quoting the completion (it stays out of evidence)
  std::optional<std::string> content_json;  // compact {"ok":..,"label":..} when it parsed
};

/// Passes when the content parses as a JSON object with ok == true and the expected label,
/// and finish_reason is not `length` (or `content_filter`) and there was no refusal.
SmokeAnswer EvaluateSmokeAnswer(const SmokeAnswerInput& in);

}  // namespace rollgate::internal
