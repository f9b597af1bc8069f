#include "rollgate/cancel.h"

#include <chrono>
#include <csignal>

namespace rollgate {

bool CancelToken::Cancel(int signal) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cancelled_.load(std::memory_order_relaxed)) return false;
    signal_.store(signal, std::memory_order_release);
    cancelled_.store(true, std::memory_order_release);
    // Run under mu_, so RemoveCallback() returning means "not running, never will".
    for (auto& [id, fn] : callbacks_) {
      if (fn) fn();
    }
    callbacks_.clear();
  }
  cv_.notify_all();
  return true;
}

bool CancelToken::WaitFor(double ms) const {
  std::unique_lock<std::mutex> lock(mu_);
  if (ms <= 0) return cancelled();
  auto until = std::chrono::steady_clock::now() +
               std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                   std::chrono::duration<double, std::milli>(ms));
  return cv_.wait_until(lock, until, [&] { return cancelled(); });
}

uint64_t CancelToken::AddCallback(Callback fn) {
  std::unique_lock<std::mutex> lock(mu_);
  if (cancelled()) {
    lock.unlock();
    if (fn) fn();
    return 0;
  }
  uint64_t id = next_id_++;
  callbacks_.emplace(id, std::move(fn));
  return id;
}

void CancelToken::RemoveCallback(uint64_t id) {
  if (id == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  callbacks_.erase(id);
}

CancelRegistration::CancelRegistration(CancelToken* token, CancelToken::Callback fn)
    : token_(token) {
  if (token_) id_ = token_->AddCallback(std::move(fn));
}

CancelRegistration::~CancelRegistration() {
  if (token_) token_->RemoveCallback(id_);
}

std::string SignalName(int signal) {
  switch (signal) {
    case 0:
      return "";
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    case SIGPIPE:
      return "SIGPIPE";
    default:
      return "signal " + std::to_string(signal);
  }
}

}  // namespace rollgate
