// The HTTP server adapter against slow, idle and excess clients: a deadline per request (head
// and body, however steadily they trickle), a cap per client address, workers that grow with the
// connections, Stop() that does not wait for idle keep-alive clients, and the same over TLS.
#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/subprocess.h"
#include "http_server/http_server.h"
#include "http_server/http_server_fixture.h"
#include "http_server/raw_client.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/test_http_client.h"
#include "testutil/wait_until.h"

namespace rollgate::internal {
namespace {

using ::rollgate::testing::ElapsedMs;
using ::rollgate::testing::HttpGet;
using ::rollgate::testing::RawClient;
using ::rollgate::testing::TempDir;
using ::rollgate::testing::TestResponse;
using ::rollgate::testing::TrickleUntilClosed;
using ::rollgate::testing::WaitUntil;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr char kLimitsHead[] = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";

class HttpServerLimitsTest : public HttpServerTest {
 protected:
  HttpServer& StartHello(HttpServerOptions options) {
    HttpServer& s = Make(std::move(options));
    s.Handle("GET", "/hello", [](const ServerRequest&) { return Ok("hello"); });
    s.Handle("POST", "/echo", [](const ServerRequest& r) { return Ok(r.body); });
    EXPECT_OK(s.Start());
    return s;
  }
};

TEST_F(HttpServerLimitsTest, ARequestTrickledByteByByteIsCutAtItsDeadlineNotPerRead) {
  HttpServerOptions options;
  options.request_timeout_ms = 1000;
  options.read_timeout_s = 5;  // each byte comes well within it: a per-read timeout never fires
  HttpServer& s = StartHello(options);
  auto client = RawClient::Connect(s.port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("GET /hello HTTP/1.1\r\nX-Slow: "));
  ASSERT_TRUE(TrickleUntilClosed({client.get()}, "a", 100ms, 6s)) << "never cut";
  EXPECT_GE(client->open_ms(), 950);
  EXPECT_LT(client->open_ms(), 4000);
  EXPECT_EQ(client->received(), "") << "a cut request gets no answer";
}

TEST_F(HttpServerLimitsTest, ABodyTrickledAfterAPromptHeadIsCutAtTheSameDeadline) {
  HttpServerOptions options;
  options.request_timeout_ms = 1000;
  HttpServer& s = StartHello(options);
  auto client = RawClient::Connect(s.port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n"));
  ASSERT_TRUE(TrickleUntilClosed({client.get()}, "b", 100ms, 6s)) << "never cut";
  EXPECT_GE(client->open_ms(), 950);
  EXPECT_LT(client->open_ms(), 4000);
}

TEST_F(HttpServerLimitsTest, EachKeepAliveRequestGetsAFreshDeadline) {
  HttpServerOptions options;
  options.request_timeout_ms = 1000;
  HttpServer& s = StartHello(options);
  auto client = RawClient::Connect(s.port());
  ASSERT_NE(client, nullptr);
  // Three prompt requests over more than one deadline's time on one connection: each is
  // measured from its own first byte, not from the connection's start.
  auto answers = [&] {
    client->Drain();
    int n = 0;
    for (std::size_t at = client->received().find("hello"); at != std::string::npos;
         at = client->received().find("hello", at + 1)) {
      ++n;
    }
    return n;
  };
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(client->Send(kLimitsHead));
    ASSERT_TRUE(WaitUntil([&] { return answers() == i; }, 5s));
    if (i < 3) {
      ASSERT_FALSE(client->WaitClosed(600ms)) << "the idle wait is not the deadline";
    }
  }
  EXPECT_FALSE(client->closed());
}

TEST_F(HttpServerLimitsTest, TricklingAndIdleConnectionsDoNotStarveOtherClients) {
  HttpServerOptions options;
  options.request_timeout_ms = 4000;
  options.max_connections = 128;
  options.max_connections_per_client = 0;  // all clients are 127.0.0.1; the workers are tested
  HttpServer& s = StartHello(options);
  std::vector<std::unique_ptr<RawClient>> slow;
  std::vector<RawClient*> trickling;
  for (int i = 0; i < 60; ++i) {
    slow.push_back(RawClient::Connect(s.port()));
    ASSERT_NE(slow.back(), nullptr);
    if (i % 3 != 0) {  // two in three trickle a request; the rest stay idle
      ASSERT_TRUE(slow.back()->Send("GET /hello HTTP/1.1\r\nX-Slow: "));
      trickling.push_back(slow.back().get());
    }
  }
  // The first request is answered once the server has taken in all 60 (they connected first);
  // the ones after it are timed.
  TestResponse first;
  std::vector<TestResponse> probes(5);
  RawClient::TimePoint probes_done;
  std::thread prober([&] {
    first = HttpGet(Url("/hello"));
    for (auto& p : probes) p = HttpGet(Url("/hello"));
    probes_done = std::chrono::steady_clock::now();
  });
  bool all_cut = TrickleUntilClosed(trickling, "a", 200ms, 10s);
  prober.join();
  EXPECT_EQ(first.status, 200) << first.error;
  for (const auto& p : probes) {
    EXPECT_EQ(p.status, 200) << p.error;
    EXPECT_LT(p.total_ms, 2000) << "a fresh client waited behind the slow ones";
  }
  EXPECT_TRUE(all_cut);
  for (RawClient* c : trickling) {
    EXPECT_GE(c->open_ms(), 3950);
    EXPECT_LT(probes_done, c->closed_at()) << "the probes ran after the slow clients were gone";
  }
}

TEST_F(HttpServerLimitsTest, AClientAddressOverItsCapGets503WhileOtherAddressesAreServed) {
  HttpServerOptions options;
  options.max_connections_per_client = 2;
  HttpServer& s = StartHello(options);
  // Two connections that have been answered once, and now hold a request half sent.
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(RawClient::Connect(s.port()));
    ASSERT_NE(held.back(), nullptr);
    ASSERT_TRUE(held.back()->Send(kLimitsHead));
    ASSERT_TRUE(held.back()->WaitReceived("hello", 5s));
    ASSERT_TRUE(held.back()->Send("GET /hello HTTP/1.1\r\n"));
  }
  auto third = RawClient::Connect(s.port());
  ASSERT_NE(third, nullptr);
  third->Send(kLimitsHead);
  ASSERT_TRUE(third->WaitClosed(5s));
  EXPECT_THAT(third->received(), StartsWith("HTTP/1.1 503 "));
  EXPECT_THAT(third->received(), HasSubstr("too many open connections from this address"));

