// The connection layer under httplib's request parser.
//
// httplib 0.11.4 reads a request through a Stream whose every read may wait read_timeout_s, so
// a client that sends one byte every few seconds keeps a worker forever. Here the Stream is
// ours: each request gets a deadline when its first byte arrives, and every wait for more of
// its head or body ends at that deadline (or at read_timeout, whichever comes first). Waits
// are poll() on the socket beside the server's StopFd, so Stop() ends them at once.
//
// What this file does that httplib's SocketStream/SSLSocketStream and process_server_socket
// also do, and why it is written again rather than reused: those are private to the library
// (Debian builds httplib as a shared library; they are not in its header), and the deadline has
// to live inside the stream's reads. The HTTP itself (request line, headers, bodies, chunked
// encoding, responses) stays httplib's: ServeConnection calls Server::process_request once per
// request, exactly as httplib's own keep-alive loop does. Differences from httplib on purpose:
//  * the read buffer belongs to the connection, not to one request, so pipelined requests are
//    answered instead of losing the bytes read ahead (httplib drops them with its per-request
//    stream);
//  * the peer and local addresses are read once per connection, not twice per request;
//  * the socket is non-blocking and a read tries recv() before poll(), so a request that has
//    arrived costs one system call (httplib: select() then recv()).
// Kept as httplib does it: before each write the socket is peeked, and a client that closed
// its side fails the write (a streaming producer learns that its reader went away); the
// keep-alive loop ends when the server stops (svr_sock_ invalid) or after
// keep_alive_max_requests; TLS handshakes run non-blocking with the same waits.
#include "http_server/connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>

namespace rollgate::internal {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kReadBufferBytes = std::size_t{16} * 1024;

struct SocketEndpoint {
  std::string ip;
  int port = 0;
};

// The numeric address of a socket's peer or local end. An IPv4 client of a dual-stack socket
// shows as ::ffff:a.b.c.d; it is the IPv4 client a.b.c.d, also for the per-address cap.
SocketEndpoint EndpointOf(int sock, bool peer) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  SocketEndpoint e;
  if ((peer ? ::getpeername(sock, sa, &len) : ::getsockname(sock, sa, &len)) != 0) return e;
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  if (::getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return e;
  }
  e.ip = host;
  if (e.ip.rfind("::ffff:", 0) == 0 && e.ip.find('.') != std::string::npos) e.ip.erase(0, 7);
  e.port = std::atoi(serv);
  return e;
}

int MsUntil(SteadyClock::time_point until) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(until - SteadyClock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, INT_MAX));
}

