#include "cli/fleet_progress.h"

#include <unistd.h>

namespace rollgate::cli {

namespace {

constexpr auto kQuietFor = std::chrono::seconds(1);  // a fleet quicker than this shows nothing
constexpr auto kRedrawEvery = std::chrono::milliseconds(200);

void WriteAll(int fd, const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n <= 0) return;  // a progress line is worth no retry (EINTR, a closed terminal)
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string FleetProgressText(const FleetProgress& progress) {
  return std::to_string(progress.services_done) + "/" + std::to_string(progress.services_total) +
         " services done, " + std::to_string(progress.blocked) + " blocked";
}

FleetProgressLine::FleetProgressLine(int fd, bool is_tty) : fd_(fd) {
  if (is_tty) ticker_ = std::thread([this] { Draw(); });
}

FleetProgressLine::~FleetProgressLine() {
  if (!ticker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  ticker_.join();
}

void FleetProgressLine::Update(const FleetProgress& progress) {
  if (!ticker_.joinable()) return;
  std::lock_guard<std::mutex> lock(mu_);
  latest_ = progress;
}

void FleetProgressLine::Draw() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_until(lock, start + kQuietFor, [this] { return stop_; });
  std::string last;
  while (!stop_) {
    std::string line = "\rrollgate gate: " + FleetProgressText(latest_) + "\033[K";
    // services_total 0: the fleet is still loading its configs; an unchanged line stays.
    if (latest_.services_total > 0 && line != last) {
      last = line;
      lock.unlock();
      WriteAll(fd_, line);
      shown_ = true;
      lock.lock();
    }
    wake_.wait_for(lock, kRedrawEvery, [this] { return stop_; });
  }
  if (shown_) WriteAll(fd_, "\r\033[K");
}

}  // namespace rollgate::cli
