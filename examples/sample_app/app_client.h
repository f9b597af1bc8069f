// The app's own HTTP client for the provider: one POST on libcurl's easy API per call.
//
// Written separately from rollgate's src/probe/ client on purpose: when rollgate probes
// through the app, what is under test is this client's choices (no redirects followed, the
// app's timeout, what it does with a streamed body), not rollgate's.
//
// The client only moves bytes. It never interprets the body: the status, the headers and the
// body go to the app's parser (app_parser.h); a streamed body is handed over piece by piece as
// it arrives, so the SSE reader sees the stream as it really comes.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "base/headers.h"

namespace sample_app {

/// One call. The body is already serialised; the client adds the auth and JSON headers.
struct ChatCall {
  std::string url;             // base_url + "/v1/chat/completions"
  std::string api_key;         // sent as "Authorization: Bearer <key>", never logged here
  std::string correlation_id;  // sent as X-Client-Request-Id (omitted when empty)
  std::string user_agent;      // "sample_app/<version> libcurl/<curl version>"
  std::string body;
  int timeout_ms = 20000;  // the whole transfer, including a streamed body
  /// Receives each piece of the response body as it arrives (after the headers). Optional.
  std::function<void(std::string_view)> on_body;
  /// Polled while the transfer runs; returning true aborts it (`serve` is shutting down).
  std::function<bool()> should_abort;
};

/// Why a transfer did not complete.
enum class TransportFailure {
  kNone,       // the whole response arrived (whatever its status)
  kConnect,    // no connection (refused, DNS, TLS)
  kTimeout,    // timeout_ms passed, possibly mid-body
  kAborted,    // should_abort said so
  kTooLarge,   // the body passed kMaxBodyBytes
  kTransport,  // anything else: reset mid-body, malformed response, ...
};

struct ChatReply {
  int status = 0;                       // 0: no response line arrived
  rollgate::internal::Headers headers;  // as received, of the final response
  std::string content_type;             // the Content-Type header, "" when absent
  std::string body;                     // everything that arrived, up to kMaxBodyBytes
  TransportFailure failure = TransportFailure::kNone;
  std::string failure_message;  // curl's description, with the URL; empty when kNone
};

/// A smoke answer is a few hundred bytes; this only stops a runaway body.
inline constexpr std::size_t kMaxBodyBytes = 8u << 20;

/// The libcurl version the client runs on ("7.88.1"), for its User-Agent and `client`.
std::string ClientLibraryVersion();

/// Performs the call. Never throws; every failure is described in the reply.
/// REQUIRES: curl_global_init() has run (main does it before starting threads).
ChatReply PostChat(const ChatCall& call);

}  // namespace sample_app
