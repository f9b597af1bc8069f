// The seam between probes and the network. One event loop drives every request of a run
// (libcurl's multi interface in CurlTransport), so a gate's wall time is about its slowest
// probe, not the sum. Tests drive probes through a FakeTransport with virtual time instead
// (tests/testutil/fake_transport.h): no sockets, no sleeping.
//
// Threading: everything but Cancel() is called on the thread running Run(); callbacks run on it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/headers.h"
#include "rollgate/report.h"

namespace rollgate::internal {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  Headers headers;  // may carry Authorization: never logged, never in errors
  std::string body;
  int timeout_ms = 20000;  // whole attempt
  int connect_timeout_ms = 5000;
  int idle_timeout_ms = 0;  // >0: longest silence allowed once the response has started
  std::size_t max_body_bytes = 1u << 20;
  std::string ca_file;  // extra CA bundle; empty: the system store
};

enum class TransportError {
  kNone,
  kDns,           // the host name did not resolve
  kConnect,       // refused or unreachable
  kTls,           // handshake or certificate verification failed
  kTimeout,       // timeout_ms elapsed (detail says in which phase)
  kIdleTimeout,   // the response stalled longer than idle_timeout_ms
  kReset,         // the connection closed before the response was complete
  kBodyTooLarge,  // more than max_body_bytes (after decompression)
  kBadEncoding,   // Content-Encoding could not be decoded
  kBadUrl,        // the URL or its scheme is unusable
  kCancelled,     // Cancel() was called (SIGINT during a drill)
  kOther,
};

/// Short machine name for evidence: "dns", "connect_failed", "tls", "timeout", ...
const char* TransportErrorName(TransportError error);

/// Everything one HTTP attempt produced. A value type: probes keep one per attempt.
struct HttpExchange {
  TransportError error = TransportError::kNone;
  std::string error_detail;  // one line a human can act on; never contains credentials
  int status = 0;            // 0 when no status line arrived
  Headers headers;           // the final response's headers
  std::string body;          // at most max_body_bytes
  Timings timings;
  int64_t start_unix_ms = 0;
  double start_ms = 0;        // on the transport's monotonic clock (NowMs)
  double first_byte_ms = -1;  // when the first body or header byte arrived; -1: never
  double end_ms = 0;
  std::string http_version;  // "1.1", "2"
  std::string location;      // the Location header of a redirect, when there was one

  bool transport_ok() const { return error == TransportError::kNone; }
  double latency_ms() const { return end_ms - start_ms; }
};

class HttpTransport {
 public:
  /// Called with each piece of the body as it arrives, with the status already known.
  using DataFn = std::function<void(int status, std::string_view chunk, double at_ms)>;
  using DoneFn = std::function<void(HttpExchange)>;
  using TimerFn = std::function<void()>;

  virtual ~HttpTransport() = default;
  /// Queues a request. `on_done` is called exactly once, from Run(). `on_data` may be empty.
  virtual void Start(HttpRequest request, DataFn on_data, DoneFn on_done) = 0;
  /// Calls `fn` from Run() once `delay_ms` has passed.
  virtual void After(double delay_ms, TimerFn fn) = 0;
  /// Drives requests and timers until none is left.
  virtual void Run() = 0;
  /// Milliseconds on the transport's monotonic clock.
  virtual double NowMs() const = 0;
  /// Thread-safe: ends every in-flight request with kCancelled and drops pending timers' waits
  /// (their callbacks still run, immediately) so Run() returns promptly.
  virtual void Cancel() = 0;
};

}  // namespace rollgate::internal
