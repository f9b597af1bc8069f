// What the mock saw a client do on the wire: who it says it is, the shape of its requests, how
// often it retried each status, whether it waited as long as a Retry-After asked, and when it
// hung up on a stalled answer. The rehearsal reads these to judge an app's own client by what
// it did rather than by what its configuration declares.
//
// Nothing here holds a secret or a prompt: a bearer token is kept only as its fingerprint
// (KeyFingerprint), a body only as its top-level field names, headers only as their names
// (User-Agent and the X-Stainless-* identity headers are the exception: their values are the
// client's identity, and the SDKs send nothing secret in them).
//
// All times are milliseconds on the provider's own monotonic clock, counted from the moment it
// was constructed (MockProvider::now_ms() reads the same clock), so a caller in the same
// process can relate them to events of its own, such as the moment it cut a connection.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rollgate/mock.h"

namespace rollgate::mock {

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
  ClientIdentity client;
  RequestShape request;  // empty for requests that are not chat completions

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
  int64_t requests = 0;                      // every selected request
  std::vector<ClientIdentity> clients;       // each distinct identity, first seen first
  std::vector<RequestShape> request_shapes;  // each distinct chat request shape, first seen first
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

/// Which requests to read. Empty members match everything; set members must all match.
struct ObservationQuery {
  std::string session;            // requests under /_session/<session>/ only
  std::string key;                // requests with this bearer token (compared by fingerprint)
  std::string key_fingerprint;    // the same by fingerprint ("sha256:…"), as GET takes it
  std::string client_request_id;  // requests with this X-Client-Request-Id

  // One-member queries (designated initializers trip -Wmissing-field-initializers in g++ 12).
  static ObservationQuery Session(std::string name) {
    ObservationQuery q;
    q.session = std::move(name);
    return q;
  }
  static ObservationQuery Key(std::string key) {
    ObservationQuery q;
    q.key = std::move(key);
    return q;
  }
  static ObservationQuery ClientRequestId(std::string id) {
    ObservationQuery q;
    q.client_request_id = std::move(id);
    return q;
  }
};

/// The JSON form GET /_mock/observations serves (docs/mock.md), one line.
std::string ObservationsJson(const Observations& observations);

}  // namespace rollgate::mock
