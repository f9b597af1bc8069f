// How a response's bytes leave the mock: paced SSE events, a slow trickle, a body cut off
// halfway, or a body that stalls halfway. Each turns into a StreamProducer for the HTTP server
// adapter; every pause waits on the server's stop signal, so Stop() ends them promptly, and on
// the client's connection (AnswerWatch), so the mock sees the moment a client gives up.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http_server/http_message.h"
#include "mock/observations.h"
#include "mock/peer_watch.h"

namespace rollgate::mock {

/// What a response path reports back while its bytes go out, for the observations. Every
/// member is optional. Used by one worker thread at a time (the handler, then the producer).
class AnswerWatch {
 public:
  /// Finds the client's connection; called once, at the first pause that needs it.
  std::function<PeerWatch()> find_peer;
  /// The answer is being held back from now on, for up to limit_ms.
  std::function<void(StallKind kind, int limit_ms)> on_stall;
  /// The client closed (or reset) the connection before the answer was complete.
  std::function<void()> on_client_gone;
  /// A streamed answer began (its headers are out).
  std::function<void()> on_started;
  /// A streamed answer went out whole.
  std::function<void()> on_complete;

  /// Pauses up to `ms`, watching the connection; reports a hang-up. False when the pause was
  /// cut short (the client left, or the server is stopping): the producer must give up.
  bool Pause(int ms, const PeerWatch::Pause& pause);
  /// A stall: reports it, then pauses up to `ms`. Returns how the stall ended.
  PeerWatch::WaitResult Stall(StallKind kind, int ms, const PeerWatch::Pause& pause);
  /// A write failed: unless the server is stopping, the client has gone.
  void WriteFailed(const PeerWatch::Pause& pause);
  /// The peer, found on first use.
  const PeerWatch& Peer();

 private:
  void ClientGone();
  bool peer_looked_up_ = false;
  bool gone_reported_ = false;
  PeerWatch peer_;
};

/// Sends `events` one write each, `interval_ms` apart. With `stall_ms` >= 0 the stream then
/// goes silent for that long (or until the client hangs up or Stop()) and the connection is
/// dropped without an end; otherwise it ends normally after the last event.
internal::StreamProducer PacedEvents(std::vector<std::string> events, int interval_ms,
                                     int stall_ms = -1,
                                     std::shared_ptr<AnswerWatch> watch = nullptr);

/// Makes `response` send `bytes` a few at a time spread over about `total_ms`. With
/// `declare_length` the Content-Length is sent up front (a plain body); otherwise chunked.
void Trickle(internal::ServerResponse& response, std::string bytes, bool declare_length,
             int total_ms, std::shared_ptr<AnswerWatch> watch = nullptr);

/// Makes `response` send the first half of `bytes` and then drop the connection. With
/// `declare_length` the full Content-Length is announced first, as a reset mid-body looks.
/// `bytes` may be `response.body` itself: it is read before the body is cleared.
void CutInHalf(internal::ServerResponse& response, const std::string& bytes, bool declare_length);

/// Makes `response` declare the full length of `bytes`, send the first half, then go silent
/// for up to `stall_ms` (a StallKind::kBody stall that ends when the client hangs up, or the
/// server stops) and drop the connection. `bytes` may be `response.body` itself.
void StallHalfway(internal::ServerResponse& response, const std::string& bytes, int stall_ms,
                  std::shared_ptr<AnswerWatch> watch);

/// How many bytes each trickled write carries.
inline constexpr std::size_t kTrickleBytes = 8;

}  // namespace rollgate::mock
