#include "http_server/stop_signal.h"

namespace rollgate::internal {

void StopSignal::Trigger() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    triggered_ = true;
  }
  cv_.notify_all();
}

bool StopSignal::triggered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return triggered_;
}

bool StopSignal::WaitFor(std::chrono::milliseconds duration) const {
  std::unique_lock<std::mutex> lock(mu_);
  if (duration.count() <= 0) return !triggered_;
  // wait_for with a predicate absorbs spurious wake-ups and returns the predicate's value.
  return !cv_.wait_for(lock, duration, [this] { return triggered_; });
}

}  // namespace rollgate::internal
