// The adapter over cpp-httplib 0.11.4. Everything version-specific lives here; the notes below
// record what we rely on in that version and why each workaround exists.
//
//  * Routing. httplib matches std::regex patterns per method. We register one catch-all
//    pattern per method and do exact method + path lookup ourselves, so a path is never
//    interpreted as a regex and unknown paths reach our fallback rather than httplib's 404.
//  * Compression. When the client sends Accept-Encoding: gzip/br, httplib compresses bodies
//    whose Content-Type is JSON, XML or text/* (except exactly "text/event-stream") and also
//    compresses chunked content-provider bodies with a compressor that does not flush
//    between writes, so a trickled JSON body (or an SSE stream whose Content-Type carries
//    parameters) would reach the client in one lump at the end. A mock must put on the wire
//    exactly what its handler built, so we remove Accept-Encoding from the request before
//    httplib decides (it decides from the request in write_response, after our handler). The
//    handler still sees the header in its ServerRequest. Range is dropped for the same reason.
//    httplib passes handlers `const Request&`, but the object is a non-const local of
//    Server::process_request, so modifying it through const_cast is well defined.
//  * Start. 0.11.4 has no wait_until_ready(), and stop() does nothing until the listen loop
//    has set is_running(). Start() therefore waits (bounded) for is_running() so that a
//    Stop() right after Start() always works.
//  * Stop. stop() closes the listening socket; the listen loop then joins its thread pool,
//    which waits for every in-flight connection. Handlers that wait use the StopSignal, so
//    they return at once; responses sent while stopping carry Connection: close so clients
//    drop the connection instead of holding a worker in keep-alive.
//  * SO_REUSEPORT. httplib's default socket options set SO_REUSEPORT, which lets a second
//    server bind a port that is already in use and silently share its traffic. We set only
//    SO_REUSEADDR, so binding a busy port fails loudly.
//  * SIGPIPE. httplib's Server constructor ignores SIGPIPE process-wide (it writes with plain
//    send()); a client that disconnects mid-stream then shows up as a failed write.
//  * Slow clients. httplib serves a connection on one worker from accept to close and times
//    out per single read, so a client that trickles a byte every few seconds holds its worker
//    indefinitely, and a hundred such clients (or idle ones) took every worker of the fixed
//    pool: nothing else was answered, /healthz included. Three parts fix that:
//     - Connections (connection.cc). CoreServer overrides process_and_close_socket, the
//       virtual function httplib's listen loop calls on a worker with each accepted socket
//       (SSLServer overrides it the same way for TLS). Before reading anything it applies the
//       per-address cap; then it runs the TLS handshake and the keep-alive loop itself and
//       hands httplib's process_request (which still does all of HTTP) a Stream whose reads
//       end at the request's deadline: request_timeout_ms from its first byte.
//     - Workers (worker_pool.cc), as httplib's TaskQueue through new_task_queue: a thread per
//       connection up to max_connections, started on demand and ended when idle, so slow
//       connections cost threads (mostly untouched stack), not the service.
//     - A StopFd that every wait for request bytes polls beside the socket, so Stop() ends
//       idle keep-alive connections at once instead of after keep_alive_timeout_s.
//    Why not the alternatives: a watchdog that shuts down late sockets, or an accept front
//    that checks the cap and then hands the socket over, both need httplib's own
//    process_and_close_socket to serve the socket afterwards, and that function is private
//    (it can be replaced by an override, not called); a proxy in front would copy every byte
//    through a second socket. A server that reads request heads without a thread per
//    connection (epoll) would replace httplib's request handling altogether; with the cap per
//    address bounding what one client holds, a thread per connection is enough here.
#include "http_server/http_server.h"

#include <httplib.h>
#include <openssl/ssl.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>

#include "base/strings.h"
#include "http_server/client_limiter.h"
#include "http_server/connection.h"
#include "http_server/response_body.h"
#include "http_server/worker_pool.h"

