// Assembling a streamed Chat Completions answer from SSE events (FACTS §2.3, §2.4): the deltas
// are concatenated, the chunk schema is checked, `[DONE]`, the usage chunk and mid-stream
// errors are noticed. Fed events as they arrive; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "contract/error_body.h"
#include "sse/sse_parser.h"

namespace rollgate::internal {

struct ChatStream {
  int64_t events = 0;
  int64_t chunks = 0;  // events whose data parsed as a chunk object
  bool done_seen = false;
  bool done_reported = true;     // false: an app probe whose app did not say (done_seen unknown)
  bool data_after_done = false;  // ignored, as the SDKs do, but worth a warning
  std::string content;           // concatenated choices[0].delta.content
  std::string finish_reason;     // choices[0]'s last non-null finish_reason
  int finish_reasons = 0;        // how many non-null finish_reasons choice 0 carried
  bool refused = false;
  bool has_tool_calls = false;
  bool usage_seen = false;  // a chunk with choices [] and a usage object
  int64_t prompt_tokens = -1, completion_tokens = -1, total_tokens = -1;
  std::string model;
  std::optional<ErrorBody> error;  // an error object or `event: error` mid-stream
  double first_content_ms = -1;    // arrival time of the first non-empty content delta
  std::vector<std::string> problems;
  std::vector<std::string> warnings;
};

class ChatStreamAssembler {
 public:
  /// Feed one event and when it arrived (ms on the caller's clock).
  void OnEvent(const SseEvent& event, double at_ms);
  /// Call once the body ended; adds end-of-stream problems (no [DONE], no finish_reason).
  /// `usage_requested`: whether include_usage was sent.
  void Finish(bool usage_requested);
  const ChatStream& result() const { return s_; }

 private:
  void Problem(std::string text);
  ChatStream s_;
};

}  // namespace rollgate::internal
