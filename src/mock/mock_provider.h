// The embedded OpenAI-compatible mock provider (`rollgate mock`, the demo, the tests and
// `rollgate rehearse`). It speaks the Chat Completions wire format from the provider's side,
// reproduces CometAPI's documented quirks (flavor cometapi) or OpenAI's behaviour (flavor
// openai), and can inject every fault scenario rollgate must catch.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mock/flavor.h"
#include "mock/observations.h"
#include "rollgate/status.h"

namespace rollgate::mock {

struct MockOptions {
  std::string host = "127.0.0.1";   // loopback by default
  int port = 0;                     // 0: the kernel picks a free port; see MockProvider::port()
  std::vector<std::string> keys;    // accepted bearer tokens; empty: any non-empty token
  std::vector<std::string> models;  // known models; empty: any model name is served
  Flavor flavor = Flavor::kCometApi;
  int latency_ms = 0;           // delay before the first byte of every response
  std::string scenario = "ok";  // the default fault scenario (see ScenarioNames())
  std::map<std::string, std::string> scenario_for_key;    // bearer token -> scenario
  std::map<std::string, std::string> scenario_for_model;  // requested model -> scenario
  /// Session name -> scenario, for requests under /_session/<name>/ (see OpenSession()).
  /// Precedence: session, then key, then model, then `scenario`.
  std::map<std::string, std::string> scenario_for_session;
  int flaky_failures = 2;  // flaky-5xx: attempts answered 503 before the first success
  int retry_after_s = 1;   // rate-limited: the Retry-After value sent with the 429
  /// rate-limited: when > 0, the 429 also carries `retry-after-ms: N` (OpenAI's header, which
  /// the official SDKs prefer over Retry-After).
  int retry_after_ms = 0;
  /// slow: delay before answering; slow-body: total trickle time; stream-stall, stall-headers,
  /// stall-mid-body: how long the mock stays silent (unless the client hangs up first) before
  /// it drops the connection.
  int slow_ms = 30000;
  std::vector<std::string> down_models;  // primary-model-down: models answering 503 model_not_found
  /// Connections served at once, a worker thread each (started on demand, ended when idle).
  int threads = 256;
  /// Open connections per client address; 0 (the default): no limit, since a mock's clients
  /// are all on loopback. A connection over it gets a 503 before its request is read.
  int max_connections_per_client = 0;
  /// A request's head and body must arrive within this long of its first byte, or the mock
  /// closes the connection.
  int request_timeout_ms = 10000;
  /// Pause between stream events. 0: back to back (each event is still written and flushed on
  /// its own). Interrupted by Stop().
  int chunk_interval_ms = 0;
  /// Both set: serve HTTPS with this PEM certificate and key (rehearse TLS and ca_file).
  std::string tls_cert_file;
  std::string tls_key_file;
  /// Told (on a worker thread) when a handler throws: "<METHOD> <path>: <what threw>", the
  /// route only, never a request body (HttpServerOptions::on_error). `rollgate mock` prints it
  /// to stderr. Unset: the client's 500 is all there is.
  std::function<void(const std::string& message)> on_error;
};

/// Counters the tests and `rollgate rehearse` read to prove retry behaviour. Every request
/// counts except GET /_mock/stats itself, which serves these counters as JSON:
/// {"requests_total":N,"by_status":{"200":N},"by_client_request_id":{"<id>":N}}.
struct MockStats {
  int64_t requests_total = 0;
  std::map<int, int64_t> by_status;                     // HTTP status -> responses
  std::map<std::string, int64_t> by_client_request_id;  // X-Client-Request-Id -> requests
};

/// Every scenario name `--scenario` accepts, in a stable order.
const std::vector<std::string>& ScenarioNames();

/// Parses "cometapi" / "openai".
Result<Flavor> ParseFlavor(const std::string& name);

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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rollgate::mock
