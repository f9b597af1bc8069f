// CurlTransport against a real HTTP server on 127.0.0.1: classification of every way a
// request can end, phase timings, the body cap, the idle timeout and concurrency.
#include "probe/curl_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <optional>
#include <vector>

#include "http_server/http_server.h"
#include "testutil/status_matchers.h"

namespace rollgate::internal {
namespace {

class CurlTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions opts;
    opts.max_connections = 8;
    server_ = std::make_unique<HttpServer>(opts);
    server_->Handle("GET", "/ok", [](const ServerRequest& req) {
      ServerResponse r = ServerResponse::Make(200, "application/json", "{\"ok\":true}");
      const std::string* auth = req.Header("authorization");
      r.headers.emplace_back("x-saw-auth", auth ? "yes" : "no");
      return r;
    });
    server_->Handle("POST", "/echo", [](const ServerRequest& req) {
      return ServerResponse::Make(201, "text/plain", req.body);
    });
    server_->Handle("GET", "/slow", [](const ServerRequest&) {
      ServerResponse r = ServerResponse::Make(200, "text/plain", "late");
      r.delay_ms = 400;
      return r;
    });
    server_->Handle("GET", "/hang", [](const ServerRequest&) {
      ServerResponse r = ServerResponse::Make(200, "text/plain", "never");
      r.delay_ms = 60000;
      return r;
    });
    server_->Handle("GET", "/big", [](const ServerRequest&) {
      return ServerResponse::Make(200, "application/json", std::string(2 << 20, 'x'));
    });
    server_->Handle("GET", "/redirect", [](const ServerRequest&) {
      ServerResponse r = ServerResponse::Make(301, "text/html", "<html>moved</html>");
      r.headers.emplace_back("Location", "https://elsewhere.example/");
      return r;
    });
    server_->Handle("GET", "/reset", [](const ServerRequest&) {
      ServerResponse r;
      r.stream_length = 1000;
      r.stream = [](StreamWriter& w) { return w.Write(std::string(400, 'a')) && false; };
      return r;
    });
    server_->Handle("GET", "/stall", [](const ServerRequest&) {
      ServerResponse r;
      r.content_type = "text/event-stream";
      r.stream = [](StreamWriter& w) {
        w.Write("data: first\n\n");
        w.Wait(60000);  // silent until the server stops
        return false;
      };
      return r;
    });
    ASSERT_OK(server_->Start());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override { server_->Stop(); }

  HttpExchange Fetch(HttpRequest req, std::vector<std::string>* chunks = nullptr) {
    CurlTransport t;
    std::optional<HttpExchange> out;
    HttpTransport::DataFn on_data;
    if (chunks) on_data = [chunks](int, std::string_view c, double) { chunks->emplace_back(c); };
    t.Start(std::move(req), on_data, [&](HttpExchange ex) { out = std::move(ex); });
    t.Run();
    EXPECT_TRUE(out.has_value());
    return out ? *out : HttpExchange{};
  }

  HttpRequest Get(const std::string& path) {
    HttpRequest r;
    r.method = "GET";
    r.url = base_ + path;
    r.timeout_ms = 5000;
    return r;
  }

  std::unique_ptr<HttpServer> server_;
  std::string base_;
};

TEST_F(CurlTransportTest, OkWithHeadersTimingsAndVersion) {
  HttpRequest req = Get("/ok");
  req.headers = {{"Authorization", "Bearer sk-test"}};
  HttpExchange ex = Fetch(req);
  ASSERT_TRUE(ex.transport_ok()) << ex.error_detail;
  EXPECT_EQ(ex.status, 200);
  EXPECT_EQ(ex.body, "{\"ok\":true}");
  EXPECT_EQ(*FindHeader(ex.headers, "X-Saw-Auth"), "yes");
  EXPECT_EQ(ex.http_version, "1.1");
  EXPECT_GT(ex.timings.total_ms, 0);
  EXPECT_GE(ex.timings.total_ms, ex.timings.ttfb_ms);
  EXPECT_GT(ex.start_unix_ms, 0);
}

// A name that starts with "127." is not loopback: the proxy from the environment applies to it
// (and answers for it here), while a loopback literal still bypasses the proxy.
TEST_F(CurlTransportTest, OnlyLoopbackLiteralsBypassTheProxy) {
  HttpServer proxy{HttpServerOptions{}};
  std::vector<std::string> seen;
  std::mutex mu;
  proxy.SetFallback([&](const ServerRequest& req) {
    std::lock_guard<std::mutex> lock(mu);
    const std::string* host = req.Header("host");
    seen.push_back(host ? *host : "?");
    return ServerResponse::Make(200, "text/plain", "via-proxy");
  });
  ASSERT_OK(proxy.Start());
  std::string proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());
  ::setenv("http_proxy", proxy_url.c_str(), 1);
  ::unsetenv("no_proxy");
  ::unsetenv("NO_PROXY");
  for (const char* host : {"127.0.0.1.invalid", "127.evil.invalid"}) {
    HttpRequest req = Get("/ok");
    req.url = std::string("http://") + host + ":8080/v1/chat/completions";
    HttpExchange ex = Fetch(req);
    EXPECT_TRUE(ex.transport_ok()) << host << ": " << ex.error_detail;
    EXPECT_EQ(ex.body, "via-proxy") << host;
  }
  HttpExchange direct = Fetch(Get("/ok"));
  ::unsetenv("http_proxy");
  proxy.Stop();
  EXPECT_EQ(direct.body, "{\"ok\":true}") << "a loopback literal never goes through the proxy";
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen, (std::vector<std::string>{"127.0.0.1.invalid:8080", "127.evil.invalid:8080"}));
}

