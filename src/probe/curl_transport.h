// HttpTransport on libcurl's multi interface: one event loop for every request of a run.
// With curl_transfer.{h,cc} (one request's easy handle) the only files that include
// <curl/curl.h>.
#pragma once

#include <memory>

#include "probe/http_transport.h"

namespace rollgate::internal {

class CurlTransport : public HttpTransport {
 public:
  CurlTransport();
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  void Start(HttpRequest request, DataFn on_data, DoneFn on_done) override;
  void After(double delay_ms, TimerFn fn) override;
  void Run() override;
  double NowMs() const override;
  void Cancel() override;

  /// At most `n` requests on the wire at once (0: no limit); the rest wait their turn, and
  /// their timings start when they go out.
  void SetMaxInFlight(std::size_t n);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rollgate::internal
