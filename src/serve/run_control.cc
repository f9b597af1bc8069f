#include "serve/run_control.h"

namespace rollgate::internal {

void RunControl::SetCancel(std::function<void()> fn) {
  std::unique_lock<std::mutex> lock(mu_);
  if (cancelled_) {
    lock.unlock();
    if (fn) fn();
    return;
  }
  cancel_ = std::move(fn);
}

void RunControl::ClearCancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancel_ = nullptr;
}

void RunControl::Cancel(int signal) {
  // Called under mu_ so ClearCancel() cannot destroy the target while the call is running.
  std::lock_guard<std::mutex> lock(mu_);
  if (!cancelled_) signal_ = signal;
  cancelled_ = true;
  if (cancel_) cancel_();
}

bool RunControl::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

void RunControl::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = false;
  signal_ = 0;
  cancel_ = nullptr;
}

}  // namespace rollgate::internal
