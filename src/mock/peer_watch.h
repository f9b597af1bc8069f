// Is the client still there? The mock holds answers back (stalls) to measure a client's own
// timeout, and needs to see the moment the client gives up and closes its connection.
//
// cpp-httplib 0.11.4 never hands a handler its connection's socket, and only a content
// provider's DataSink::is_writable() peeks at it (not before the status line, and only when a
// write is due). The HTTP server adapter serves each connection on one worker thread and
// passes its socket on as ServerRequest::socket_fd; it is open for as long as the request's
// handler or stream producer runs, because the socket is closed only after both returned.
// (The mock used to look for the socket among the process's descriptors in /proc/self/fd,
// which inspected descriptors other threads were closing and reusing: a race ThreadSanitizer
// reported.) Where the socket is unknown, waits still work but no hang-up is seen.
//
// A "hang-up" is the client closing or resetting the connection (FIN or RST). A client that
// only half-closes (shutdown(SHUT_WR)) and keeps reading counts as gone too; HTTP clients do
// not do that.
#pragma once

#include <functional>

namespace rollgate::mock {

class PeerWatch {
 public:
  enum class WaitResult {
    kElapsed,     // the whole time passed with the client still connected (or unknown)
    kClientGone,  // the client closed or reset the connection
    kStopping,    // the server began stopping
  };

  /// No socket: waits only wait, ClientGone() is false, Cut() does nothing.
  PeerWatch() = default;

  /// The connection whose socket is `socket_fd` (ServerRequest::socket_fd; borrowed, never
  /// closed here); an empty watch when it is negative.
  static PeerWatch Of(int socket_fd) { return PeerWatch(socket_fd < 0 ? -1 : socket_fd); }

  bool found() const { return fd_ >= 0; }

  /// True once the client has closed or reset the connection. Never blocks.
  bool ClientGone() const;

  /// A pause that returns false as soon as the server is stopping (StopSignal::WaitFor,
  /// StreamWriter::Wait); a pause of 0 ms only asks whether it is.
  using Pause = std::function<bool(int ms)>;

  /// Waits up to `ms` and returns early when the client hangs up (seen at once: the wait is a
  /// poll() on the socket) or the server stops (seen within kSliceMs). Without a socket it
  /// only pauses. Bounded by `ms` plus one slice.
  WaitResult Wait(int ms, const Pause& pause) const;

  /// Shuts the connection down both ways, so the client sees it end without (more of) an
  /// answer; httplib's own writes then fail and it closes the socket as usual.
  void Cut() const;

  static constexpr int kSliceMs = 20;

 private:
  explicit PeerWatch(int fd) : fd_(fd) {}
  int fd_ = -1;  // borrowed from the server's connection; never closed here
};

}  // namespace rollgate::mock
