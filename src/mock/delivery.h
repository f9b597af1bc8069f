// How a response's bytes leave the mock: paced SSE events, a slow trickle, or a body cut off
// halfway. Each turns into a StreamProducer for the HTTP server adapter; every pause waits on
// the server's stop signal, so Stop() ends them promptly.
#pragma once

#include <string>
#include <vector>

#include "http_server/http_message.h"

namespace rollgate::mock {

/// Sends `events` one write each, `interval_ms` apart. With `stall_ms` >= 0 the stream then
/// goes silent for that long (or until Stop()) and the connection is dropped without an end;
/// otherwise it ends normally after the last event.
internal::StreamProducer PacedEvents(std::vector<std::string> events, int interval_ms,
                                     int stall_ms = -1);

/// Makes `response` send `bytes` a few at a time spread over about `total_ms`. With
/// `declare_length` the Content-Length is sent up front (a plain body); otherwise chunked.
void Trickle(internal::ServerResponse& response, std::string bytes, bool declare_length,
             int total_ms);

/// Makes `response` send the first half of `bytes` and then drop the connection. With
/// `declare_length` the full Content-Length is announced first, as a reset mid-body looks.
void CutInHalf(internal::ServerResponse& response, std::string bytes, bool declare_length);

/// How many bytes each trickled write carries.
inline constexpr std::size_t kTrickleBytes = 8;

}  // namespace rollgate::mock
