#include "mock/delivery.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string_view>
#include <utility>

namespace rollgate::mock {

using internal::ServerResponse;
using internal::StreamProducer;
using internal::StreamWriter;

StreamProducer PacedEvents(std::vector<std::string> events, int interval_ms, int stall_ms) {
  return [events = std::move(events), interval_ms, stall_ms](StreamWriter& w) {
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (i > 0 && interval_ms > 0 && !w.Wait(interval_ms)) return false;
      if (!w.Write(events[i])) return false;
    }
    if (stall_ms >= 0) {
      w.Wait(stall_ms);
      return false;  // a stalled upstream never finishes; the connection is dropped
    }
    return true;
  };
}

void Trickle(ServerResponse& response, std::string bytes, bool declare_length, int total_ms) {
  std::size_t pieces = std::max<std::size_t>(1, (bytes.size() + kTrickleBytes - 1) / kTrickleBytes);
  if (declare_length) response.stream_length = bytes.size();
  auto body = std::make_shared<const std::string>(std::move(bytes));
  response.body.clear();
  response.stream = [body, pieces, total_ms](StreamWriter& w) {
    // Piece i leaves at i/(pieces-1) of total_ms after the first, measured from the start so
    // rounding in the individual waits does not add up.
    auto start = std::chrono::steady_clock::now();
    std::string_view rest = *body;
    for (std::size_t i = 0; !rest.empty(); ++i) {
      if (i > 0 && pieces > 1) {
        auto due = start + std::chrono::milliseconds(static_cast<long long>(total_ms) *
                                                     static_cast<long long>(i) /
                                                     static_cast<long long>(pieces - 1));
        auto wait =
            std::chrono::ceil<std::chrono::milliseconds>(due - std::chrono::steady_clock::now());
        if (wait.count() > 0 && !w.Wait(static_cast<int>(wait.count()))) return false;
      }
      std::string_view piece = rest.substr(0, kTrickleBytes);
      if (!w.Write(piece)) return false;
      rest.remove_prefix(piece.size());
    }
    return true;
  };
}

void CutInHalf(ServerResponse& response, std::string bytes, bool declare_length) {
  if (declare_length) response.stream_length = bytes.size();
  auto half = std::make_shared<const std::string>(bytes.substr(0, bytes.size() / 2));
  response.body.clear();
  response.stream = [half](StreamWriter& w) {
    w.Write(*half);
    return false;  // close without the rest: the client sees a short read
  };
}

}  // namespace rollgate::mock