  // Another address (all of 127/8 is this host) has its own count.
  auto other = RawClient::Connect(s.port(), "127.0.0.2");
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->Send(kLimitsHead));
  EXPECT_TRUE(other->WaitReceived("hello", 5s));

  // One of the two goes away: its address may connect again.
  held.pop_back();
  EXPECT_TRUE(WaitUntil([&] { return HttpGet(Url("/hello")).status == 200; }, 5s));
}

TEST_F(HttpServerLimitsTest, StopEndsIdleKeepAliveConnectionsAtOnce) {
  HttpServerOptions options;
  options.keep_alive_timeout_s = 30;
  HttpServer& s = StartHello(options);
  auto client = RawClient::Connect(s.port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send(kLimitsHead));
  ASSERT_TRUE(client->WaitReceived("hello", 5s));
  auto trickler = RawClient::Connect(s.port());
  ASSERT_NE(trickler, nullptr);
  ASSERT_TRUE(trickler->Send("GET /hello HTTP/1.1\r\n"));
  double ms = ElapsedMs([&] { s.Stop(); });
  EXPECT_LT(ms, 1500) << "Stop() waited for an idle keep-alive connection";
  EXPECT_TRUE(client->WaitClosed(1s));
  EXPECT_TRUE(trickler->WaitClosed(1s));
}

