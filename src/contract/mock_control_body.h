// The bodies of the mock provider's own control endpoints (docs/mock.md): GET
// /_mock/observations, GET /_mock/stats and the model list of GET /v1/models, with the plain
// values they are written from. The mock (mock/observer.h, mock/mock_provider.cc) fills the
// values; this file is their one JSON form.
//
// What the observations hold: what the mock saw a client do on the wire: who it says it is,
// the shape of its requests, how often it retried each status, whether it waited as long as a
// Retry-After asked, and when it hung up on a stalled answer. Nothing here holds a secret or a
// prompt: a bearer token is kept only as its fingerprint, a body only as its top-level field
// names, headers only as their names (User-Agent and the X-Stainless-* identity headers are the
// exception: their values are the client's identity, and the SDKs send nothing secret in them).
//
// All times are milliseconds on the provider's own monotonic clock, counted from the moment it
// was constructed (MockProvider::now_ms() reads the same clock), so a caller in the same
// process can relate them to events of its own, such as the moment it cut a connection.
// Unknown times and counts (-1, nullopt) are written as null, never as a sentinel number.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rollgate/mock.h"

namespace rollgate::internal {

// ClientIdentity and RequestShape are in rollgate/mock.h: the rehearsal's public report
// carries them.

/// Where the mock held an answer back to see what the client would do.
enum class StallKind {
  kNone,
  kHeaders,  // before the status line (slow, stall-headers)
  kBody,     // after the headers, in the middle of a plain body (stall-mid-body, slow-body)
  kStream,   // in the middle of a stream (stream-stall, stall-mid-body on a stream, pacing)
};

/// "none", "headers", "body", "stream".
const char* StallKindName(StallKind kind);

/// One request the mock received.
struct ObservedAttempt {
  int64_t seq = 0;          // 1-based arrival order across the whole provider
  int64_t arrived_ms = -1;  // when its request had been read
  /// When its answer had been sent (a plain body) or begun (a stream); -1 when none was.
  int64_t answered_ms = -1;
  /// Since the previous request of the same client (same X-Client-Request-Id, or both without
  /// one) in the same selection was answered; -1 for the first. Filled in by a query.
  int64_t delay_ms = -1;
  std::string session;            // "" outside a session
  std::string key_fingerprint;    // "sha256:…" of the bearer token; "" when none was sent
  std::string client_request_id;  // X-Client-Request-Id; "" when none was sent
  std::string method;
  std::string path;      // without the session prefix: "/v1/chat/completions"
  std::string scenario;  // the scenario that answered it
  int status = 0;        // the status line sent; 0 when none was (a stall before the headers)
  /// The key this attempt counts under in Observations::attempts: the status ("401") or
  /// "timeout" when the scenario stalled the answer.
  std::string outcome;
  int retry_count = -1;         // X-Stainless-Retry-Count; -1 when not sent
  int declared_timeout_s = -1;  // X-Stainless-Timeout; -1 when not sent
  /// The wait the answer asked for before a retry (retry-after-ms, else Retry-After); -1: none.
  int64_t retry_after_ms = -1;
  mock::ClientIdentity client;
  mock::RequestShape request;  // empty for requests that are not chat completions

  StallKind stall = StallKind::kNone;
  int64_t stall_started_ms = -1;
  int64_t stall_limit_ms = -1;  // how long the mock would hold it (slow_ms)
  /// When the client closed (or reset) the connection before the answer was complete; -1 when
  /// it did not, or when the mock could not tell.
  int64_t client_closed_ms = -1;
  bool complete = false;  // the whole answer went out
};

/// How a client's own timeout met one kind of stall.
struct ClientTimeout {
  int stalls = 0;   // attempts the mock stalled this way
  int hung_up = 0;  // of those, how many the client ended by closing the connection
  /// Per hang-up, from the stall's start to the close, in arrival order.
  std::vector<int64_t> hung_up_after_ms;
  /// The first hang-up's delay: the client's timeout for this kind, as measured. nullopt when
  /// the client never hung up (it waited out every stall: it has no timeout of this kind).
  std::optional<int64_t> timeout_ms;
  int64_t stall_limit_ms = -1;  // how long the mock held its stalls (the longest)
};

/// One answer that asked the client to wait, and what the client did.
struct RetryAfterWait {
  int64_t asked_ms = 0;   // retry-after-ms, or Retry-After in milliseconds
  int64_t waited_ms = 0;  // from that answer to the client's next attempt
};

/// Everything the mock saw from the requests a query selected.
struct Observations {
  int64_t requests = 0;                       // every selected request
  std::vector<mock::ClientIdentity> clients;  // each distinct identity, first seen first
  /// Each distinct chat request shape, first seen first.
  std::vector<mock::RequestShape> request_shapes;
  /// Chat requests by ObservedAttempt::outcome: {"200": 1, "401": 4, "timeout": 2}.
  std::map<std::string, int64_t> attempts;
  /// Answers that asked for a wait and were followed by another attempt of the same client.
  std::vector<RetryAfterWait> retry_after_waits;
  /// Whether every one of those waits lasted at least as long as asked (less a 50 ms
  /// allowance for timers); nullopt when there was none.
  std::optional<bool> retry_after_honoured;
  ClientTimeout headers_timeout;     // stalls before the status line
  ClientTimeout body_timeout;        // stalls in a plain body
  ClientTimeout stream_timeout;      // stalls in a stream
  std::vector<ObservedAttempt> log;  // every selected request, in arrival order
};

/// The JSON form GET /_mock/observations serves (docs/mock.md), one line.
std::string ObservationsJson(const Observations& observations);

/// Counters the tests and `rollgate rehearse` read to prove retry behaviour. Every request
/// counts except GET /_mock/stats itself, which serves these counters (StatsJson).
struct MockStats {
  int64_t requests_total = 0;
  std::map<int, int64_t> by_status;                     // HTTP status -> responses
  std::map<std::string, int64_t> by_client_request_id;  // X-Client-Request-Id -> requests
};

/// {"requests_total":N,"by_status":{"200":N},"by_client_request_id":{"<id>":N}}, one line.
std::string StatsJson(const MockStats& stats);

/// GET /v1/models: {"object":"list","data":[{"id":..,"object":"model","created":..,
/// "owned_by":"openai"}, ...]}, one line, the models in the given order.
std::string ModelListJson(const std::vector<std::string>& model_ids);

}  // namespace rollgate::internal
