#include "http_server/client_limiter.h"

namespace rollgate::internal {

bool ClientLimiter::TryAcquire(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  int& open = open_[address];
  if (max_per_client_ > 0 && open >= max_per_client_) return false;
  ++open;
  return true;
}

void ClientLimiter::Release(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(address);
  if (it == open_.end()) return;
  if (--it->second <= 0) open_.erase(it);
}

int ClientLimiter::open(const std::string& address) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

}  // namespace rollgate::internal
