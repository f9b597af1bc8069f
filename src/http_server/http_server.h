// A small HTTP/1.1 server for loopback tools: the mock provider today, `rollgate serve`
// (/metrics, webhooks) later. It is the one adapter over cpp-httplib (Debian's 0.11.4); no other
// file includes <httplib.h>, and nothing of httplib shows through this header.
//
// What it adds over using httplib directly:
//  * routing by method + exact path, plus a fallback for everything else (no regexes);
//  * plain request/response values (http_message.h) and streamed bodies from a producer that
//    can pause interruptibly and abort mid-body;
//  * a bounded, idempotent Stop() that wakes sleeping handlers (StopSignal) and ends idle
//    keep-alive connections at once;
//  * slow clients cannot take the server: a deadline per request (head and body), a cap per
//    client address and workers that grow with the connections (see http_server.cc);
//  * responses are sent exactly as built: never compressed, never range-sliced, so a stream is
//    never buffered by a compressor and a test sees the bytes the handler wrote;
//  * no exception from httplib or a handler escapes: failures become a Status or a 500, and a
//    handler's exception is reported through HttpServerOptions::on_error with its route.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "http_server/http_message.h"
#include "http_server/stop_signal.h"
#include "rollgate/status.h"

namespace rollgate::internal {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // the address to bind; loopback unless told otherwise
  int port = 0;                    // 0: the kernel picks a free port, see HttpServer::port()
  /// The most connections served at once. Each open connection has a worker thread of its own
  /// while it reads its request, runs its handler or waits for its next keep-alive request;
  /// threads start on demand and end after 10 s without work, so a high ceiling costs nothing
  /// while the server is quiet. A connection beyond it waits, accepted, until one ends.
  int max_connections = 256;
  /// Connections one client address may hold open at once. One more gets a 503 (over TLS: just
  /// the close) before anything is read. Every address counts on its own, loopback ones too
  /// (127.0.0.1 and 127.0.0.2 are two clients). 0: no limit.
  int max_connections_per_client = 32;
  /// A request's head and body must have arrived within this long of its first byte, however
  /// steadily they trickle in, or the connection is closed without an answer (over TLS the
  /// handshake too, from the accept). read_timeout_s still bounds every single wait.
  int request_timeout_ms = 10000;
  /// How long an idle keep-alive connection waits for the next request's first byte.
  int keep_alive_timeout_s = 2;
  /// Requests served on one keep-alive connection before the server closes it. httplib's
  /// default of 5 makes a busy client reconnect every fifth request; providers keep
  /// connections for far longer, and so do we.
  int keep_alive_max_requests = 1000;
  int read_timeout_s = 5;   // a client that sends nothing for this long mid-request is dropped
  int write_timeout_s = 5;  // a client that stops reading the response is dropped
  std::size_t max_request_body_bytes = 8u << 20;  // larger request bodies get a 413
  /// Both set: serve HTTPS with this PEM certificate (chain) and key; both empty: plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
  /// Called when a handler or a streamed body's producer throws (the client gets a 500, or its
  /// stream is cut), on the worker thread, with one line: "<METHOD> <path>: <what threw>". It
  /// names the route only: never the query, headers or body (the exception's text is cut to
  /// 120 bytes, control characters escaped). Unset: the 500 is still sent. Must not throw.
  std::function<void(const std::string& message)> on_error;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Routes `method` (e.g. "GET", "POST") on exactly `path` to `handler`; a later call for the
  /// same pair replaces the earlier one. HEAD requests use the GET route (and get no body).
  /// REQUIRES: Start() has not been called.
  void Handle(const std::string& method, const std::string& path, RequestHandler handler);

  /// Answers every request that no route matches (unknown path, or a known path with another
  /// method). Default: 404 text/plain "not found". REQUIRES: Start() has not been called.
  void SetFallback(RequestHandler handler);

  /// Validates the options, binds host:port and serves on background threads. Returns OK only
  /// once the socket is listening and Stop() will work; port() is then valid. Fails with
  /// InvalidArgument for bad options and IoError (naming host:port) when it cannot bind.
  /// A server starts at most once; Start() after Stop() fails.
  Status Start();

  /// Triggers stop_signal() (waking handlers that wait), stops accepting, closes the listening
  /// socket, ends every connection that waits for or reads a request, and joins every thread.
  /// Idempotent; safe before Start(). Bounded: handlers that wait through the StopSignal
  /// return at once, so it takes at most about write_timeout_s (a client that stopped
  /// reading). Must not be called from a handler.
  void Stop();

  /// The bound port (the real one when options.port was 0); 0 before Start().
  int port() const;
  bool running() const;

  /// Fires when Stop() begins. Handlers that wait on their own should wait on this.
  const StopSignal& stop_signal() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rollgate::internal
