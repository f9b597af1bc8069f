#include "run/counting_transport.h"

namespace rollgate::internal {

void CountingTransport::Start(HttpRequest request, DataFn on_data, DoneFn on_done) {
  ++pending_;
  shared_->Start(
      std::move(request), std::move(on_data), [this, done = std::move(on_done)](HttpExchange ex) {
        done(std::move(ex));  // may start the next attempt (a retry, a fallback) through this view
        Finished();
      });
}

void CountingTransport::After(double delay_ms, TimerFn fn) {
  ++pending_;
  shared_->After(delay_ms, [this, fn = std::move(fn)] {
    fn();
    Finished();
  });
}

void CountingTransport::Finished() {
  if (--pending_ == 0 && on_idle_) on_idle_();  // the last use of `this`: on_idle may free it
}

}  // namespace rollgate::internal
