// The glue between the mock's request handlers and its Observer: what to note when a request
// arrives, when its answer leaves, and while a streamed answer goes out (AnswerWatch), plus the
// session path prefix (/_session/<name>/...).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "contract/provider_request.h"
#include "http_server/http_message.h"
#include "mock/delivery.h"
#include "mock/observer.h"

namespace rollgate::mock {

inline constexpr char kSessionPrefix[] = "/_session/";

/// True for 1 to 64 characters of A-Z a-z 0-9 . _ -
bool IsValidSessionName(std::string_view name);

/// "/_session/<name>/<rest>" -> {name, "/<rest>"}; nullopt for any other path or a bad name.
struct SessionPath {
  std::string session;
  std::string path;
};
std::optional<SessionPath> ParseSessionPath(const std::string& path);

/// The record of a request as it arrives. `chat` is the parsed body of a chat completion
/// (nullptr for other requests). Keeps no token (only its fingerprint) and no body (only its
/// field names).
ObservedAttempt ArrivalRecord(const internal::ServerRequest& request, const std::string& session,
                              const std::string& path, const std::string& token,
                              const std::string& scenario, const internal::ChatRequest* chat,
                              int64_t now_ms);

/// A watch whose callbacks update attempt `seq` in `observer`, and that watches the request's
/// connection (its socket_fd). `observer` must outlive every response path (the provider's
/// server joins them in Stop()).
std::shared_ptr<AnswerWatch> WatchFor(Observer& observer, int64_t seq,
                                      const internal::ServerRequest& request);

/// Notes the answer a handler returns: its status, the wait it asks for, and for a plain body
/// that it went out (at the end of the response's delay).
void RecordAnswer(Observer& observer, int64_t seq, const internal::ServerResponse& response);

}  // namespace rollgate::mock