// The Stream httplib parses a request from and writes its response to.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int sock, const ConnectionEnv& env, SocketEndpoint remote, SocketEndpoint local)
      : sock_(sock), env_(env), remote_(std::move(remote)), local_(std::move(local)) {}
  ~ConnectionStream() override {
    if (ssl_) SSL_free(ssl_);
  }

  // TLS: the handshake must complete by `deadline`.
  bool AcceptTls(SSL_CTX* ctx, SteadyClock::time_point deadline) {
    ssl_ = SSL_new(ctx);
    if (!ssl_ || SSL_set_fd(ssl_, sock_) != 1) return false;
    deadline_ = deadline;
    for (;;) {
      ERR_clear_error();
      int r = SSL_accept(ssl_);
      if (r == 1) return true;
      short want = TlsWant(r);
      if (want == 0 || !Wait(want, ReadUntil(), /*stoppable=*/true)) return false;
    }
  }
  // TLS: says goodbye politely after a clean end, without waiting for the answer.
  void EndTls(bool clean) {
    if (!ssl_ || !clean) return;
    ERR_clear_error();
    SSL_shutdown(ssl_);
  }

  // Waits (up to keep_alive_timeout) for the first byte of the next request. False when none
  // came, the client closed, or the server is stopping.
  bool WaitForRequest() {
    if (broken_) return false;
    if (pos_ < end_ || (ssl_ && SSL_pending(ssl_) > 0)) return true;
    auto until = SteadyClock::now() + std::chrono::milliseconds(env_.policy.keep_alive_timeout_ms);
    return Wait(POLLIN, until, /*stoppable=*/true);
  }
  // The request whose first byte is here must be read completely within request_timeout.
  void BeginRequest() {
    deadline_ = SteadyClock::now() + std::chrono::milliseconds(env_.policy.request_timeout_ms);
  }

  bool is_readable() const override {
    if (pos_ < end_ || (ssl_ && SSL_pending(ssl_) > 0)) return true;
    return Wait(POLLIN, ReadUntil(), /*stoppable=*/true);
  }
  bool is_writable() const override {
    return !broken_ && PeerOpen() && Wait(POLLOUT, WriteUntil(), /*stoppable=*/false);
  }

  ssize_t read(char* ptr, std::size_t size) override {
    if (size == 0) return 0;
    if (pos_ == end_) {
      if (size >= kReadBufferBytes) return Receive(ptr, size);
      ssize_t n = Receive(buffer_, kReadBufferBytes);
      if (n <= 0) return n;
      pos_ = 0;
      end_ = static_cast<std::size_t>(n);
    }
    std::size_t n = std::min(size, end_ - pos_);
    std::memcpy(ptr, buffer_ + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, std::size_t size) override {
    if (size == 0) return 0;
    if (broken_ || !PeerOpen()) return -1;
    const SteadyClock::time_point until = WriteUntil();
    for (;;) {
      short want = POLLOUT;
      if (ssl_) {
        ERR_clear_error();  // SSL_get_error() reads this thread's queue: start it empty
        int r = SSL_write(ssl_, ptr, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
        if (r > 0) return r;
        want = TlsWant(r);
        if (want == 0) return -1;
      } else {
        ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      }
      if (!Wait(want, until, /*stoppable=*/false)) return -1;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_.ip;
    port = remote_.port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = local_.ip;
    port = local_.port;
  }
  socket_t socket() const override { return sock_; }

 private:
  SteadyClock::time_point ReadUntil() const {
    return std::min(deadline_,
                    SteadyClock::now() + std::chrono::milliseconds(env_.policy.read_timeout_ms));
  }
  SteadyClock::time_point WriteUntil() const {
    return SteadyClock::now() + std::chrono::milliseconds(env_.policy.write_timeout_ms);
  }

  // What OpenSSL waits for after a call that returned `r`: POLLIN, POLLOUT, or 0 for an end.
  short TlsWant(int r) const {
    switch (SSL_get_error(ssl_, r)) {
      case SSL_ERROR_WANT_READ:
        return POLLIN;
      case SSL_ERROR_WANT_WRITE:
        return POLLOUT;
      default:
        return 0;
    }
  }

  // Up to `cap` request bytes, waiting while none have arrived. 0: the client closed; -1: the
  // request deadline or read_timeout passed, the server is stopping, or an error.
  ssize_t Receive(char* dst, std::size_t cap) {
    ssize_t n = ReceiveOnce(dst, cap);
    // A request that failed to arrive ends the connection, unanswered: httplib would answer
    // 400 and wait for the next request on the same connection, and a trickling client would
    // get a fresh deadline.
    if (n < 0) broken_ = true;
    return n;
  }
  ssize_t ReceiveOnce(char* dst, std::size_t cap) {
    for (;;) {
      // Checked before every read, not only before waits: a client that keeps bytes coming
      // never makes us wait, and must still finish its request by the deadline.
      if (SteadyClock::now() >= deadline_) return -1;
      short want = POLLIN;
      if (ssl_) {
        ERR_clear_error();
        int r = SSL_read(ssl_, dst, static_cast<int>(std::min<std::size_t>(cap, INT_MAX)));
        if (r > 0) return r;
        int err = SSL_get_error(ssl_, r);
        if (err == SSL_ERROR_ZERO_RETURN) return 0;
        want = TlsWant(r);
        if (want == 0) return -1;
      } else {
        ssize_t n = ::recv(sock_, dst, cap, 0);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      }
      if (!Wait(want, ReadUntil(), /*stoppable=*/true)) return -1;
    }
  }

  // Whether the client still has its side open (as httplib checks before each write): a
  // readable socket with nothing to read means it closed.
  bool PeerOpen() const {
    char c;
    ssize_t n = ::recv(sock_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) return true;
    if (n == 0) return false;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }

  // Waits until the socket has `events` or `until` passes; `stoppable` waits also end when the
  // server stops. True when the socket is ready (or has failed: the next call says how).
  bool Wait(short events, SteadyClock::time_point until, bool stoppable) const {
    const int stop_fd = stoppable && env_.stop ? env_.stop->fd() : -1;
    for (;;) {
      int ms = MsUntil(until);
      if (ms <= 0) return false;
      pollfd fds[2] = {{sock_, events, 0}, {stop_fd, POLLIN, 0}};
      int r = ::poll(fds, stop_fd >= 0 ? 2 : 1, ms);
      if (r < 0 && errno != EINTR) return false;
      if (r <= 0) continue;
      if (stop_fd >= 0 && fds[1].revents != 0) return false;
      if (fds[0].revents != 0) return true;
    }
  }

  const int sock_;
  const ConnectionEnv& env_;
  const SocketEndpoint remote_;
  const SocketEndpoint local_;
  SSL* ssl_ = nullptr;
  bool broken_ = false;  // a request read failed: nothing more is read or written
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
  char buffer_[kReadBufferBytes];
  std::size_t pos_ = 0;  // buffer_[pos_, end_) holds bytes read but not yet parsed
  std::size_t end_ = 0;
};

void CloseSocket(int sock) {
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
}

// A client over its cap: a 503 it can read (plain HTTP only; over TLS it just sees the close),
// then the close. Whatever request bytes have already arrived are read first, so the close is
// a FIN after the answer rather than a reset that could discard it.
void Refuse(int sock, bool tls, const ClientLimiter& limiter) {
  if (!tls) {
    const std::string body = "too many open connections from this address (the limit is " +
                             std::to_string(limiter.max_per_client()) + ")\n";
    const std::string answer =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    (void)::send(sock, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    char sink[4096];
    (void)::recv(sock, sink, sizeof(sink), MSG_DONTWAIT);
  }
  CloseSocket(sock);
}

thread_local int served_socket = -1;

// Sets served_socket for the lifetime of one ServeConnection call.
class ServedSocketScope {
 public:
  explicit ServedSocketScope(int sock) { served_socket = sock; }
  ~ServedSocketScope() { served_socket = -1; }
  ServedSocketScope(const ServedSocketScope&) = delete;
  ServedSocketScope& operator=(const ServedSocketScope&) = delete;
};

// Tells env.on_error (when set) what threw while serving the connection from `address`.
void ReportThrown(const ConnectionEnv& env, const std::string& route, const std::string& address,
                  const std::string& what) {
  if (!env.on_error) return;
  try {
    env.on_error(route.empty() ? "connection from " + address : route, what);
  } catch (...) {
    // The callback must not throw; the connection is closed either way.
  }
}

}  // namespace

StopFd::StopFd() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

StopFd::~StopFd() {
  if (fd_ >= 0) ::close(fd_);
}

void StopFd::Trigger() const {
  if (fd_ < 0) return;
  uint64_t one = 1;
  (void)!::write(fd_, &one, sizeof(one));
}

bool ServeConnection(int sock, SSL_CTX* tls, const ConnectionEnv& env,
                     const std::function<bool()>& serving, const ProcessRequestFn& process) {
  const SteadyClock::time_point accepted = SteadyClock::now();
  SocketEndpoint remote = EndpointOf(sock, /*peer=*/true);
  ClientLimiter& limiter = *env.limiter;
  if (!limiter.TryAcquire(remote.ip)) {
    Refuse(sock, tls != nullptr, limiter);
    return false;
  }
  const std::string address = remote.ip;
  std::string route;  // the request being served, once httplib has read its head
  bool ok = false;
  try {
    ServedSocketScope served(sock);  // for the handlers (ServerRequest::socket_fd)
    ::fcntl(sock, F_SETFL, O_NONBLOCK);
    ConnectionStream stream(sock, env, std::move(remote), EndpointOf(sock, /*peer=*/false));
    const bool ready =
        !tls ||
        stream.AcceptTls(tls, accepted + std::chrono::milliseconds(env.policy.request_timeout_ms));
    int left = env.policy.keep_alive_max_requests;
    while (ready && left > 0 && serving() && stream.WaitForRequest()) {
      stream.BeginRequest();
      bool closed = false;
      route.clear();
      ok = process(stream, /*close_connection=*/left == 1, closed, route);
      if (!ok || closed) break;
      --left;
    }
    stream.EndTls(ok);
  } catch (const std::exception& e) {
    ok = false;  // a failure inside httplib ends this connection only
    ReportThrown(env, route, address, std::string("serving the request threw: ") + e.what());
  } catch (...) {
    ok = false;
    ReportThrown(env, route, address, "serving the request threw a non-standard exception");
  }
  CloseSocket(sock);
  limiter.Release(address);
  return ok;
}

int ServedSocket() { return served_socket; }

}  // namespace rollgate::internal
