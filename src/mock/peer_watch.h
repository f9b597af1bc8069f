// Is the client still there? The mock holds answers back (stalls) to measure a client's own
// timeout, and needs to see the moment the client gives up and closes its connection.
//
// cpp-httplib 0.11.4 never hands a handler its connection's socket, and only a content
// provider's DataSink::is_writable() peeks at it (not before the status line, and only when a
// write is due). So the mock finds the socket itself, the one way the process can: among its
// open descriptors (/proc/self/fd), the TCP socket whose local port is the server's and whose
// peer is the request's remote address and port. That four-tuple is unique while the
// connection is open, and it is open for as long as the request's handler or stream producer
// runs, because httplib closes the socket only after both returned. Linux only, like the rest
// of the mock's deployment; where the socket cannot be found, waits still work but no hang-up
// is seen.
//
// A "hang-up" is the client closing or resetting the connection (FIN or RST). A client that
// only half-closes (shutdown(SHUT_WR)) and keeps reading counts as gone too; HTTP clients do
// not do that.
#pragma once

#include <functional>
#include <string>

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

  /// The connection of the request from `remote_addr`:`remote_port` to this process's
  /// `local_port`, or an empty watch when no such socket is open.
  static PeerWatch Find(int local_port, const std::string& remote_addr, int remote_port);

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
  int fd_ = -1;  // borrowed from httplib; never closed here
};

}  // namespace rollgate::mock
