// The request and response values that handlers of the HTTP server adapter see and return.
// Plain data with no trace of cpp-httplib, so the mock provider and `rollgate serve` can be
// written (and unit-tested) without including <httplib.h>.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/headers.h"

namespace rollgate::internal {

/// Query parameters in the order httplib hands them over (sorted by name).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// One request as a handler sees it. The body has been read completely.
struct ServerRequest {
  std::string method;  // "GET", "POST", ... (HEAD is routed like GET)
  std::string path;    // percent-decoded, without the query string: "/v1/models"
  QueryParams query;   // decoded query parameters ("?a=1&b=2")
  Headers headers;     // as the client sent them (pseudo headers of the library removed)
  std::string body;
  std::string remote_addr;  // the peer's IP address, "127.0.0.1"
  int remote_port = 0;
  /// The connection's socket, open while the handler and its stream producer run: to watch
  /// (poll) or shut down, never to close. -1 when unknown (a request built by hand).
  int socket_fd = -1;

  /// The first value of header `name` (case-insensitive), or nullptr.
  const std::string* Header(std::string_view name) const { return FindHeader(headers, name); }
  /// The first value of query parameter `name` (exact match), or nullptr.
  const std::string* Query(std::string_view name) const;
};

/// What a stream producer writes to. Lives only for the duration of the producer call.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;

  /// Sends `bytes` to the client at once (one HTTP chunk in chunked mode; nothing is
  /// buffered or compressed). Returns false when the client is gone, the server is stopping,
  /// or, for a declared length, `bytes` would exceed it (then nothing is sent). An empty write
  /// is a no-op that returns true.
  virtual bool Write(std::string_view bytes) = 0;

  /// Waits up to `ms` milliseconds. Returns true when the time passed, false as soon as the
  /// server starts stopping: producers must then return promptly.
  virtual bool Wait(int ms) = 0;

  /// True once the server has begun stopping.
  virtual bool stopping() const = 0;
};

/// Writes a streamed body after the status line and headers have been sent. Return true to
/// end the body normally (chunked mode: the terminating chunk; declared length: only counts
/// as normal when every declared byte was written). Return false to abort: the connection is
/// closed mid-body with no terminating chunk, which a client sees as a reset/short read.
using StreamProducer = std::function<bool(StreamWriter&)>;

/// A response. Either `body` (sent with a Content-Length) or `stream` (see stream_length).
struct ServerResponse {
  int status = 200;
  std::string content_type = "text/plain";  // sent as Content-Type unless empty
  Headers headers;                          // extra headers; not Content-Type/-Length
  std::string body;                         // ignored when `stream` is set

  StreamProducer stream;  // when set, the body is produced by this callback on the worker
  /// With a stream: the Content-Length to declare up front. nullopt: chunked transfer.
  std::optional<std::size_t> stream_length;

  /// Milliseconds to wait before the first byte (the status line) is sent. Stop() interrupts
  /// the wait; the client then gets a 503 "server is stopping" instead of this response.
  int delay_ms = 0;

  static ServerResponse Make(int status, std::string content_type, std::string body) {
    ServerResponse r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
  }
};

/// Turns a request into a response. Runs on one of the server's worker threads, concurrently
/// with other handlers: it must be thread-safe. It should not throw (our code never does); if
/// it does anyway the client gets a 500 and the exception goes no further.
using RequestHandler = std::function<ServerResponse(const ServerRequest&)>;

}  // namespace rollgate::internal
