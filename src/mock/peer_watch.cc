#include "mock/peer_watch.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace rollgate::mock {

bool PeerWatch::ClientGone() const {
  if (fd_ < 0) return false;
  pollfd p{fd_, POLLIN | POLLRDHUP, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) return true;
  // Readable without an end-of-stream flag: bytes are waiting (a pipelined request). Peek to
  // be sure the read side has not ended.
  char byte;
  ssize_t n = recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

PeerWatch::WaitResult PeerWatch::Wait(int ms, const Pause& pause) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(ms, 0));
  while (true) {
    if (!pause(0)) return WaitResult::kStopping;
    if (ClientGone()) return WaitResult::kClientGone;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return WaitResult::kElapsed;
    if (fd_ < 0) {
      // Nothing to watch: the pause itself wakes on Stop().
      if (!pause(static_cast<int>(left))) return WaitResult::kStopping;
      continue;
    }
    int slice = static_cast<int>(std::min<long long>(left, kSliceMs));
    // Wakes at once when the client hangs up. When bytes are waiting instead (a pipelined
    // request keeps the socket readable), poll() would return at once every time: pause the
    // slice out.
    pollfd p{fd_, POLLIN | POLLRDHUP, 0};
    int ready = poll(&p, 1, slice);
    if (ready > 0 && !(p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) && !ClientGone()) {
      if (!pause(slice)) return WaitResult::kStopping;
    }
  }
}

void PeerWatch::Cut() const {
  if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);
}

}  // namespace rollgate::mock
