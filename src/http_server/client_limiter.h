// Counts the open connections of each client address, so that one client cannot hold every
// connection the server is willing to serve.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

namespace rollgate::internal {

/// Thread-safe.
class ClientLimiter {
 public:
  /// `max_per_client` connections per address; 0 means no limit.
  explicit ClientLimiter(int max_per_client) : max_per_client_(max_per_client) {}
  ClientLimiter(const ClientLimiter&) = delete;
  ClientLimiter& operator=(const ClientLimiter&) = delete;

  /// Counts one more connection from `address` and returns true, or returns false (and counts
  /// nothing) when `address` already holds max_per_client.
  bool TryAcquire(const std::string& address);
  /// Ends a connection TryAcquire() counted.
  void Release(const std::string& address);

  int open(const std::string& address) const;
  int max_per_client() const { return max_per_client_; }

 private:
  const int max_per_client_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int> open_;  // only addresses with open connections
};

}  // namespace rollgate::internal
