// Reading a non-streaming Chat Completions answer the way a careful client does: strict where
// the contract requires a field, tolerant where the SDKs are (unknown fields, dated model
// snapshots, null vs absent). Takes bytes, touches no network.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/error_body.h"

namespace rollgate::internal {

struct ChatResponse {
  // How the body could be read.
  bool is_json = false;
  std::string json_error;          // why it is not JSON ("not JSON at byte 0", "invalid UTF-8")
  bool content_type_json = false;  // Content-Type is application/json or +json
  std::optional<ErrorBody> error;  // an `error` object in the body (fatal in a 200)

  // Contract problems that make the answer unusable for a strict client; each is one phrase.
  std::vector<std::string> problems;
  // Things the SDKs tolerate but an operator should see (unknown finish_reason, usage sums).
  std::vector<std::string> warnings;

  std::vector<std::string> fields_present;  // contract response fields found
  std::vector<std::string> fields_missing;  // contract response fields not found

  std::string object;
  std::string model;
  std::string finish_reason;
  enum class ContentKind { kAbsent, kNull, kString, kOther } content_kind = ContentKind::kAbsent;
  std::string content;            // when kString
  std::string content_type_name;  // JSON type when kOther ("array")
  std::optional<std::string> refusal;
  bool has_tool_calls = false;
  int64_t prompt_tokens = -1;
  int64_t completion_tokens = -1;
  int64_t total_tokens = -1;
};

/// The finish reasons the contract knows (FACTS §2.2).
bool IsKnownFinishReason(std::string_view reason);

/// Parses a 200 body. `content_type` is the response header value; `response_fields` are the
/// contract's dotted paths (e.g. "choices.0.message.content") that must be present.
ChatResponse ParseChatResponse(std::string_view body, std::string_view content_type,
                               const std::vector<std::string>& response_fields);

/// True for application/json, application/*+json, with or without parameters.
bool IsJsonContentType(std::string_view content_type);

}  // namespace rollgate::internal
