// A deliberately dumb HTTP/1.1 server on raw sockets, for tests that need to send what a real
// server library refuses to: control characters and key bytes in header names and values, a
// bare CR, any Location. One connection at a time, each answered with whatever bytes the
// handler returns and then closed. Binds 127.0.0.1:0; Stop() (and the destructor) ends it.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "rollgate/status.h"

namespace rollgate::testing {

struct RawRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (internal::EqualsIgnoreCase(k, name)) return v;
    }
    return "";
  }
};

/// Returns the complete response: status line, headers, blank line, body.
using RawHandler = std::function<std::string(const RawRequest&)>;

class RawHttpServer {
 public:
  explicit RawHttpServer(RawHandler handler) : handler_(std::move(handler)) {}
  ~RawHttpServer() { Stop(); }
  RawHttpServer(const RawHttpServer&) = delete;
  RawHttpServer& operator=(const RawHttpServer&) = delete;

  Status Start() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 ||
        ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 64) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::pipe2(wake_, O_CLOEXEC) != 0) {
      return Status::IoError(std::string("raw server: ") + std::strerror(errno));
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
    return Status::Ok();
  }

  void Stop() {
    if (thread_.joinable()) {
      char c = 'x';
      (void)!::write(wake_[1], &c, 1);
      thread_.join();
    }
    for (int* fd : {&listen_fd_, &wake_[0], &wake_[1]}) {
      if (*fd >= 0) ::close(*fd);
      *fd = -1;
    }
  }

  int port() const { return port_; }

 private:
  void Loop() {
    while (true) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
      if (fds[1].revents) return;
      if (!(fds[0].revents & POLLIN)) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      timeval timeout{5, 0};  // a client that stalls cannot hang the test
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
      Serve(fd);
      ::close(fd);
    }
  }

  void Serve(int fd) {
    std::string in;
    char buf[8192];
    std::size_t head_end;
    while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return;
      in.append(buf, static_cast<std::size_t>(n));
    }
    RawRequest req;
    std::vector<std::string> lines = internal::Split(in.substr(0, head_end), '\n');
    std::vector<std::string> first = internal::Split(internal::Trim(lines[0]), ' ');
    if (first.size() < 2) return;
    req.method = first[0];
    req.path = first[1];
    std::size_t length = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      std::size_t colon = lines[i].find(':');
      if (colon == std::string::npos) continue;
      req.headers.emplace_back(internal::Trim(lines[i].substr(0, colon)),
                               internal::Trim(lines[i].substr(colon + 1)));
      if (internal::EqualsIgnoreCase(req.headers.back().first, "content-length")) {
        length = std::stoul(req.headers.back().second);
      }
    }
    if (internal::EqualsIgnoreCase(req.Header("expect"), "100-continue")) {
      std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
      (void)!::send(fd, cont.data(), cont.size(), MSG_NOSIGNAL);
    }
    req.body = in.substr(head_end + 4);
    while (req.body.size() < length) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return;
      req.body.append(buf, static_cast<std::size_t>(n));
    }
    std::string out = handler_(req);
    for (std::size_t sent = 0; sent < out.size();) {
      ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  RawHandler handler_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  std::thread thread_;
};

}  // namespace rollgate::testing
