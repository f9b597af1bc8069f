#include "http_server/http_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http_server/http_server_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/test_http_client.h"
#include "testutil/wait_until.h"

namespace rollgate::internal {
namespace {

using ::rollgate::testing::ElapsedMs;
using ::rollgate::testing::Fetch;
using ::rollgate::testing::HttpGet;
using ::rollgate::testing::HttpPost;
using ::rollgate::testing::TestRequest;
using ::rollgate::testing::TestResponse;
using ::testing::HasSubstr;

TEST_F(HttpServerTest, BindsAFreePortAndRoutesByMethodAndExactPath) {
  HttpServer& s = Make();
  s.Handle("GET", "/a", [](const ServerRequest&) { return Ok("get a"); });
  s.Handle("POST", "/a", [](const ServerRequest&) { return Ok("post a"); });
  ASSERT_OK(s.Start());
  EXPECT_GT(s.port(), 0);
  EXPECT_TRUE(s.running());

  EXPECT_EQ(HttpGet(Url("/a")).body, "get a");
  EXPECT_EQ(HttpPost(Url("/a"), "x").body, "post a");
  TestResponse prefix = HttpGet(Url("/a/b"));  // exact match only, no prefix routing
  EXPECT_EQ(prefix.status, 404);
  EXPECT_EQ(prefix.body, "not found\n");
  TestRequest put;
  put.method = "PUT";
  put.url = Url("/a");
  put.body = "x";  // httplib 0.11.4 waits for a body on a PUT without Content-Length
  EXPECT_EQ(Fetch(put).status, 404);  // known path, unrouted method: the fallback
}

TEST_F(HttpServerTest, FallbackSeesUnknownPathsAndRegexCharactersAreLiteral) {
  HttpServer& s = Make();
  s.Handle("GET", "/v1/models", [](const ServerRequest&) { return Ok("models"); });
  s.SetFallback([](const ServerRequest& r) {
    return ServerResponse::Make(418, "text/plain", "fallback " + r.method + " " + r.path);
  });
  ASSERT_OK(s.Start());
  TestResponse r = HttpGet(Url("/v1/modelsX"));
  EXPECT_EQ(r.status, 418);
  EXPECT_EQ(r.body, "fallback GET /v1/modelsX");
  EXPECT_EQ(HttpGet(Url("/v1/models")).body, "models");
}

TEST_F(HttpServerTest, RequestViewCarriesQueryHeadersBodyAndPeer) {
  HttpServer& s = Make();
  ServerRequest seen;
  std::mutex mu;
  s.Handle("POST", "/echo", [&](const ServerRequest& r) {
    std::lock_guard<std::mutex> lock(mu);
    seen = r;
    return Ok("ok");
  });
  ASSERT_OK(s.Start());
  TestResponse r = HttpPost(Url("/echo?b=2&a=x%20y"), "{\"k\":1}",
                            {"X-Client-Request-Id: probe-1", "Content-Type: application/json"});
  ASSERT_EQ(r.status, 200);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/echo");
  ASSERT_NE(seen.Query("a"), nullptr);
  EXPECT_EQ(*seen.Query("a"), "x y");
  ASSERT_NE(seen.Query("b"), nullptr);
  EXPECT_EQ(*seen.Query("b"), "2");
  EXPECT_EQ(seen.Query("c"), nullptr);
  ASSERT_NE(seen.Header("x-client-request-id"), nullptr);  // lookups ignore case
  EXPECT_EQ(*seen.Header("x-client-request-id"), "probe-1");
  EXPECT_EQ(seen.Header("REMOTE_ADDR"), nullptr);  // httplib's pseudo headers are hidden
  EXPECT_EQ(seen.body, "{\"k\":1}");
  EXPECT_EQ(seen.remote_addr, "127.0.0.1");
  EXPECT_GT(seen.remote_port, 0);
}

// Handlers get their connection's socket (the mock watches it for a client hanging up): the
// one whose peer is the request's remote port and whose local port is the server's, and no
// socket outside a served connection.
TEST_F(HttpServerTest, HandlersSeeTheirConnectionsSocket) {
  HttpServer& s = Make();
  std::mutex mu;
  int local_port = -1;
  int peer_port = -1;
  int request_port = 0;
  s.Handle("GET", "/fd", [&](const ServerRequest& r) {
    sockaddr_in local{};
    sockaddr_in peer{};
    socklen_t local_len = sizeof local;
    socklen_t peer_len = sizeof peer;
    std::lock_guard<std::mutex> lock(mu);
    request_port = r.remote_port;
    if (r.socket_fd >= 0 &&
        getsockname(r.socket_fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0 &&
        getpeername(r.socket_fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0) {
      local_port = ntohs(local.sin_port);
      peer_port = ntohs(peer.sin_port);
    }
    return Ok("ok");
  });
  ASSERT_OK(s.Start());
  ASSERT_EQ(HttpGet(Url("/fd")).status, 200);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(local_port, s.port());
  EXPECT_EQ(peer_port, request_port);
  EXPECT_EQ(ServerRequest().socket_fd, -1);
}

TEST_F(HttpServerTest, ResponseCarriesStatusHeadersAndContentType) {
  HttpServer& s = Make();
  s.Handle("GET", "/r", [](const ServerRequest&) {
    ServerResponse r = ServerResponse::Make(429, "application/json", "{\"e\":1}");
    r.headers = {{"Retry-After", "3"}, {"x-request-id", "req_1"}};
    return r;
  });
  ASSERT_OK(s.Start());
  TestResponse r = HttpGet(Url("/r"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body, "{\"e\":1}");
  ASSERT_NE(r.Header("content-type"), nullptr);
  EXPECT_EQ(*r.Header("content-type"), "application/json");
  ASSERT_NE(r.Header("retry-after"), nullptr);
  EXPECT_EQ(*r.Header("retry-after"), "3");
  ASSERT_NE(r.Header("content-length"), nullptr);
  EXPECT_EQ(*r.Header("content-length"), "7");
}

TEST_F(HttpServerTest, HeadUsesTheGetRouteWithoutABody) {
  HttpServer& s = Make();
  s.Handle("GET", "/h", [](const ServerRequest&) { return Ok("twelve bytes"); });
  ASSERT_OK(s.Start());
  TestRequest head;
  head.method = "HEAD";
  head.url = Url("/h");
  TestResponse r = Fetch(head);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
}

TEST_F(HttpServerTest, AThrowingHandlerGivesA500AndTheServerKeepsServing) {
  HttpServer& s = Make();
  s.Handle("GET", "/boom",
           [](const ServerRequest&) -> ServerResponse { throw std::runtime_error("boom"); });
  s.Handle("GET", "/fine", [](const ServerRequest&) { return Ok("fine"); });
  ASSERT_OK(s.Start());
  TestResponse r = HttpGet(Url("/boom"));
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("boom")));
  EXPECT_EQ(HttpGet(Url("/fine")).body, "fine");
}

// The 500 is not the only trace: on_error gets the route and what threw, never the body or query.
TEST_F(HttpServerTest, AThrowingHandlerOrProducerIsReportedWithItsRouteOnly) {
  std::mutex mu;
  std::vector<std::string> errors;
  HttpServerOptions options;
  options.on_error = [&](const std::string& message) {
    std::lock_guard<std::mutex> lock(mu);
    errors.push_back(message);
  };
  auto reported = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return errors;
  };
  HttpServer& s = Make(options);
  s.Handle("POST", "/boom",
           [](const ServerRequest&) -> ServerResponse { throw std::runtime_error("boom"); });
  s.Handle("GET", "/stream", [](const ServerRequest&) {
    ServerResponse r = ServerResponse::Make(200, "text/event-stream", "");
    r.stream = [](StreamWriter& w) -> bool {
      w.Write("data: 1\n\n");
      throw std::logic_error("mid-stream");
    };
    return r;
  });
  ASSERT_OK(s.Start());
  TestResponse r = HttpPost(Url("/boom?token=sk-query-secret-0123"), "body-secret-marker-4567");
  EXPECT_EQ(r.status, 500);
  ASSERT_TRUE(testing::WaitUntil([&] { return reported().size() == 1; }, std::chrono::seconds(5)));
  EXPECT_EQ(reported()[0], "POST /boom: the handler threw: boom");
  HttpGet(Url("/stream"));
  ASSERT_TRUE(testing::WaitUntil([&] { return reported().size() == 2; }, std::chrono::seconds(5)));
  EXPECT_EQ(reported()[1], "GET /stream: the body's producer threw: mid-stream");
  for (const auto& e : reported()) {
    EXPECT_THAT(e, ::testing::Not(HasSubstr("secret"))) << "the query and body never reach the log";
  }
}

// A handler that throws something that is not a std::exception: a 500 and the route reported.
TEST_F(HttpServerTest, AHandlerThrowingANonStandardExceptionIsReportedAndAnswered500) {
  std::mutex mu;
  std::vector<std::string> errors;
  HttpServerOptions options;
  options.on_error = [&](const std::string& message) {
    std::lock_guard<std::mutex> lock(mu);
    errors.push_back(message);
  };
  HttpServer& s = Make(options);
  s.Handle("GET", "/odd", [](const ServerRequest&) -> ServerResponse { throw 42; });
  ASSERT_OK(s.Start());
  TestResponse r = HttpGet(Url("/odd"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "internal server error\n");
  std::lock_guard<std::mutex> lock(mu);  // reported before the 500 was sent
  EXPECT_EQ(errors,
            std::vector<std::string>{"GET /odd: the handler threw a non-standard exception"});
}

TEST_F(HttpServerTest, OversizedRequestBodiesAreRefused) {
  HttpServerOptions options;
  options.max_request_body_bytes = 1024;
  HttpServer& s = Make(options);
  s.Handle("POST", "/p", [](const ServerRequest&) { return Ok("ok"); });
  ASSERT_OK(s.Start());
  EXPECT_EQ(HttpPost(Url("/p"), std::string(4096, 'x')).status, 413);
  EXPECT_EQ(HttpPost(Url("/p"), std::string(100, 'x')).status, 200);
}

TEST_F(HttpServerTest, StopIsIdempotentAndAServerStartsOnce) {
  HttpServer& s = Make();
  s.Stop();  // before Start: nothing to do
  ASSERT_OK(s.Start());
  int port = s.port();
  EXPECT_EQ(HttpGet(Url("/")).status, 404);
  s.Stop();
  s.Stop();
  EXPECT_FALSE(s.running());
  EXPECT_FALSE(s.Start().ok());
  TestResponse after = HttpGet("http://127.0.0.1:" + std::to_string(port) + "/");
  EXPECT_FALSE(after.transport_ok);  // nothing listens any more
}

// Sends `request` on `fd` and reads one response whose body is the single byte "k".
std::string RoundTrip(int fd, const std::string& request) {
  if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    return "";
  }
  std::string got;
  char buf[512];
  while (got.find("\r\n\r\nk") == std::string::npos) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return got;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// An idle keep-alive connection holds a worker until keep_alive_timeout_s; that is Stop()'s
// bound when a client keeps its connection open.
TEST_F(HttpServerTest, StopWithAnIdleKeepAliveClientIsBoundedByTheKeepAliveTimeout) {
  HttpServerOptions options;
  options.keep_alive_timeout_s = 1;
  HttpServer& s = Make(options);
  s.Handle("GET", "/k", [](const ServerRequest&) { return Ok("k"); });
  ASSERT_OK(s.Start());

  int fd = ConnectLoopback(s.port());
  ASSERT_GE(fd, 0);
  std::string got = RoundTrip(fd, "GET /k HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_NE(got.find("\r\n\r\nk"), std::string::npos) << got;
  EXPECT_NE(got.find("Keep-Alive"), std::string::npos);  // the connection stays open

  double stop_ms = ElapsedMs([&] { s.Stop(); });
  ::close(fd);
  EXPECT_LT(stop_ms, 2500);  // httplib's own default would hold it for 5 s
}

// A busy client keeps one connection for many requests (httplib alone closes it after 5, which
// makes every client reconnect); the server closes it after keep_alive_max_requests.
TEST_F(HttpServerTest, OneKeepAliveConnectionServesUpToKeepAliveMaxRequests) {
  HttpServerOptions options;
  options.keep_alive_max_requests = 30;
  HttpServer& s = Make(options);
  std::atomic<int> served{0};
  s.Handle("GET", "/k", [&](const ServerRequest&) {
    ++served;
    return Ok("k");
  });
  ASSERT_OK(s.Start());
  int fd = ConnectLoopback(s.port());
  ASSERT_GE(fd, 0);
  const std::string request = "GET /k HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  for (int i = 1; i <= 30; ++i) {
    std::string got = RoundTrip(fd, request);
    ASSERT_NE(got.find("\r\n\r\nk"), std::string::npos) << "request " << i << ": " << got;
    if (i < 30) {
      EXPECT_NE(got.find("Keep-Alive: timeout="), std::string::npos) << "request " << i;
    } else {
      EXPECT_NE(got.find("Connection: close"), std::string::npos) << got;
    }
  }
  char byte;
  EXPECT_EQ(::recv(fd, &byte, 1, 0), 0);  // the server closed it after the 30th
  ::close(fd);
  EXPECT_EQ(served.load(), 30);
  EXPECT_GE(HttpServerOptions{}.keep_alive_max_requests, 100);  // the default is generous
}

// A POST with neither Content-Length nor Transfer-Encoding has an empty body (RFC 9112); the
// server must answer it at once instead of reading until its read timeout. The client gives
// up after 10 s, the server would wait 30.
TEST_F(HttpServerTest, APostWithoutContentLengthHasAnEmptyBodyAndIsAnsweredAtOnce) {
  HttpServerOptions options;
  options.read_timeout_s = 30;
  HttpServer& s = Make(options);
  std::atomic<int> body_bytes{-1};
  s.Handle("POST", "/p", [&](const ServerRequest& r) {
    body_bytes = static_cast<int>(r.body.size());
    return Ok("k");
  });
  ASSERT_OK(s.Start());
  int fd = ConnectLoopback(s.port());
  ASSERT_GE(fd, 0);
  timeval give_up{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &give_up, sizeof give_up);
  std::string got = RoundTrip(fd, "POST /p HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ::close(fd);
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
  EXPECT_NE(got.find("\r\n\r\nk"), std::string::npos) << got;
  EXPECT_EQ(body_bytes.load(), 0);
}

TEST_F(HttpServerTest, BindingABusyPortFailsLoudly) {
  HttpServer& first = Make();
  ASSERT_OK(first.Start());
  HttpServerOptions options;
  options.port = first.port();
  HttpServer second(options);
  Status st = second.Start();
  EXPECT_EQ(st.code(), Status::Code::kIoError);
  EXPECT_THAT(st.message(), HasSubstr("127.0.0.1:" + std::to_string(first.port())));
}

TEST_F(HttpServerTest, InvalidOptionsAreRejectedBeforeBinding) {
  HttpServerOptions options;
  options.max_connections = 0;
  HttpServer a(options);
  EXPECT_EQ(a.Start().code(), Status::Code::kInvalidArgument);
  options = {};
  options.port = 70000;
  HttpServer b(options);
  EXPECT_EQ(b.Start().code(), Status::Code::kInvalidArgument);
  options = {};
  options.host = "";
  HttpServer c(options);
  EXPECT_EQ(c.Start().code(), Status::Code::kInvalidArgument);
  options = {};
  options.keep_alive_max_requests = 0;
  HttpServer d(options);
  EXPECT_THAT(d.Start().message(), HasSubstr("keep_alive_max_requests"));
}

TEST_F(HttpServerTest, AnAddressThisHostDoesNotHaveIsAnIoError) {
  HttpServerOptions options;
  options.host = "192.0.2.1";  // TEST-NET-1: never local, and a literal needs no DNS
  HttpServer s(options);
  Status st = s.Start();
  EXPECT_EQ(st.code(), Status::Code::kIoError);
  EXPECT_THAT(st.message(), HasSubstr("192.0.2.1:0"));
}

}  // namespace
}  // namespace rollgate::internal
