// The app's own parser for Chat Completions answers, on nlohmann-json. When rollgate probes
// through the app, this is the code that decides what the app "saw"; its selectable behaviour
// (ParserMode) stands in for the shared library a release upgrades:
//  * tolerant: ignores unknown fields and passes values through untyped, like the official
//    SDKs in their default (non-strict) mode;
//  * strict-fields: written against the OpenAI schema of its day: a top-level field it does not
//    know (CometAPI's service_tier, say) is a parse error, and types are checked;
//  * content-parts: expects message.content (and delta.content) as an array of
//    {"type":"text","text":...} parts and fails on a plain string.
//
// Everything here takes bytes, never a socket, so the app's client and tests can feed it.
// An error envelope ({"error": {...}}) is always reported as an error, never as content, even
// in a 200 body or inside a stream: that is what both SDKs do (FACTS.md §2.4, §3.1).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app_config.h"

namespace sample_app {

/// What went wrong, as the protocol's `error` object carries it.
struct AppError {
  std::string message;
  std::string type;  // the provider's error.type, or parser_error / config_error / timeout ...
  std::string code;  // the provider's error.code; "" when none
};

/// The contract fields the parser reports finding (docs/app-probes.md `fields_present`).
inline constexpr char kFieldContent[] = "choices.0.message.content";
inline constexpr char kFieldFinishReason[] = "choices.0.finish_reason";

/// What the parser extracted from one answer (a body or a whole stream).
struct ParsedAnswer {
  std::optional<AppError> error;  // the provider's error envelope, or why parsing failed
  /// True when the parser produced a result (then fields_present is meaningful); false when it
  /// gave up (parser_error) or the body was an error envelope.
  bool parsed = false;
  std::optional<nlohmann::json> content;  // nullopt: absent; else a string, null, or (tolerant)
                                          // whatever the provider sent
  std::string finish_reason;              // "" when absent or null
  std::string model;                      // the model the provider reported
  std::vector<std::string> fields_present;
  // Streams only.
  bool done = false;   // saw data: [DONE]
  int64_t chunks = 0;  // JSON events read before [DONE]
};

/// Parses a 2xx non-streaming body.
ParsedAnswer ParseCompletion(std::string_view body, ParserMode mode);

/// Describes a non-2xx answer: the error envelope's message/type/code when there is one, else
/// the start of the body (an HTML page from a proxy, say) as an "http_error".
AppError ParseErrorBody(int status, std::string_view body);

/// The id inside CometAPI-style messages, "... (request id: 2026112...)"; "" when none.
std::string RequestIdFromMessage(std::string_view message);

/// Splits an SSE byte stream into the `data` payloads of its events, the way the official SDKs
/// frame it (FACTS.md §2.4): CR, LF and CRLF end lines (a CRLF split across reads too),
/// `:` lines are comments, one space after the colon is dropped, data lines are joined with
/// "\n", a blank line dispatches the event, and an event never closed by a blank line is
/// dropped at the end.
class SseReader {
 public:
  /// Feeds the next bytes; complete events are appended to *events (their data).
  void Feed(std::string_view bytes, std::vector<std::string>* events);

 private:
  void Line(std::string_view line, std::vector<std::string>* events);

  std::string partial_;   // an unterminated line
  bool skip_lf_ = false;  // the last byte was CR: a following LF belongs to it
  bool has_data_ = false;
  std::string data_;
};

/// Assembles a chat.completion.chunk stream fed piece by piece. After Finish(), content is
/// the concatenated delta.content of choice 0, or absent when no delta carried any.
class StreamParser {
 public:
  explicit StreamParser(ParserMode mode) : mode_(mode) {}

  /// Feeds body bytes as they arrive. Stops looking once [DONE] or an error was seen.
  void Feed(std::string_view bytes);
  ParsedAnswer Finish();

 private:
  void Event(const std::string& data);
  void Chunk(const nlohmann::json& chunk);
  void Fail(std::string message);

  ParserMode mode_;
  SseReader reader_;
  ParsedAnswer answer_;
  std::string content_;
  bool content_seen_ = false;
  bool stopped_ = false;  // [DONE] or an error: later bytes are ignored
};

}  // namespace sample_app