namespace rollgate::internal {

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(5);
constexpr auto kIdleWorkerLifetime = std::chrono::seconds(10);
constexpr int kMaxConnections = 4096;  // a thread each: beyond this, the options are a mistake

// httplib's TaskQueue over our elastic pool; httplib's listen loop owns it (new_task_queue).
class PoolTaskQueue : public httplib::TaskQueue {
 public:
  explicit PoolTaskQueue(std::size_t max_threads) : pool_(max_threads, kIdleWorkerLifetime) {}
  void enqueue(std::function<void()> fn) override { pool_.Submit(std::move(fn)); }
  void shutdown() override { pool_.Shutdown(); }

 private:
  WorkerPool pool_;
};

// "GET /path": the route of a request as on_error names it (no query: it may carry a token).
std::string RouteOf(const std::string& method, const std::string& path) {
  return SanitizeForDisplay(method, 16) + " " + SanitizeForDisplay(path, 200);
}

// httplib::Server or SSLServer with our connection layer (see the file comment), and access to
// the listening socket httplib keeps protected, to close it when a bound server never got to
// serve (httplib's destructor does not close it).
template <class Base>
class CoreServer : public Base {
 public:
  using Base::Base;
  /// REQUIRES: called before listening; `env` outlives the server.
  void UseConnections(const ConnectionEnv* env) { env_ = env; }
  void CloseUnservedSocket() {
    socket_t sock = this->svr_sock_.exchange(INVALID_SOCKET);
    if (sock != INVALID_SOCKET) ::close(sock);
  }
  // Debian builds httplib as a library with its default listen backlog of 5: a burst of more
  // connections than that overflows the queue and the clients' SYNs are retried after 1 s, 3 s...
  // listen() again on the bound socket raises the backlog (Linux applies the new value).
  void RaiseListenBacklog() {
    socket_t sock = this->svr_sock_.load();
    if (sock != INVALID_SOCKET) ::listen(sock, SOMAXCONN);
  }

 private:
  // Called by httplib's listen loop, on a worker, with each accepted socket; closes it.
  bool process_and_close_socket(socket_t sock) override {
    SSL_CTX* tls = nullptr;
    if constexpr (std::is_base_of_v<httplib::SSLServer, Base>) tls = this->ssl_context();
    return ServeConnection(
        sock, tls, *env_, [this] { return this->svr_sock_ != INVALID_SOCKET; },
        [this](httplib::Stream& stream, bool close_connection, bool& connection_closed,
               std::string& route) {
          return this->process_request(
              stream, close_connection, connection_closed,
              [&route](httplib::Request& req) { route = RouteOf(req.method, req.path); });
        });
  }

