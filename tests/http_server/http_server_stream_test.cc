// Streamed bodies, delays, concurrency and Stop() interrupting them.
#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http_server/http_server.h"
#include "http_server/http_server_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/test_http_client.h"
#include "testutil/wait_until.h"

namespace rollgate::internal {
namespace {

using ::rollgate::testing::ElapsedMs;
using ::rollgate::testing::HttpGet;
using ::rollgate::testing::TestResponse;
using ::rollgate::testing::WaitUntil;

class HttpServerStreamTest : public HttpServerTest {};

TEST_F(HttpServerStreamTest, ChunkedStreamArrivesPieceByPiece) {
  HttpServer& s = Make();
  s.Handle("GET", "/s", [](const ServerRequest&) {
    ServerResponse r;
    r.content_type = "text/event-stream";
    r.stream = Pieces({"data: 1\n\n", "data: 2\n\n", "data: 3\n\n"}, 150);
    return r;
  });
  ASSERT_OK(s.Start());
  TestResponse r = HttpGet(Url("/s"));
  ASSERT_TRUE(r.transport_ok) << r.error;
  EXPECT_EQ(r.body, "data: 1\n\ndata: 2\n\ndata: 3\n\n");
  ASSERT_NE(r.Header("transfer-encoding"), nullptr);
  EXPECT_EQ(*r.Header("transfer-encoding"), "chunked");
  ASSERT_GE(r.chunks.size(), 3u);
  EXPECT_EQ(r.chunks.front().data, "data: 1\n\n");
  // Two 150 ms gaps: the first piece must arrive well before the last one.
  EXPECT_GT(r.chunks.back().at_ms - r.chunks.front().at_ms, 250);
}

// httplib 0.11.4 gzips chunked JSON bodies (and non-exact event-stream types) for clients that
// accept gzip, with a compressor that only emits at the end. The adapter must prevent that.
TEST_F(HttpServerStreamTest, StreamsAreNeverCompressedEvenWhenTheClientAcceptsGzip) {
  HttpServer& s = Make();
  const std::vector<std::string> types = {"text/event-stream", "text/event-stream; charset=utf-8",
                                          "application/json"};
  for (std::size_t i = 0; i < types.size(); ++i) {
    s.Handle("GET", "/" + std::to_string(i), [type = types[i]](const ServerRequest&) {
      ServerResponse r;
      r.content_type = type;
      r.stream = Pieces({"data: {\"a\":1}\n\n", "data: {\"a\":2}\n\n", "data: [DONE]\n\n"}, 150);
      return r;
    });
  }
  ASSERT_OK(s.Start());
  for (std::size_t i = 0; i < types.size(); ++i) {
    SCOPED_TRACE(types[i]);
    TestResponse r = HttpGet(Url("/" + std::to_string(i)), {"Accept-Encoding: gzip, deflate, br"});
    ASSERT_TRUE(r.transport_ok) << r.error;
    EXPECT_EQ(r.Header("content-encoding"), nullptr);
    EXPECT_EQ(r.body, "data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n");
    ASSERT_GE(r.chunks.size(), 3u);
    EXPECT_EQ(r.chunks.front().data, "data: {\"a\":1}\n\n");
    EXPECT_GT(r.chunks.back().at_ms - r.chunks.front().at_ms, 250);
  }
}

TEST_F(HttpServerStreamTest, PlainBodiesAreNeverCompressedAndTheHandlerStillSeesAcceptEncoding) {
  HttpServer& s = Make();
  std::atomic<bool> saw_accept_encoding{false};
  s.Handle("GET", "/j", [&](const ServerRequest& r) {
    saw_accept_encoding = r.Header("accept-encoding") != nullptr;
    return ServerResponse::Make(200, "application/json", std::string(4000, ' ') + "{}");
  });
  ASSERT_OK(s.Start());
  TestResponse r = HttpGet(Url("/j"), {"Accept-Encoding: gzip, deflate, br"});
  EXPECT_EQ(r.Header("content-encoding"), nullptr);
  EXPECT_EQ(r.body.size(), 4002u);
  EXPECT_TRUE(saw_accept_encoding);
}

TEST_F(HttpServerStreamTest, DeclaredLengthStreamCanAbortMidBody) {
  HttpServer& s = Make();
  s.Handle("GET", "/cut", [](const ServerRequest&) {
    ServerResponse r;
    r.content_type = "application/json";
    r.stream_length = 100;
    r.stream = [](StreamWriter& w) {
      w.Write(std::string(50, 'a'));
      return false;  // "reset" after half
    };
    return r;
  });
  ASSERT_OK(s.Start());
  TestResponse r = HttpGet(Url("/cut"));
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.transport_ok);
  EXPECT_EQ(r.curl_code, CURLE_PARTIAL_FILE) << r.error;
  ASSERT_NE(r.Header("content-length"), nullptr);
  EXPECT_EQ(*r.Header("content-length"), "100");
  EXPECT_EQ(r.body.size(), 50u);
}

TEST_F(HttpServerStreamTest, DeclaredLengthStreamThatEndsShortIsAnAbortToo) {
  HttpServer& s = Make();
  s.Handle("GET", "/short", [](const ServerRequest&) {
    ServerResponse r;
    r.stream_length = 10;
    r.stream = [](StreamWriter& w) {
      EXPECT_FALSE(w.Write(std::string(11, 'x')));  // beyond the declared length: refused
      return w.Write("12345");                      // returns true, but 5 bytes are missing
    };
    return r;
  });
  ASSERT_OK(s.Start());
  TestResponse r = HttpGet(Url("/short"));
  EXPECT_FALSE(r.transport_ok);
  EXPECT_EQ(r.body, "12345");
}

TEST_F(HttpServerStreamTest, ChunkedStreamCanAbortWithoutTheTerminatingChunk) {
  HttpServer& s = Make();
  s.Handle("GET", "/cut", [](const ServerRequest&) {
    ServerResponse r;
    r.content_type = "text/event-stream";
    r.stream = [](StreamWriter& w) {
      w.Write("data: 1\n\n");
      return false;
    };
    return r;
  });
  ASSERT_OK(s.Start());
  TestResponse r = HttpGet(Url("/cut"));
  EXPECT_FALSE(r.transport_ok);
  EXPECT_EQ(r.body, "data: 1\n\n");
}

TEST_F(HttpServerStreamTest, DelayHoldsBackTheFirstByte) {
  HttpServer& s = Make();
  s.Handle("GET", "/d", [](const ServerRequest&) {
    ServerResponse r = Ok("late");
    r.delay_ms = 300;
    return r;
  });
  ASSERT_OK(s.Start());
  TestResponse r = HttpGet(Url("/d"));
  EXPECT_EQ(r.body, "late");
  EXPECT_GE(r.first_byte_ms, 290);
}

TEST_F(HttpServerStreamTest, WorkersServeRequestsConcurrently) {
  HttpServerOptions options;
  options.max_connections = 4;
  HttpServer& s = Make(options);
  s.Handle("GET", "/slow", [](const ServerRequest&) {
    ServerResponse r = Ok("done");
    r.delay_ms = 500;
    return r;
  });
  ASSERT_OK(s.Start());
  std::vector<TestResponse> results(4);
  double ms = ElapsedMs([&] {
    std::vector<std::thread> clients;
    for (auto& result : results) {
      clients.emplace_back([&result, this] { result = HttpGet(Url("/slow")); });
    }
    for (auto& c : clients) c.join();
  });
  for (const auto& r : results) EXPECT_EQ(r.body, "done");
  EXPECT_LT(ms, 1500) << "4 x 500 ms requests on 4 workers should overlap";
}

TEST_F(HttpServerStreamTest, StopInterruptsADelayPromptly) {
  HttpServer& s = Make();
  std::atomic<bool> entered{false};
  s.Handle("GET", "/d", [&](const ServerRequest&) {
    entered = true;
    ServerResponse r = Ok("never");
    r.delay_ms = 60000;
    return r;
  });
  ASSERT_OK(s.Start());
  TestResponse r;
  std::thread client([&] { r = HttpGet(Url("/d")); });
  ASSERT_TRUE(WaitUntil([&] { return entered.load(); }));
  double stop_ms = ElapsedMs([&] { s.Stop(); });
  client.join();
  EXPECT_LT(stop_ms, 3000);
  EXPECT_NE(r.body, "never");
  if (r.transport_ok) {
    EXPECT_EQ(r.status, 503);
  }
  EXPECT_FALSE(s.running());
}

TEST_F(HttpServerStreamTest, StopInterruptsAStreamWaitingBetweenPieces) {
  HttpServer& s = Make();
  std::atomic<bool> first_sent{false};
  s.Handle("GET", "/stall", [&](const ServerRequest&) {
    ServerResponse r;
    r.content_type = "text/event-stream";
    r.stream = [&](StreamWriter& w) {
      w.Write("data: 1\n\n");
      first_sent = true;
      return w.Wait(60000) && w.Write("data: 2\n\n");
    };
    return r;
  });
  ASSERT_OK(s.Start());
  TestResponse r;
  std::thread client([&] { r = HttpGet(Url("/stall")); });
  ASSERT_TRUE(WaitUntil([&] { return first_sent.load(); }));
  double stop_ms = ElapsedMs([&] { s.Stop(); });
  client.join();
  EXPECT_LT(stop_ms, 3000);
  EXPECT_EQ(r.body, "data: 1\n\n");
  EXPECT_FALSE(r.transport_ok);
}

}  // namespace
}  // namespace rollgate::internal