TEST_F(HttpServerLimitsTest, PipelinedRequestsAreAllAnswered) {
  HttpServer& s = StartHello({});
  auto client = RawClient::Connect(s.port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send(std::string(kLimitsHead) +
                           "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\npong" +
                           kLimitsHead));
  ASSERT_TRUE(WaitUntil(
      [&] {
        client->Drain();
        const std::string& r = client->received();
        return r.find("pong") != std::string::npos && r.rfind("hello") > r.find("pong");
      },
      5s))
      << client->received();
}

TEST_F(HttpServerLimitsTest, BadLimitsAreRejectedBeforeBinding) {
  HttpServerOptions options;
  options.max_connections = 0;
  EXPECT_THAT(HttpServer(options).Start().message(), HasSubstr("max_connections must be"));
  options = {};
  options.max_connections_per_client = -1;
  EXPECT_THAT(HttpServer(options).Start().message(), HasSubstr("max_connections_per_client"));
  options = {};
  options.request_timeout_ms = 0;
  EXPECT_THAT(HttpServer(options).Start().message(), HasSubstr("request_timeout_ms"));
}

// --- TLS --------------------------------------------------------------------------------------

size_t LimitsDiscardBody(char*, size_t size, size_t n, void*) { return size * n; }

// One GET over TLS trusting `ca`; the HTTP status, or 0 when the transfer failed.
long LimitsTlsGet(const std::string& url, const std::string& ca) {
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, LimitsDiscardBody);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  return status;
}

class HttpServerTlsLimitsTest : public HttpServerLimitsTest {
 protected:
  void SetUp() override {
    cert_ = dir_.Join("cert.pem");
    key_ = dir_.Join("key.pem");
    Result<CommandResult> made = RunCommand(
        {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key_, "-out", cert_},
        {});
    ASSERT_OK(made);
    ASSERT_TRUE(made->succeeded()) << made->err;
  }
  HttpServerOptions TlsOptions() const {
    HttpServerOptions options;
    options.tls_cert_file = cert_;
    options.tls_key_file = key_;
    return options;
  }
  std::string TlsUrl(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  TempDir dir_;
  std::string cert_;
  std::string key_;
};

TEST_F(HttpServerTlsLimitsTest, ServesOverTlsAndCutsATrickledHandshakeAtTheDeadline) {
  HttpServerOptions options = TlsOptions();
  options.request_timeout_ms = 1000;
  HttpServer& s = StartHello(options);
  EXPECT_EQ(LimitsTlsGet(TlsUrl("/hello"), cert_), 200);
  auto client = RawClient::Connect(s.port());
  ASSERT_NE(client, nullptr);
  // A handshake record header announcing 256 bytes, then its body a byte at a time.
  ASSERT_TRUE(client->Send(std::string("\x16\x03\x01\x01\x00", 5)));
  ASSERT_TRUE(TrickleUntilClosed({client.get()}, "a", 100ms, 6s));
  EXPECT_GE(client->open_ms(), 900);
  EXPECT_LT(client->open_ms(), 4000);
  EXPECT_EQ(LimitsTlsGet(TlsUrl("/hello"), cert_), 200);
}

TEST_F(HttpServerTlsLimitsTest, AClientOverItsCapIsClosedWithoutAHandshake) {
  HttpServerOptions options = TlsOptions();
  options.max_connections_per_client = 1;
  HttpServer& s = StartHello(options);
  // A handshake under way holds the one place. Which of two connections the server counts
  // first is up to its workers, so a holder that lost the race is replaced until a TLS client
  // is the one turned away.
  std::unique_ptr<RawClient> holder;
  ASSERT_TRUE(WaitUntil(
      [&] {
        if (holder) holder->Drain();
        if (!holder || holder->closed()) {
          holder = RawClient::Connect(s.port());
          if (!holder || !holder->Send(std::string("\x16\x03\x01", 3))) return false;
        }
        return LimitsTlsGet(TlsUrl("/hello"), cert_) == 0 && (holder->Drain(), !holder->closed());
      },
      5s));
  holder.reset();
  EXPECT_TRUE(WaitUntil([&] { return LimitsTlsGet(TlsUrl("/hello"), cert_) == 200; }, 5s));
}

}  // namespace
}  // namespace rollgate::internal
