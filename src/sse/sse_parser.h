// An incremental Server-Sent Events parser: fed arbitrary byte chunks, emits whole events.
// No I/O; the probe feeds it whatever libcurl hands over, split anywhere.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace rollgate::internal {

struct SseEvent {
  std::string event;  // the `event:` field; empty when the stream named none ("message")
  std::string data;   // `data:` lines joined with "\n"
  std::string id;     // the `id:` field, recorded but unused
};

/// Parses the SSE framing the OpenAI SDKs implement (FACTS.md §2.4):
///  * CR, LF and CRLF each end a line, also when a CRLF is split across two chunks;
///  * a line starting with ':' is a comment; otherwise the line splits at the first ':' into a
///    field name and a value with one leading space removed; a line with no ':' is a field
///    name with an empty value;
///  * `data` lines accumulate (joined with "\n"), `event` and `id` are remembered, other fields
///    are ignored;
///  * a blank line dispatches the event if anything was accumulated; blank lines alone are
///    no-ops;
///  * Finish() flushes an unterminated last line, but an event not followed by a blank line is
///    never dispatched (as in both SDKs).
/// The parser holds at most one partial line and one partial event; `max_event_bytes` bounds
/// both so a server that never sends a newline cannot grow memory without limit.
class SseParser {
 public:
  using EventFn = std::function<void(const SseEvent&)>;

  explicit SseParser(EventFn on_event, std::size_t max_event_bytes = 1u << 20);

  /// Feeds the next chunk of bytes. Returns false (and ignores the rest) once the pending line
  /// or event exceeds max_event_bytes; overflowed() then says so.
  bool Feed(std::string_view chunk);

  /// Signals end of stream: flushes an unterminated last line. Does not dispatch a pending event.
  void Finish();

  bool overflowed() const { return overflowed_; }
  /// True when a partial event (an event or data field, no blank line yet) was pending at
  /// Finish().
  bool had_undispatched_event() const { return undispatched_at_finish_; }
  std::size_t events_dispatched() const { return events_; }

 private:
  void ProcessLine(std::string_view line);
  void Dispatch();

  EventFn on_event_;
  std::size_t max_event_bytes_;
  std::string line_;      // the partial line carried between chunks
  bool skip_lf_ = false;  // the last chunk ended in CR: a leading LF belongs to that CRLF
  SseEvent pending_;
  bool has_data_ = false;    // at least one data line was seen for the pending event
  bool has_fields_ = false;  // an event or data field was seen for the pending event (an id
                             // alone dispatches nothing, as in the WHATWG spec)
  bool overflowed_ = false;
  bool undispatched_at_finish_ = false;
  std::size_t events_ = 0;
};

}  // namespace rollgate::internal
