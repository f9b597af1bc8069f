// The embedded OpenAI-compatible mock provider as a process runs it (the `rollgate mock`
// command; docs/mock.md): its options, and a handle to start and stop it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rollgate/status.h"

namespace rollgate::mock {

// What the mock saw a client say and send (contract/mock_control_body.h has the rest of what it
// saw; nothing here holds a secret or a prompt).

/// Who the client says it is. Stainless-generated SDKs (the official OpenAI SDKs among them)
/// send X-Stainless-Package-Version, -Lang, -Runtime, -Runtime-Version and -OS on every
/// request; other clients only a User-Agent.
struct ClientIdentity {
  std::string user_agent;  // as sent ("OpenAI/JS 6.49.0"); "" when none was sent
  /// With the Stainless headers: the User-Agent's product name ("OpenAI/JS"). Without them:
  /// the name of the User-Agent's last product token ("curl", "libcurl").
  std::string sdk;
  /// X-Stainless-Package-Version ("6.49.0"), else the version of that product token.
  std::string sdk_version;
  std::string language;  // X-Stainless-Lang ("js", "python"); "" when not sent
  /// X-Stainless-Runtime and -Runtime-Version ("node v20.20.2"); "" when not sent.
  std::string runtime;
  std::string os;  // X-Stainless-OS ("Linux"); "" when not sent

  bool operator==(const ClientIdentity&) const = default;
};

/// The shape of one Chat Completions request.
struct RequestShape {
  std::vector<std::string> fields;   // the JSON body's top-level field names, sorted
  std::vector<std::string> headers;  // header names, lower-cased, sorted, unique; never values
  std::string model;                 // "" when the body names none
  bool stream = false;
  bool stream_options_include_usage = false;
  /// "max_tokens", "max_completion_tokens", "both", or "" when the body has neither.
  std::string token_field;

  bool operator==(const RequestShape&) const = default;
};

/// kCometApi: CometAPI's gateway quirks (FACTS.md §1): errors typed comet_api_error with the
/// request id inside the message, no x-request-id header, 503 for unknown models, 500 for a
/// missing `messages`, 301 for wrong paths, dated model snapshots, extra usage fields.
/// kOpenAi: OpenAI's behaviour (FACTS.md §2, §3): x-request-id on every response, 404 for
/// unknown models and paths, 400 for bad requests.
enum class Flavor { kCometApi, kOpenAi };

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
  /// route only, never a request body (HttpServerOptions::on_error). `rollgate mock` and
  /// `rollgate demo` print it to stderr. Set or not, the provider counts them
  /// (MockProvider::handler_errors(), which `rollgate rehearse` adds to the row of the mode they
  /// happened in).
  std::function<void(const std::string& message)> on_error;
};

/// Every scenario name `--scenario` accepts, in a stable order.
const std::vector<std::string>& ScenarioNames();

/// Parses "cometapi" / "openai".
Result<Flavor> ParseFlavor(const std::string& name);

class MockProvider;

/// A running mock, started from a listen address as an operator gives it.
class MockServer {
 public:
  /// `listen` is HOST:PORT with a literal address (port 0: a free one); it overrides
  /// options.host/port. InvalidArgument names --listen when it is not a literal; IoError when
  /// the port cannot be bound.
  static Result<std::unique_ptr<MockServer>> Start(const std::string& listen, MockOptions options);
  ~MockServer();  // Stop()s
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  std::string base_url() const;
  /// The host when it is not a loopback literal ("" otherwise), for the caller to warn about.
  const std::string& beyond_loopback() const { return beyond_loopback_; }
  void Stop();

 private:
  explicit MockServer(std::unique_ptr<MockProvider> provider);
  std::unique_ptr<MockProvider> provider_;
  std::string beyond_loopback_;
};

}  // namespace rollgate::mock
