// CountingTransport: one service's view of the fleet's shared transport. It forwards every
// request and timer and counts those still to finish, so the fleet can check, gate and write a
// service's evidence as soon as its last call is answered, while other services' calls are
// still on the wire (instead of every service waiting for the slowest wave).
//
// Threading: as HttpTransport; every callback runs on the thread running the shared Run().
#pragma once

#include <cstddef>
#include <functional>

#include "probe/http_transport.h"

namespace rollgate::internal {

class CountingTransport : public HttpTransport {
 public:
  /// `on_idle` runs (on the loop thread) when a request's or timer's callback returns and none
  /// of this view's requests or timers is left. REQUIRES: `shared` outlives this object, and
  /// this object outlives every callback it forwarded.
  CountingTransport(HttpTransport* shared, std::function<void()> on_idle)
      : shared_(shared), on_idle_(std::move(on_idle)) {}

  void Start(HttpRequest request, DataFn on_data, DoneFn on_done) override;
  void After(double delay_ms, TimerFn fn) override;
  /// The shared transport's loop is run by its owner, never through a view.
  void Run() override {}
  double NowMs() const override { return shared_->NowMs(); }
  void Cancel() override { shared_->Cancel(); }

  /// Requests and timers started through this view whose callbacks have not returned yet.
  std::size_t pending() const { return pending_; }

 private:
  void Finished();

  HttpTransport* shared_;
  std::function<void()> on_idle_;
  std::size_t pending_ = 0;  // touched only on the loop thread (and before Run() starts)
};

}  // namespace rollgate::internal
