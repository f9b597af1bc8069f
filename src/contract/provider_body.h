// The provider's side of a successful completion, as the mock writes it: the non-streaming
// body (FACTS §2.2, §1.3) and the SSE events of a stream (FACTS §2.3, §2.4), with the shape
// variations the fault scenarios need (the way real providers' bodies deviate). Those knobs
// only bend what is written; the validators (chat_response.h, chat_stream.h) never use them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rollgate/mock.h"

namespace rollgate::internal {

/// What the assistant says in one completion (mock/chat_answer.h composes it).
struct Answer {
  std::string content;
  std::string finish_reason;  // "stop" or "length"
  int prompt_tokens = 0;
  int completion_tokens = 0;
  int total_tokens() const { return prompt_tokens + completion_tokens; }
};

/// What every body of one response shares, and the scenario knobs that bend its shape.
struct BodyShape {
  mock::Flavor flavor = mock::Flavor::kCometApi;
  std::string id;                  // "chatcmpl-..."
  int64_t created = 0;             // Unix seconds
  std::string model;               // as reported; see ReportedModel()
  std::string system_fingerprint;  // "fp_..."
  int latency_checkpoint_ms = 0;   // CometAPI's extra usage field
  /// CometAPI: the random "obfuscation" value of each stream chunk (mock/ids.h RandomAlnum(8));
  /// unset: "".
  std::function<std::string()> obfuscation;

  bool content_as_parts = false;  // schema-drift: content is [{"type":"text","text":..}]
  bool empty_choices = false;     // empty-choices: "choices": []
  bool invalid_utf8 = false;      // invalid-utf8: raw bytes \xff\xfe inside the content
  std::size_t padding_bytes = 0;  // oversized-body: a "padding" field of this many bytes
};

/// The model name the response reports: OpenAI echoes the request; CometAPI reports a dated
/// snapshot ("gpt-4.1-nano" -> "gpt-4.1-nano-2025-04-14") unless the name already ends in a
/// date (FACTS §1.2).
std::string ReportedModel(mock::Flavor flavor, const std::string& requested);

/// The non-streaming chat.completion body.
std::string CompletionBody(const Answer& answer, const BodyShape& shape);

enum class StreamShape {
  kNormal,       // role chunk, content chunks, finish chunk, [usage chunk], [DONE]
  kNoUsage,      // as kNormal, but no usage chunk and no "usage" keys even when asked
  kCut,          // role chunk and the first half of the content chunks; nothing else
  kError,        // role chunk, one content chunk, then an event whose data is `error_json`
  kStall,        // role chunk and one content chunk (the caller then stalls)
  kSchemaDrift,  // chat.completion objects with choices[].message instead of delta
};

struct StreamOptions {
  bool include_usage = false;  // stream_options.include_usage from the request
  StreamShape shape = StreamShape::kNormal;
  std::string error_json;  // kError: the error envelope to send as an event
};

/// The stream's events, each a complete "data: ...\n\n" frame, in order.
std::vector<std::string> StreamEvents(const Answer& answer, const BodyShape& shape,
                                      const StreamOptions& options);

/// How many code points each content chunk carries.
inline constexpr std::size_t kCodePointsPerChunk = 4;

}  // namespace rollgate::internal
