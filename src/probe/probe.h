// One probe: a request made with a release's retry policy, every attempt kept. For streaming
// probes the body is parsed as it arrives (SSE framing, chunk assembly, time to first token).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "contract/chat_stream.h"
#include "contract/error_body.h"
#include "probe/http_transport.h"
#include "probe/retry_policy.h"
#include "rollgate/config.h"

namespace rollgate::internal {

struct ProbeSpec {
  HttpRequest request;
  RetryPolicy retry;
  bool stream = false;           // parse the 2xx body as SSE
  bool usage_requested = false;  // include_usage was sent
};

struct Attempt {
  int number = 1;
  HttpExchange exchange;
  std::optional<ErrorBody> error_body;  // parsed from a non-2xx (or error-in-200) body
  RetryDecision decision;               // what happened after this attempt
};

struct ProbeOutcome {
  std::vector<Attempt> attempts;
  double started_ms = 0;
  double finished_ms = 0;
  // Streaming probes: the final attempt's assembled stream.
  std::optional<ChatStream> stream;
  double stream_max_gap_ms = 0;

  const Attempt& last() const { return attempts.back(); }
  double latency_ms() const { return finished_ms - started_ms; }
};

/// Something that picks a number in [0, 1) for backoff jitter; tests pin it.
using JitterFn = std::function<double()>;
JitterFn DefaultJitter();

/// Starts the probe on `transport`; `done` runs (from transport->Run()) after the last attempt.
/// `now_unix_ms` supplies wall time for HTTP-date Retry-After values.
void LaunchProbe(HttpTransport* transport, ProbeSpec spec, JitterFn jitter,
                 std::function<int64_t()> now_unix_ms, std::function<void(ProbeOutcome)> done);

}  // namespace rollgate::internal
