#include "http_server/connection.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "http_server/client_limiter.h"

namespace rollgate::internal {
namespace {

// A connected loopback pair: `client` is the test's end, `server` the accepted socket that
// ServeConnection serves (and closes).
struct ConnTestPair {
  int client = -1;
  int server = -1;
};

ConnTestPair ConnTestConnect() {
  ConnTestPair pair;
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  socklen_t len = sizeof(addr);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listener, 1) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(listener);
    return pair;
  }
  pair.client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (::connect(pair.client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    pair.server = ::accept(listener, nullptr, nullptr);
  }
  ::close(listener);
  return pair;
}

// What the client reads until the server closes (bounded by `timeout_ms`); `closed` says
// whether the close was seen.
std::string ConnTestReadToClose(int fd, int timeout_ms, bool* closed) {
  std::string got;
  *closed = false;
  pollfd p{fd, POLLIN, 0};
  char buf[4096];
  while (::poll(&p, 1, timeout_ms) == 1) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) {
      *closed = true;
      break;
    }
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

struct ConnTestErrors {
  std::vector<std::pair<std::string, std::string>> seen;  // route, what
};

ConnectionEnv ConnTestEnv(ClientLimiter* limiter, const StopFd* stop, ConnTestErrors* errors) {
  ConnectionEnv env;
  env.limiter = limiter;
  env.stop = stop;
  env.policy.keep_alive_timeout_ms = 2000;
  env.on_error = [errors](const std::string& route, const std::string& what) {
    errors->seen.emplace_back(route, what);
  };
  return env;
}

// httplib's Server with its request processing reachable, as CoreServer (http_server.cc) calls
// it: an exception handler that throws again is how an exception leaves process_request.
class ConnTestServer : public httplib::Server {
 public:
  using httplib::Server::process_request;
};

TEST(ServeConnectionTest, AnExceptionPastHttplibIsReportedWithTheRouteAndClosesTheConnection) {
  ConnTestServer http;
  http.Get("/boom", [](const httplib::Request&, httplib::Response&) { throw 42; });
  http.set_exception_handler([](const httplib::Request&, httplib::Response&,
                                std::exception_ptr thrown) { std::rethrow_exception(thrown); });
  ClientLimiter limiter(0);
  StopFd stop;
  ConnTestErrors errors;
  ConnectionEnv env = ConnTestEnv(&limiter, &stop, &errors);
  ConnTestPair pair = ConnTestConnect();
  ASSERT_GE(pair.server, 0);
  const std::string request = "GET /boom?token=sk-query-secret HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(pair.client, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));

  const bool served = ServeConnection(
      pair.server, nullptr, env, [] { return true; },
      [&http](httplib::Stream& stream, bool close_connection, bool& connection_closed,
              std::string& route) {
        return http.process_request(
            stream, close_connection, connection_closed,
            [&route](httplib::Request& req) { route = req.method + " " + req.path; });
      });

  EXPECT_FALSE(served);
  ASSERT_EQ(errors.seen.size(), 1u);
  EXPECT_EQ(errors.seen[0].first, "GET /boom") << "the route, never the query";
  EXPECT_EQ(errors.seen[0].second, "serving the request threw a non-standard exception");
  bool closed = false;
  EXPECT_EQ(ConnTestReadToClose(pair.client, 5000, &closed), "") << "no response, no crash";
  EXPECT_TRUE(closed) << "the connection is closed";
  ::close(pair.client);
}

TEST(ServeConnectionTest, AnExceptionBeforeARequestHeadNamesTheClientsAddress) {
  ClientLimiter limiter(0);
  StopFd stop;
  ConnTestErrors errors;
  ConnectionEnv env = ConnTestEnv(&limiter, &stop, &errors);
  ConnTestPair pair = ConnTestConnect();
  ASSERT_GE(pair.server, 0);
  ASSERT_EQ(::send(pair.client, "G", 1, MSG_NOSIGNAL), 1);

  const bool served = ServeConnection(
      pair.server, nullptr, env, [] { return true; },
      [](httplib::Stream&, bool, bool&, std::string&) -> bool {
        throw std::runtime_error("out of buffers");
      });

  EXPECT_FALSE(served);
  ASSERT_EQ(errors.seen.size(), 1u);
  EXPECT_EQ(errors.seen[0].first, "connection from 127.0.0.1");
  EXPECT_EQ(errors.seen[0].second, "serving the request threw: out of buffers");
  bool closed = false;
  ConnTestReadToClose(pair.client, 5000, &closed);
  EXPECT_TRUE(closed);
  ::close(pair.client);
}

}  // namespace
}  // namespace rollgate::internal
