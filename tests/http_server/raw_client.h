// Raw TCP clients for tests of how the HTTP server treats slow, idle and excess connections: a
// loopback socket the test writes to byte by byte, that records what the server answered and
// when the server closed it. Waits are poll() with a deadline, never a sleep.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rollgate::testing {

class RawClient {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  /// Connects to 127.0.0.1:`port` from `source` (any 127.x.y.z: the server sees that address
  /// as the client's). Null when the connection cannot be made.
  static std::unique_ptr<RawClient> Connect(int port, const std::string& source = "127.0.0.1") {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return nullptr;
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
      ::close(fd);
      return nullptr;
    }
    ::fcntl(fd, F_SETFL, O_NONBLOCK);
    return std::unique_ptr<RawClient>(new RawClient(fd));
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  /// Sends `bytes` (small: they fit the socket buffer). False once the server has closed.
  bool Send(std::string_view bytes) {
    if (closed_) return false;
    if (first_send_ == TimePoint()) first_send_ = std::chrono::steady_clock::now();
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) MarkClosed();
    return !closed_;
  }

  /// Reads whatever has arrived, without waiting; notes the server's close (end of stream or
  /// reset).
  void Drain() {
    char buf[4096];
    while (!closed_) {
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n > 0) {
        received_.append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        MarkClosed();
      } else {
        return;
      }
    }
  }

  /// Waits (bounded) until the server closes the connection.
  bool WaitClosed(std::chrono::milliseconds timeout) {
    return WaitFor(timeout, [this] { return closed_; });
  }
  /// Waits (bounded) until `needle` has arrived.
  bool WaitReceived(const std::string& needle, std::chrono::milliseconds timeout) {
    return WaitFor(timeout, [&] { return received_.find(needle) != std::string::npos; });
  }

  int fd() const { return fd_; }
  bool closed() const { return closed_; }
  const std::string& received() const { return received_; }
  TimePoint closed_at() const { return closed_at_; }
  /// Milliseconds from the first byte sent (from the connect, when nothing was sent) to the
  /// server's close.
  double open_ms() const {
    TimePoint from = first_send_ == TimePoint() ? connected_ : first_send_;
    return std::chrono::duration<double, std::milli>(closed_at_ - from).count();
  }

 private:
  explicit RawClient(int fd) : fd_(fd), connected_(std::chrono::steady_clock::now()) {}

  void MarkClosed() {
    closed_ = true;
    closed_at_ = std::chrono::steady_clock::now();
  }

  template <typename Done>
  bool WaitFor(std::chrono::milliseconds timeout, Done done) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    Drain();
    while (!done()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0 || closed_) return done();
      pollfd p{fd_, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left));
      Drain();
    }
    return true;
  }

  int fd_;
  TimePoint connected_;
  bool closed_ = false;
  std::string received_;
  TimePoint first_send_{};
  TimePoint closed_at_{};
};

/// Keeps `clients` trickling: every `interval` each open one sends the next byte of `tail`
/// (cycled), until every client is closed or `timeout` passes. Records each close as it
/// happens. Returns whether all were closed. The pacing is the slow client under test, not a
/// synchronisation: each step waits on the sockets (poll) and ends early when one closes.
inline bool TrickleUntilClosed(const std::vector<RawClient*>& clients, std::string_view tail,
                               std::chrono::milliseconds interval,
                               std::chrono::milliseconds timeout) {
  using std::chrono::steady_clock;
  const auto deadline = steady_clock::now() + timeout;
  auto next_byte = steady_clock::now();
  std::size_t at = 0;
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<RawClient*> open;
    for (RawClient* c : clients) {
      c->Drain();
      if (c->closed()) continue;
      fds.push_back({c->fd(), POLLIN, 0});
      open.push_back(c);
    }
    if (open.empty()) return true;
    auto now = steady_clock::now();
    if (now >= deadline) return false;
    if (now >= next_byte) {
      const char byte = tail[at++ % tail.size()];
      for (RawClient* c : open) c->Send(std::string_view(&byte, 1));
      next_byte = now + interval;
    }
    auto wake = std::min(next_byte, deadline);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count();
    ::poll(fds.data(), fds.size(), static_cast<int>(ms < 1 ? 1 : ms));
  }
}

}  // namespace rollgate::testing
