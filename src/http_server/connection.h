// One accepted connection, from the first byte to close, under cpp-httplib's request parser.
// Part of the httplib adapter (see http_server.cc for why it exists): httplib parses requests
// and writes responses (Server::process_request); this file owns everything around them, which
// httplib 0.11.4 does per single read and so cannot bound per request: the per-address cap, the
// TLS handshake, the keep-alive wait and the request deadline.
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>

#include <functional>
#include <string>

#include "http_server/client_limiter.h"

namespace rollgate::internal {

/// Limits for every connection of one server, all in milliseconds.
struct ConnectionPolicy {
  int keep_alive_timeout_ms = 2000;  // the wait for the next request's first byte
  int keep_alive_max_requests = 1000;
  int read_timeout_ms = 5000;      // the longest one wait for request bytes may take
  int write_timeout_ms = 5000;     // the longest one wait to send response bytes may take
  int request_timeout_ms = 10000;  // a request's head and body, from its first byte
};

/// A descriptor that becomes readable, for good, once Trigger() is called: connections poll it
/// beside their socket while they wait for request bytes, so Stop() ends those waits at once.
class StopFd {
 public:
  StopFd();
  ~StopFd();
  StopFd(const StopFd&) = delete;
  StopFd& operator=(const StopFd&) = delete;

  void Trigger() const;
  int fd() const { return fd_; }  // -1 when the kernel gave no eventfd: waits then time out

 private:
  int fd_;
};

/// What every connection of one server shares. Outlives the connections.
struct ConnectionEnv {
  ConnectionPolicy policy;
  ClientLimiter* limiter = nullptr;
  const StopFd* stop = nullptr;
  /// Told when serving a connection threw past httplib (the connection is then closed):
  /// `route` is "METHOD /path" of the request being served, or "connection from <address>"
  /// before a request head was read. May be empty; must not throw.
  std::function<void(const std::string& route, const std::string& what)> on_error;
};

/// httplib's Server::process_request for one request on `stream`; sets `route` to the
/// request's "METHOD /path" (no query) once its head is parsed.
using ProcessRequestFn = std::function<bool(httplib::Stream& stream, bool close_connection,
                                            bool& connection_closed, std::string& route)>;

/// Serves the accepted socket `sock` (TLS when `tls` is not null) until the client is done,
/// keep-alive ends, a deadline passes or `serving` turns false; then closes `sock`. A client
/// address over its cap gets a 503 (plain HTTP) and the connection is closed before anything
/// is read. Returns whether the last request was served. Never throws: what `process` throws
/// closes the connection and goes to env.on_error with the request's route.
bool ServeConnection(int sock, SSL_CTX* tls, const ConnectionEnv& env,
                     const std::function<bool()>& serving, const ProcessRequestFn& process);

/// The socket ServeConnection is serving on the calling thread (httplib runs handlers and
/// content providers on it, inside `process`); -1 on any other thread. httplib hands handlers
/// no socket, and this is how the adapter gives them theirs (ServerRequest::socket_fd).
int ServedSocket();

}  // namespace rollgate::internal