  const ConnectionEnv* env_ = nullptr;
};

void ReuseAddrOnly(socket_t sock) {
  int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

// httplib stores the peer and local address as headers of its own; they are not the client's.
bool IsLibraryPseudoHeader(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
         name == "LOCAL_PORT";
}

ServerRequest ToRequestView(const httplib::Request& req) {
  ServerRequest view;
  view.method = req.method;
  view.path = req.path;
  for (const auto& [key, value] : req.params) view.query.emplace_back(key, value);
  for (const auto& [key, value] : req.headers) {
    if (!IsLibraryPseudoHeader(key)) view.headers.emplace_back(key, value);
  }
  view.body = req.body;
  view.remote_addr = req.remote_addr;
  view.remote_port = req.remote_port;
  view.socket_fd = ServedSocket();  // Serve() runs on the connection's worker
  return view;
}

ServerResponse StoppingResponse() {
  return ServerResponse::Make(503, kContentTypeText, "server is stopping\n");
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  std::map<std::pair<std::string, std::string>, RequestHandler> routes;
  RequestHandler fallback = [](const ServerRequest&) {
    return ServerResponse::Make(404, kContentTypeText, "not found\n");
  };
  StopSignal stop;
  StopFd stop_fd;  // wakes connections that wait for request bytes
  std::unique_ptr<ClientLimiter> limiter;
  ConnectionEnv connections;  // what CoreServer's connections share

  std::mutex lifecycle_mu;  // serialises Start() and Stop()
  bool started = false;     // guarded by lifecycle_mu
  bool finished = false;    // Stop() ran after a successful Start(); guarded by lifecycle_mu
  std::unique_ptr<httplib::Server> server;
  std::function<void()> close_unserved;  // CoreServer::CloseUnservedSocket of `server`
  std::function<void()> raise_backlog;   // CoreServer::RaiseListenBacklog of `server`
  std::thread listen_thread;
  std::atomic<bool> listen_returned{false};
  std::atomic<bool> serving{false};  // between a successful Start() and Stop()
  std::atomic<int> port{0};

  Status Validate() const;
  void Configure(httplib::Server& s);
  void Serve(const httplib::Request& req, httplib::Response& res);
  ServerResponse Dispatch(const ServerRequest& request) const;
  /// Tells options.on_error (when set) that something of `route` threw.
  void ReportError(const std::string& route, const std::string& what) const;
};

void HttpServer::Impl::ReportError(const std::string& route, const std::string& what) const {
  if (!options.on_error) return;
  try {
    options.on_error(route + ": " + SanitizeForDisplay(what, 120));
  } catch (...) {
    // The callback must not throw; if it does, the 500 is still sent.
  }
}

Status HttpServer::Impl::Validate() const {
  const HttpServerOptions& o = options;
  std::string where = "http server " + o.host + ":" + std::to_string(o.port);
  if (o.host.empty()) return Status::InvalidArgument("http server: empty host");
  if (o.port < 0 || o.port > 65535) {
    return Status::InvalidArgument(where + ": port must be 0..65535");
  }
  if (o.max_connections < 1 || o.max_connections > kMaxConnections) {
    return Status::InvalidArgument(where + ": max_connections must be 1.." +
                                   std::to_string(kMaxConnections) + ", got " +
                                   std::to_string(o.max_connections));
  }
  if (o.max_connections_per_client < 0) {
    return Status::InvalidArgument(where +
                                   ": max_connections_per_client must be 0 (no limit) "
                                   "or more, got " +
                                   std::to_string(o.max_connections_per_client));
  }
  if (o.request_timeout_ms < 1) {
    return Status::InvalidArgument(where + ": request_timeout_ms must be at least 1, got " +
                                   std::to_string(o.request_timeout_ms));
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return Status::InvalidArgument(where + ": TLS needs both a certificate and a key file");
  }
  if (o.keep_alive_max_requests < 1) {
    return Status::InvalidArgument(where + ": keep_alive_max_requests must be at least 1");
  }
  if (o.keep_alive_timeout_s < 1 || o.read_timeout_s < 1 || o.write_timeout_s < 1) {
    return Status::InvalidArgument(where + ": timeouts must be at least 1 s");
  }
  return Status::Ok();
}

void HttpServer::Impl::Configure(httplib::Server& s) {
  auto threads = static_cast<std::size_t>(options.max_connections);
  s.new_task_queue = [threads] { return new PoolTaskQueue(threads); };
  limiter = std::make_unique<ClientLimiter>(options.max_connections_per_client);
  connections.limiter = limiter.get();
  connections.stop = &stop_fd;
  connections.policy.keep_alive_timeout_ms = options.keep_alive_timeout_s * 1000;
  connections.policy.keep_alive_max_requests = options.keep_alive_max_requests;
  connections.policy.read_timeout_ms = options.read_timeout_s * 1000;
  connections.policy.write_timeout_ms = options.write_timeout_s * 1000;
  connections.policy.request_timeout_ms = options.request_timeout_ms;
  connections.on_error = [this](const std::string& route, const std::string& what) {
    ReportError(route, what);
  };
  // httplib's own keep-alive and timeout settings are not set: the connection layer applies
  // ours (the listen loop still puts read/write timeouts on each socket, which our
  // non-blocking sockets ignore).
  s.set_socket_options(ReuseAddrOnly);
  s.set_tcp_nodelay(true);  // each streamed piece leaves at once, not after a delayed ACK
  s.set_payload_max_length(options.max_request_body_bytes);
  s.set_exception_handler([this](const httplib::Request& req, httplib::Response& res,
                                 const std::exception_ptr& thrown) {
    std::string what = "threw a non-standard exception";
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const std::exception& e) {
      what = std::string("threw: ") + e.what();
    } catch (...) {
    }
    ReportError(RouteOf(req.method, req.path), "serving the request " + what);
    res.status = 500;
    res.set_content("internal server error\n", kContentTypeText);
  });
  // RFC 9112 6.3: a request with neither Content-Length nor Transfer-Encoding has no body.
  // httplib 0.11.4 instead reads the body of a POST, PUT, PATCH or DELETE until the client
  // closes or read_timeout_s passes, so `curl -X POST URL` waited 5 s for its answer. The
  // pre-routing handler runs before that read; it states the empty body (the request is a
  // non-const local, as in Serve()).
  s.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    const bool may_have_body = req.method == "POST" || req.method == "PUT" ||
                               req.method == "PATCH" || req.method == "DELETE";
    if (may_have_body && !req.has_header("Content-Length") &&
        !req.has_header("Transfer-Encoding")) {
      const_cast<httplib::Request&>(req).headers.emplace("Content-Length", "0");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto serve = [this](const httplib::Request& req, httplib::Response& res) { Serve(req, res); };
  const std::string any_path = ".*";
  s.Get(any_path, serve);
  s.Post(any_path, serve);
  s.Put(any_path, serve);
  s.Patch(any_path, serve);
  s.Delete(any_path, serve);
  s.Options(any_path, serve);
}

ServerResponse HttpServer::Impl::Dispatch(const ServerRequest& request) const {
  const std::string& method = request.method == "HEAD" ? std::string("GET") : request.method;
  auto it = routes.find({method, request.path});
  const RequestHandler& handler = it != routes.end() ? it->second : fallback;
  try {
    return handler(request);
  } catch (const std::exception& e) {
    ReportError(RouteOf(request.method, request.path),
                std::string("the handler threw: ") + e.what());
  } catch (...) {
    ReportError(RouteOf(request.method, request.path),
                "the handler threw a non-standard exception");
  }
  return ServerResponse::Make(500, kContentTypeText, "internal server error\n");
}

void HttpServer::Impl::Serve(const httplib::Request& req, httplib::Response& res) {
  ServerRequest request = ToRequestView(req);
  // See the file comment: what httplib must not see when it writes the response.
  auto& writable_req = const_cast<httplib::Request&>(req);
  writable_req.headers.erase("Accept-Encoding");
  writable_req.headers.erase("Range");
  writable_req.ranges.clear();

  ServerResponse response = Dispatch(request);
  if (response.delay_ms > 0 && !stop.WaitFor(std::chrono::milliseconds(response.delay_ms))) {
    response = StoppingResponse();
  }
  if (stop.triggered()) {
    // httplib adds "Connection: close" to the response when the request asked for it.
    writable_req.headers.erase("Connection");
    writable_req.headers.emplace("Connection", "close");
  }
  std::function<void(const std::string&)> on_throw;
  if (options.on_error) {
    on_throw = [this, route = RouteOf(request.method, request.path)](const std::string& what) {
      ReportError(route, what);
    };
  }
  EmitResponse(std::move(response), res, stop, std::move(on_throw));
}

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(const std::string& method, const std::string& path,
                        RequestHandler handler) {
  impl_->routes[{method, path}] = std::move(handler);
}

void HttpServer::SetFallback(RequestHandler handler) { impl_->fallback = std::move(handler); }

Status HttpServer::Start() {
  Impl& impl = *impl_;
  std::lock_guard<std::mutex> lock(impl.lifecycle_mu);
  if (impl.started || impl.finished) {
    return Status::Internal("http server: Start() called twice; a server starts at most once");
  }
  ROLLGATE_RETURN_IF_ERROR(impl.Validate());
  const std::string where = impl.options.host + ":" + std::to_string(impl.options.port);
  try {
    std::unique_ptr<httplib::Server> server;
    if (impl.options.tls_cert_file.empty()) {
      auto plain = std::make_unique<CoreServer<httplib::Server>>();
      plain->UseConnections(&impl.connections);
      impl.close_unserved = [s = plain.get()] { s->CloseUnservedSocket(); };
      impl.raise_backlog = [s = plain.get()] { s->RaiseListenBacklog(); };
      server = std::move(plain);
    } else {
      auto tls = std::make_unique<CoreServer<httplib::SSLServer>>(
          impl.options.tls_cert_file.c_str(), impl.options.tls_key_file.c_str());
      if (!tls->is_valid()) {
        return Status::InvalidArgument("http server " + where +
                                       ": cannot load the TLS certificate " +
                                       impl.options.tls_cert_file + " or its key " +
                                       impl.options.tls_key_file + " (PEM files expected)");
      }
      tls->UseConnections(&impl.connections);
      impl.close_unserved = [s = tls.get()] { s->CloseUnservedSocket(); };
      impl.raise_backlog = [s = tls.get()] { s->RaiseListenBacklog(); };
      server = std::move(tls);
    }
    impl.Configure(*server);
    errno = 0;
    int bound =
        impl.options.port == 0
            ? server->bind_to_any_port(impl.options.host)
            : (server->bind_to_port(impl.options.host, impl.options.port) ? impl.options.port : -1);
    if (bound <= 0) {
      int err = errno;
      impl.close_unserved();
      return Status::IoError(
          "cannot listen on " + where + ": " +
          (err != 0 ? std::strerror(err) : "cannot resolve or bind the address"));
    }
    impl.raise_backlog();
    impl.port = bound;
    impl.server = std::move(server);
    impl.listen_returned = false;
    impl.listen_thread = std::thread([&impl] {
      try {
        impl.server->listen_after_bind();
      } catch (...) {
        // The listen loop failed (e.g. the thread pool could not start threads); Start()
        // or the next request notices that the server is not running.
      }
      impl.listen_returned = true;
    });
  } catch (const std::exception& e) {
    if (impl.close_unserved) impl.close_unserved();
    return Status::IoError("cannot start the http server on " + where + ": " + e.what());
  }

  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!impl.server->is_running() && !impl.listen_returned &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!impl.server->is_running()) {
    impl.server->stop();  // in case it started running just now
    impl.close_unserved();
    impl.listen_thread.join();
    impl.finished = true;
    return Status::IoError("the http server on " + where + " did not start serving within 5 s");
  }
  impl.started = true;
  impl.serving = true;
  return Status::Ok();
}

void HttpServer::Stop() {
  Impl& impl = *impl_;
  std::lock_guard<std::mutex> lock(impl.lifecycle_mu);
  if (!impl.started) return;
  impl.started = false;
  impl.finished = true;
  impl.serving = false;
  impl.stop.Trigger();
  impl.stop_fd.Trigger();
  try {
    impl.server->stop();
  } catch (...) {
    // stop() only closes a socket; nothing to recover if it throws.
  }
  if (impl.listen_thread.joinable()) impl.listen_thread.join();
}

int HttpServer::port() const { return impl_->port; }

bool HttpServer::running() const { return impl_->serving; }

const StopSignal& HttpServer::stop_signal() const { return impl_->stop; }

}  // namespace rollgate::internal
