#include "mock/peer_watch.h"

#include <dirent.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>

namespace rollgate::mock {

namespace {

int PortOf(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  }
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  }
  return -1;
}

// The numeric host, as httplib renders a peer's address (getnameinfo, NI_NUMERICHOST).
std::string HostOf(const sockaddr_storage& addr, socklen_t len) {
  char host[NI_MAXHOST] = {};
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, nullptr, 0,
                  NI_NUMERICHOST) != 0) {
    return "";
  }
  return host;
}

bool IsConnection(int fd, int local_port, const std::string& remote_addr, int remote_port) {
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  sockaddr_storage local{};
  socklen_t local_len = sizeof local;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0 ||
      PortOf(local) != local_port) {
    return false;
  }
  sockaddr_storage peer{};
  socklen_t peer_len = sizeof peer;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) return false;
  return PortOf(peer) == remote_port && HostOf(peer, peer_len) == remote_addr;
}

}  // namespace

PeerWatch PeerWatch::Find(int local_port, const std::string& remote_addr, int remote_port) {
  if (local_port <= 0 || remote_port <= 0 || remote_addr.empty()) return PeerWatch();
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return PeerWatch();
  int found = -1;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir)) continue;
    if (IsConnection(static_cast<int>(fd), local_port, remote_addr, remote_port)) {
      found = static_cast<int>(fd);
      break;
    }
  }
  closedir(dir);
  return PeerWatch(found);
}

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
