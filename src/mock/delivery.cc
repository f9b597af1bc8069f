#include "mock/delivery.h"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <utility>

namespace rollgate::mock {

using internal::ServerResponse;
using internal::StreamProducer;
using internal::StreamWriter;

namespace {

PeerWatch::Pause PauseOf(StreamWriter& w) {
  return [&w](int ms) { return w.Wait(ms); };
}

// Producers are always handed a watch, so they need no null checks.
std::shared_ptr<AnswerWatch> OrEmpty(std::shared_ptr<AnswerWatch> watch) {
  return watch ? std::move(watch) : std::make_shared<AnswerWatch>();
}

}  // namespace

const PeerWatch& AnswerWatch::Peer() {
  if (!peer_looked_up_) {
    peer_looked_up_ = true;
    if (find_peer) peer_ = find_peer();
  }
  return peer_;
}

void AnswerWatch::ClientGone() {
  if (gone_reported_) return;
  gone_reported_ = true;
  if (on_client_gone) on_client_gone();
}

bool AnswerWatch::Pause(int ms, const PeerWatch::Pause& pause) {
  PeerWatch::WaitResult r = Peer().Wait(ms, pause);
  if (r == PeerWatch::WaitResult::kClientGone) ClientGone();
  return r == PeerWatch::WaitResult::kElapsed;
}

PeerWatch::WaitResult AnswerWatch::Stall(StallKind kind, int ms, const PeerWatch::Pause& pause) {
  if (on_stall) on_stall(kind, ms);
  PeerWatch::WaitResult r = Peer().Wait(ms, pause);
  if (r == PeerWatch::WaitResult::kClientGone) ClientGone();
  return r;
}

void AnswerWatch::WriteFailed(const PeerWatch::Pause& pause) {
  if (pause(0)) ClientGone();  // not stopping: the client is what went away
}

StreamProducer PacedEvents(std::vector<std::string> events, int interval_ms, int stall_ms,
                           std::shared_ptr<AnswerWatch> watch) {
  return [events = std::move(events), interval_ms, stall_ms,
          watch = OrEmpty(std::move(watch))](StreamWriter& w) {
    PeerWatch::Pause pause = PauseOf(w);
    if (watch->on_started) watch->on_started();
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (i > 0 && interval_ms > 0 && !watch->Pause(interval_ms, pause)) return false;
      if (!w.Write(events[i])) {
        watch->WriteFailed(pause);
        return false;
      }
    }
    if (stall_ms >= 0) {
      watch->Stall(StallKind::kStream, stall_ms, pause);
      return false;  // a stalled upstream never finishes; the connection is dropped
    }
    if (watch->on_complete) watch->on_complete();
    return true;
  };
}

void Trickle(ServerResponse& response, std::string bytes, bool declare_length, int total_ms,
             std::shared_ptr<AnswerWatch> watch) {
  std::size_t pieces = std::max<std::size_t>(1, (bytes.size() + kTrickleBytes - 1) / kTrickleBytes);
  if (declare_length) response.stream_length = bytes.size();
  auto body = std::make_shared<const std::string>(std::move(bytes));
  response.body.clear();
  response.stream = [body, pieces, total_ms, watch = OrEmpty(std::move(watch))](StreamWriter& w) {
    PeerWatch::Pause pause = PauseOf(w);
    if (watch->on_started) watch->on_started();
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
        if (wait.count() > 0 && !watch->Pause(static_cast<int>(wait.count()), pause)) {
          return false;
        }
      }
      std::string_view piece = rest.substr(0, kTrickleBytes);
      if (!w.Write(piece)) {
        watch->WriteFailed(pause);
        return false;
      }
      rest.remove_prefix(piece.size());
    }
    if (watch->on_complete) watch->on_complete();
    return true;
  };
}

void CutInHalf(ServerResponse& response, const std::string& bytes, bool declare_length) {
  if (declare_length) response.stream_length = bytes.size();
  auto half = std::make_shared<const std::string>(bytes.substr(0, bytes.size() / 2));
  response.body.clear();
  response.stream = [half](StreamWriter& w) {
    w.Write(*half);
    return false;  // close without the rest: the client sees a short read
  };
}

void StallHalfway(ServerResponse& response, const std::string& bytes, int stall_ms,
                  std::shared_ptr<AnswerWatch> watch) {
  response.stream_length = bytes.size();
  auto half = std::make_shared<const std::string>(bytes.substr(0, bytes.size() / 2));
  response.body.clear();
  response.stream = [half, stall_ms, watch = OrEmpty(std::move(watch))](StreamWriter& w) {
    PeerWatch::Pause pause = PauseOf(w);
    if (watch->on_started) watch->on_started();
    if (!w.Write(*half)) {
      watch->WriteFailed(pause);
      return false;
    }
    watch->Stall(StallKind::kBody, stall_ms, pause);
    return false;  // never the rest: the client sees a short read, if it is still there
  };
}

}  // namespace rollgate::mock
