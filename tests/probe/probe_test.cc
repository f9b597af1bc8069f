#include "probe/probe.h"

#include <gtest/gtest.h>

#include "testutil/fake_transport.h"

namespace rollgate::internal {
namespace {

using testing::FakeAnswer;
using testing::FakeTransport;

ProbeOutcome RunOne(FakeTransport* t, ProbeSpec spec) {
  std::optional<ProbeOutcome> out;
  LaunchProbe(
      t, std::move(spec), [] { return 0.0; }, [] { return int64_t{0}; },
      [&](ProbeOutcome o) { out = std::move(o); });
  t->Run();
  EXPECT_TRUE(out.has_value());
  return *out;
}

FakeAnswer Answer(int status, std::string body) {
  FakeAnswer a;
  a.status = status;
  a.body_chunks = {std::move(body)};
  return a;
}

TEST(ProbeTest, RetriesPerPolicyAndKeepsEveryAttempt) {
  FakeTransport t([](const HttpRequest&, int n) {
    return n < 2
               ? Answer(
                     503,
                     R"({"error":{"message":"busy","type":"x","code":"bad_response_status_code"}})")
               : Answer(200, "{}");
  });
  ProbeSpec spec;
  spec.request.url = "http://127.0.0.1:1/v1/chat/completions";
  spec.retry.max_attempts = 3;
  spec.retry.backoff_ms = 500;
  ProbeOutcome o = RunOne(&t, spec);
  ASSERT_EQ(o.attempts.size(), 3u);
  EXPECT_EQ(o.attempts[0].exchange.status, 503);
  EXPECT_TRUE(o.attempts[0].decision.retry);
  EXPECT_EQ(o.last().exchange.status, 200);
  // 10 ms per attempt plus 500 ms and 1000 ms of backoff (jitter pinned to the full value).
  EXPECT_DOUBLE_EQ(o.latency_ms(), 10 + 500 + 10 + 1000 + 10);
}

TEST(ProbeTest, NonRetryableErrorMakesExactlyOneRequest) {
  FakeTransport t([](const HttpRequest&, int) {
    return Answer(
        503,
        R"({"error":{"message":"no channel","type":"comet_api_error","code":"model_not_found"}})");
  });
  ProbeSpec spec;
  spec.request.url = "http://x/v1/chat/completions";
  spec.retry.max_attempts = 5;
  ProbeOutcome o = RunOne(&t, spec);
  EXPECT_EQ(o.attempts.size(), 1u);
  EXPECT_EQ(t.requests.size(), 1u);
  EXPECT_EQ(o.last().error_body->code, "model_not_found");
}

TEST(ProbeTest, StreamIsParsedAsItArrivesWithTimeToFirstToken) {
  FakeTransport t([](const HttpRequest&, int) {
    FakeAnswer a;
    a.headers = {{"content-type", "text/event-stream"}};
    a.latency_ms = 50;
    a.chunk_gap_ms = 30;
    a.body_chunks = {
        "data: "
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
        "\"assistant\",\"content\":\"\"}}]}\n\n",
        "data: "
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
        "\"hi\"}}]}\n\n",
        "data: "
        "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_"
        "reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"};
    return a;
  });
  ProbeSpec spec;
  spec.request.url = "http://x/v1/chat/completions";
  spec.stream = true;
  ProbeOutcome o = RunOne(&t, spec);
  ASSERT_TRUE(o.stream.has_value());
  EXPECT_TRUE(o.stream->problems.empty()) << o.stream->problems[0];
  EXPECT_EQ(o.stream->content, "hi");
  EXPECT_TRUE(o.stream->done_seen);
  EXPECT_DOUBLE_EQ(o.stream->first_content_ms - o.last().exchange.start_ms, 80);
  EXPECT_DOUBLE_EQ(o.stream_max_gap_ms, 30);
}

TEST(ProbeTest, StartedStreamIsNeverRetried) {
  FakeTransport t([](const HttpRequest&, int) {
    FakeAnswer a;
    a.headers = {{"content-type", "text/event-stream"}};
    a.body_chunks = {"data: {\"object\":\"chat.completion.chunk\",\"choices\":[]}\n\n"};
    a.error = TransportError::kReset;
    a.error_detail = "closed";
    return a;
  });
  ProbeSpec spec;
  spec.request.url = "http://x/v1/chat/completions";
  spec.stream = true;
  spec.retry.max_attempts = 3;
  ProbeOutcome o = RunOne(&t, spec);
  EXPECT_EQ(o.attempts.size(), 1u);
}

}  // namespace
}  // namespace rollgate::internal
