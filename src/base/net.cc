#include "base/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/strings.h"

namespace rollgate::internal {

namespace {

std::string_view StripBrackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

bool ParseIpv4(std::string_view host, in_addr* out) {
  if (host.empty() || host.size() > 15) return false;
  std::string text(host);
  return ::inet_pton(AF_INET, text.c_str(), out) == 1;
}

bool ParseIpv6(std::string_view host, in6_addr* out) {
  if (host.empty() || host.size() > 45) return false;
  std::string text(host);
  return ::inet_pton(AF_INET6, text.c_str(), out) == 1;
}

bool IsLocalhostName(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return EqualsIgnoreCase(host, "localhost");
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  if (IsLocalhostName(host)) return true;
  in_addr v4{};
  if (ParseIpv4(host, &v4)) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (!ParseIpv6(StripBrackets(host), &v6)) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

bool IsIpLiteral(std::string_view host) {
  in_addr v4{};
  in6_addr v6{};
  return ParseIpv4(host, &v4) || ParseIpv6(StripBrackets(host), &v6);
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  const std::string shown = "'" + SanitizeForDisplay(text, 80) + "'";
  const char kExample[] = "e.g. 127.0.0.1:9464, [::1]:9464 or 0.0.0.0:9464";
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument(shown + ": expected HOST:PORT, " + kExample);
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  const bool bracketed = host.front() == '[';
  if (bracketed && (host.size() < 3 || host.back() != ']')) {
    return Status::InvalidArgument(shown + ": an IPv6 address goes in brackets, e.g. [::1]:9464");
  }
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos ||
      std::stoi(std::string(port)) > 65535) {
    return Status::InvalidArgument(shown + ": the port must be 0 to 65535");
  }
  ListenAddress out;
  out.port = std::stoi(std::string(port));
  in_addr v4{};
  in6_addr v6{};
  if (!bracketed && IsLocalhostName(host)) {
    out.host = "127.0.0.1";  // what localhost means, without asking anyone
  } else if (!bracketed && ParseIpv4(host, &v4)) {
    out.host = std::string(host);
  } else if (bracketed && ParseIpv6(StripBrackets(host), &v6)) {
    out.host = std::string(StripBrackets(host));
  } else if (!bracketed && ParseIpv6(host, &v6)) {
    return Status::InvalidArgument(shown + ": put an IPv6 address in brackets, e.g. [::1]:9464");
  } else {
    return Status::InvalidArgument(shown + ": '" + SanitizeForDisplay(host, 60) +
                                   "' is not an IP address; a listen address is never looked up "
                                   "in DNS, so give a literal (" +
                                   kExample + ") or localhost");
  }
  out.loopback = IsLoopbackHost(out.host);
  return out;
}

Result<int> FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IoError("cannot open a socket: " + std::string(std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  if (port <= 0) return Status::IoError("cannot find a free port on 127.0.0.1");
  return port;
}

}  // namespace rollgate::internal
