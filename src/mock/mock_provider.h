// The embedded OpenAI-compatible mock provider (`rollgate mock`, the demo, the tests and
// `rollgate rehearse`). It speaks the Chat Completions wire format from the provider's side,
// reproduces CometAPI's documented quirks (flavor cometapi) or OpenAI's behaviour (flavor
// openai), and can inject every fault scenario rollgate must catch.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mock/observations.h"
#include "rollgate/mock.h"
#include "rollgate/status.h"

namespace rollgate::mock {

/// Counters the tests and `rollgate rehearse` read to prove retry behaviour; GET /_mock/stats
/// serves them (contract/mock_control_body.h).
using internal::MockStats;

/// The requests a handler failed on: it threw, and the client got a 500 or a closed
/// connection. Counted whether or not MockOptions::on_error is set, so that an owner that sets
/// none (the rehearsal, the tests) still sees them.
struct HandlerErrors {
  int64_t count = 0;
  std::string last;  // the last one as on_error had it: "<METHOD> <path>: <what threw>"

  /// "" when there were none, else one line for a report: "the mock failed 2 requests (a
  /// handler threw; the last: GET /x: the handler threw: ...)".
  std::string Summary() const;
};

class MockProvider {
 public:
  explicit MockProvider(MockOptions options);
  ~MockProvider();  // Stop()s
  MockProvider(const MockProvider&) = delete;
  MockProvider& operator=(const MockProvider&) = delete;

  /// Validates the options (unknown scenario, bad host), binds and starts serving on background
  /// threads. When it returns OK the socket is listening and port() is valid. Fails with
  /// InvalidArgument naming the bad scenario and listing the valid ones, or for negative
  /// durations/counts, or for primary-model-down with neither down_models nor models; with
  /// IoError when host:port cannot be bound. A provider starts at most once.
  Status Start();
  /// Stops accepting, wakes handlers that are waiting (slow, stall scenarios), joins. Idempotent
  /// and bounded in time.
  void Stop();

  int port() const;
  /// "http://127.0.0.1:PORT" (the configured host; an IPv6 host is bracketed).
  std::string base_url() const;
  MockStats stats() const;
  /// Clears the counters, and with them flaky-5xx's per-probe attempt counts and every
  /// observation.
  void ResetStats();

  /// A session groups one client's requests so that its observations can be read apart from
  /// every other client's, whatever key or headers it sends: point the client's base URL at
  /// the URL this returns ("http://127.0.0.1:PORT/_session/<name>"), and the mock serves the
  /// usual paths under it (<url>/v1/chat/completions, <url>/v1/models), records them under
  /// `name`, and answers them with scenario_for_session[name] when set. Sessions need no
  /// opening to work; this only checks the name (1 to 64 of A-Z a-z 0-9 . _ -) and builds the
  /// URL. Fails with InvalidArgument for a bad name, Internal before Start().
  Result<std::string> OpenSession(const std::string& name) const;

  /// What the requests `query` selects showed of their client (observations.h); the default
  /// query selects everything. GET /_mock/observations serves the same as JSON, with the query
  /// as parameters (session, key_fingerprint, client_request_id).
  Observations observations(const ObservationQuery& query = {}) const;

  /// Now, in milliseconds on the clock every observation's times are on (since construction).
  int64_t now_ms() const;

  /// What the handlers failed on so far (see HandlerErrors).
  HandlerErrors handler_errors() const;

  /// Test hook: before Start(), makes GET `path` a route whose handler throws.
  void TEST_AddThrowingRoute(const std::string& path);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rollgate::mock