TEST_F(CurlTransportTest, PostsTheBody) {
  HttpRequest req = Get("/echo");
  req.method = "POST";
  req.body = "{\"model\":\"m\"}";
  HttpExchange ex = Fetch(req);
  EXPECT_EQ(ex.status, 201);
  EXPECT_EQ(ex.body, req.body);
}

TEST_F(CurlTransportTest, RedirectIsNotFollowedAndNamesTheLocation) {
  HttpExchange ex = Fetch(Get("/redirect"));
  EXPECT_TRUE(ex.transport_ok());
  EXPECT_EQ(ex.status, 301);
  EXPECT_EQ(ex.location, "https://elsewhere.example/");
}

TEST_F(CurlTransportTest, TimeoutIsBoundedAndSaysWhichPhase) {
  HttpRequest req = Get("/hang");
  req.timeout_ms = 300;
  HttpExchange ex = Fetch(req);
  EXPECT_EQ(ex.error, TransportError::kTimeout);
  EXPECT_NE(ex.error_detail.find("but no response within 300 ms"), std::string::npos)
      << ex.error_detail;
  EXPECT_LT(ex.latency_ms(), 5000);
}

TEST_F(CurlTransportTest, BodyCapStopsReading) {
  HttpRequest req = Get("/big");
  req.max_body_bytes = 1 << 20;
  HttpExchange ex = Fetch(req);
  EXPECT_EQ(ex.error, TransportError::kBodyTooLarge);
  EXPECT_LE(ex.body.size(), 1u << 20);
  EXPECT_EQ(ex.status, 200);
}

TEST_F(CurlTransportTest, ConnectionClosedMidBodyIsAReset) {
  HttpExchange ex = Fetch(Get("/reset"));
  EXPECT_EQ(ex.error, TransportError::kReset) << ex.error_detail;
  EXPECT_NE(ex.error_detail.find("closed mid-response"), std::string::npos);
}

TEST_F(CurlTransportTest, StalledStreamEndsAtTheIdleTimeout) {
  HttpRequest req = Get("/stall");
  req.idle_timeout_ms = 300;
  req.timeout_ms = 10000;
  std::vector<std::string> chunks;
  HttpExchange ex = Fetch(req, &chunks);
  EXPECT_EQ(ex.error, TransportError::kIdleTimeout);
  EXPECT_EQ(ex.status, 200);
  EXPECT_EQ(ex.body, "data: first\n\n");
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_LT(ex.latency_ms(), 5000);
}

TEST_F(CurlTransportTest, RefusedConnectionIsClassified) {
  // A port that was free a moment ago: bind, read the port, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  HttpRequest req;
  req.method = "GET";
  req.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
  HttpExchange ex = Fetch(req);
  EXPECT_EQ(ex.error, TransportError::kConnect);
  EXPECT_NE(ex.error_detail.find("cannot connect to 127.0.0.1:"), std::string::npos)
      << ex.error_detail;
}

TEST_F(CurlTransportTest, UnusableUrlIsClassified) {
  HttpRequest req;
  req.url = "ftp://127.0.0.1/x";
  EXPECT_EQ(Fetch(req).error, TransportError::kBadUrl);
}

TEST_F(CurlTransportTest, RequestsRunConcurrentlyOnOneLoop) {
  CurlTransport t;
  int done = 0;
  double start = t.NowMs();
  for (int i = 0; i < 4; ++i)
    t.Start(Get("/slow"), nullptr, [&](HttpExchange ex) { done += ex.status == 200; });
  t.Run();
  double elapsed = t.NowMs() - start;
  EXPECT_EQ(done, 4);
  // Four 400 ms answers: about 400 ms together, 1600 ms one after another.
  EXPECT_LT(elapsed, 1200);
}

TEST_F(CurlTransportTest, TimersRunAndCancelEndsEverything) {
  CurlTransport t;
  std::optional<HttpExchange> out;
  bool timer_ran = false;
  t.After(50, [&] {
    timer_ran = true;
    t.Cancel();
  });
  t.Start(Get("/hang"), nullptr, [&](HttpExchange ex) { out = std::move(ex); });
  t.Run();
  EXPECT_TRUE(timer_ran);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->error, TransportError::kCancelled);
}

}  // namespace
}  // namespace rollgate::internal

namespace rollgate::internal {
namespace {

TEST_F(CurlTransportTest, MaxInFlightQueuesAndTimesFromLaunch) {
  CurlTransport t;
  t.SetMaxInFlight(2);
  std::vector<HttpExchange> done;
  double start = t.NowMs();
  for (int i = 0; i < 4; ++i)
    t.Start(Get("/slow"), nullptr, [&](HttpExchange ex) { done.push_back(std::move(ex)); });
  t.Run();
  double elapsed = t.NowMs() - start;
  ASSERT_EQ(done.size(), 4u);
  // Two waves of two 400 ms answers: about 800 ms, never about 400.
  EXPECT_GE(elapsed, 780);
  for (const auto& ex : done) {
    EXPECT_EQ(ex.status, 200);
    EXPECT_LT(ex.latency_ms(), 700) << "queueing time leaked into the request's latency";
  }
}

}  // namespace
}  // namespace rollgate::internal
