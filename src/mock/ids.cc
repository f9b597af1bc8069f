#include "mock/ids.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <random>

namespace rollgate::mock {

namespace {

std::atomic<uint64_t> g_counter{0};

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

std::string RandomHex(std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n, '0');
  for (char& c : out) c = kHex[Rng()() % 16];
  return out;
}

}  // namespace

std::string RandomAlnum(std::size_t n) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(n, 'a');
  for (char& c : out) c = kChars[Rng()() % (sizeof(kChars) - 1)];
  return out;
}

std::string NewRequestId(Flavor flavor) {
  uint64_t n = ++g_counter;
  char buf[64];
  if (flavor == Flavor::kOpenAi) {
    std::snprintf(buf, sizeof buf, "req_%08llx", static_cast<unsigned long long>(n & 0xffffffff));
    return buf + RandomHex(24);
  }
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &utc);
  char seq[16];
  std::snprintf(seq, sizeof seq, "%08llu", static_cast<unsigned long long>(n % 100000000));
  return std::string(buf) + seq + RandomHex(8);
}

std::string NewCompletionId() { return "chatcmpl-" + RandomAlnum(24); }

}  // namespace rollgate::mock
