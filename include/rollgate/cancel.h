// One cancellation path for every run (gate, check, drill, rehearse, serve's runs): the caller
// owns a CancelToken and hands it to the library through the run's options; whoever decides
// the run must stop (the CLI's signal thread, serve's shutdown or watchdog) calls Cancel().
// Everything that waits in the library waits on the token: the libcurl loop and its retry
// backoffs (through a wake-up callback), child processes (their whole process group is ended),
// the drill's settle polling. The library never installs a signal handler itself.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace rollgate {

/// Thread-safe. Cancels once: the first Cancel() wins and later calls change nothing.
class CancelToken {
 public:
  using Callback = std::function<void()>;

  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  /// Cancels, recording `signal` (SIGINT, SIGTERM, SIGHUP; 0 when no signal asked for it, as
  /// serve's run_timeout watchdog). Runs every registered callback on the calling thread, then
  /// wakes every WaitFor(). Returns true when this call cancelled, false when already cancelled.
  bool Cancel(int signal = 0);

  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  /// The signal passed to the first Cancel(); 0 when none (or not cancelled).
  int signal() const { return signal_.load(std::memory_order_acquire); }

  /// Sleeps `ms` unless cancelled first. Returns true when cancelled (at once if it already
  /// was), false when the whole time passed.
  bool WaitFor(double ms) const;

  /// Registers `fn` to run once, on the cancelling thread, when Cancel() is called; at once
  /// (on this thread) when the token is already cancelled. `fn` must be quick and must not call
  /// back into this token's registration functions. Returns an id for RemoveCallback.
  uint64_t AddCallback(Callback fn);
  /// Forgets a callback. When it returns, the callback is not running and will never run.
  void RemoveCallback(uint64_t id);

 private:
  std::atomic<bool> cancelled_{false};
  std::atomic<int> signal_{0};
  mutable std::mutex mu_;  // guards callbacks_ and next_id_; held while callbacks run
  mutable std::condition_variable cv_;
  std::map<uint64_t, Callback> callbacks_;
  uint64_t next_id_ = 1;
};

/// A callback registered for a scope (RAII). A null token registers nothing.
class CancelRegistration {
 public:
  CancelRegistration(CancelToken* token, CancelToken::Callback fn);
  ~CancelRegistration();
  CancelRegistration(const CancelRegistration&) = delete;
  CancelRegistration& operator=(const CancelRegistration&) = delete;

 private:
  CancelToken* token_;
  uint64_t id_ = 0;
};

/// "SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE", else "signal N"; "" for 0.
std::string SignalName(int signal);

}  // namespace rollgate
