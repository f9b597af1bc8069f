// Putting a ServerResponse into httplib's Response: a whole body as built, or a streamed body
// whose producer runs once, on the connection's worker, through a StreamWriter that enforces a
// declared length and gives up when the server stops. Internal to http_server/ (httplib shows).
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "http_server/http_message.h"
#include "http_server/stop_signal.h"

namespace rollgate::internal {

inline constexpr char kContentTypeText[] = "text/plain";

/// Sets `res` from `response`. A producer that ends early, writes past its declared length or
/// throws aborts the connection (never a second call); `on_throw` (may be empty) is told what
/// threw. `stop` must outlive the response's sending.
void EmitResponse(ServerResponse response, httplib::Response& res, const StopSignal& stop,
                  std::function<void(const std::string& what)> on_throw);

}  // namespace rollgate::internal
