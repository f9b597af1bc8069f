// How a gate run in flight is cancelled from another thread: serve's run_timeout watchdog and
// its shutdown call Cancel(); the run registers what cancelling means for it (its calls, its
// backoffs, its commands) with SetCancel().
#pragma once

#include <atomic>
#include <functional>
#include <mutex>

namespace rollgate::internal {

/// Cancels a run in flight from another thread. Thread-safe.
class RunControl {
 public:
  /// Registers how to cancel the current run (its transport's Cancel()). When Cancel() has
  /// already been called, `fn` runs at once.
  void SetCancel(std::function<void()> fn);
  /// Forgets the function; call before the object it refers to is destroyed.
  void ClearCancel();
  /// `signal`: the signal that stops serve (SIGTERM, ...), or 0 for the run_timeout watchdog.
  void Cancel(int signal = 0);
  bool cancelled() const;
  /// The signal of the first Cancel(); readable from the cancel function itself.
  int signal() const { return signal_.load(); }
  /// Ready for the next run.
  void Reset();

 private:
  mutable std::mutex mu_;
  std::function<void()> cancel_;
  bool cancelled_ = false;
  std::atomic<int> signal_{0};
};

}  // namespace rollgate::internal
