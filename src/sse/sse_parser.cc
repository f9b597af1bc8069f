// The framing rules this parser implements are those of the WHATWG "server-sent events"
// spec as narrowed by the OpenAI SDKs (openai-python _streaming.py, openai-node
// core/streaming.ts); see FACTS.md §2.4 and the header. Written by hand because no Debian
// library offers an incremental, allocation-light SSE parser that accepts bytes split at any
// boundary, and the gate must treat a stream exactly as the production client would.
//
// Shape of the hot loop: find the next CR or LF in the chunk; a line lying wholly inside the
// chunk is processed in place (no copy), only a line that straddles chunks is carried in
// `line_`. A CR at the very end of a chunk sets `skip_lf_`, so that the LF opening the next
// chunk completes the same CRLF rather than ending an empty line.
#include "sse/sse_parser.h"

#include <cstring>

namespace rollgate::internal {

SseParser::SseParser(EventFn on_event, std::size_t max_event_bytes)
    : on_event_(std::move(on_event)), max_event_bytes_(max_event_bytes) {}

namespace {

// Index of the first CR or LF at or after `from`, or npos.
inline std::size_t FindLineEnd(std::string_view s, std::size_t from) {
  const char* begin = s.data();
  const char* p = begin + from;
  const char* end = begin + s.size();
  // memchr for LF is vectorised in glibc; a CR-only stream is rare but must still work, so
  // look for CR only in the stretch before the next LF.
  const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
  const char* stop = lf ? static_cast<const char*>(lf) : end;
  const void* cr = std::memchr(p, '\r', static_cast<std::size_t>(stop - p));
  if (cr) return static_cast<std::size_t>(static_cast<const char*>(cr) - begin);
  if (lf) return static_cast<std::size_t>(stop - begin);
  return std::string_view::npos;
}

}  // namespace

bool SseParser::Feed(std::string_view chunk) {
  if (overflowed_) return false;
  std::size_t pos = 0;
  if (skip_lf_ && !chunk.empty()) {
    skip_lf_ = false;
    if (chunk[0] == '\n') pos = 1;
  }
  while (pos < chunk.size()) {
    std::size_t eol = FindLineEnd(chunk, pos);
    if (eol == std::string_view::npos) {
      line_.append(chunk.data() + pos, chunk.size() - pos);
      if (line_.size() + pending_.data.size() > max_event_bytes_) {
        overflowed_ = true;
        return false;
      }
      return true;
    }
    std::string_view piece = chunk.substr(pos, eol - pos);
    if (line_.empty()) {
      ProcessLine(piece);
    } else {
      line_.append(piece);
      ProcessLine(line_);
      line_.clear();
    }
    if (overflowed_) return false;
    pos = eol + 1;
    if (chunk[eol] == '\r') {
      if (pos < chunk.size()) {
        if (chunk[pos] == '\n') ++pos;
      } else {
        skip_lf_ = true;
      }
    }
  }
  return true;
}

void SseParser::Finish() {
  if (overflowed_) return;
  if (!line_.empty()) {
    std::string last;
    last.swap(line_);
    ProcessLine(last);
  }
  undispatched_at_finish_ = has_fields_;
}

void SseParser::ProcessLine(std::string_view line) {
  if (line.empty()) {
    Dispatch();
    return;
  }
  if (line[0] == ':') return;  // comment (often a keep-alive)
  std::string_view name = line;
  std::string_view value;
  std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    name = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  if (name == "data") {
    if (has_data_) pending_.data += '\n';
    pending_.data.append(value);
    has_data_ = true;
    has_fields_ = true;
    if (pending_.data.size() > max_event_bytes_) overflowed_ = true;
  } else if (name == "event") {
    pending_.event.assign(value);
    has_fields_ = true;
  } else if (name == "id") {
    pending_.id.assign(value);
  }
  // `retry` and unknown fields are ignored, as both SDKs do.
}

void SseParser::Dispatch() {
  if (!has_fields_) return;
  ++events_;
  on_event_(pending_);
  pending_.event.clear();
  pending_.data.clear();
  pending_.id.clear();
  has_data_ = false;
  has_fields_ = false;
}

}  // namespace rollgate::internal
