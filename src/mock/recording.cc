#include "mock/recording.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "base/secret.h"
#include "base/strings.h"

namespace rollgate::mock {

namespace {

constexpr std::size_t kMaxFields = 64;     // a body's field names kept per request
constexpr std::size_t kMaxNameBytes = 64;  // of each field name
constexpr std::size_t kMaxIdBytes = 200;   // of an X-Client-Request-Id
constexpr std::size_t kMaxSessionBytes = 64;

RequestShape ShapeOf(const internal::ChatRequest& chat, const internal::ServerRequest& request) {
  RequestShape shape;
  for (const std::string& field : chat.fields) {
    if (shape.fields.size() == kMaxFields) break;
    shape.fields.push_back(internal::SanitizeForDisplay(field, kMaxNameBytes));
  }
  shape.headers = HeaderNames(request.headers);
  shape.model = internal::SanitizeForDisplay(chat.model, kMaxNameBytes * 2);
  shape.stream = chat.stream;
  shape.stream_options_include_usage = chat.include_usage;
  shape.token_field = chat.token_field;
  return shape;
}

}  // namespace

bool IsValidSessionName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxSessionBytes &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
         });
}

std::optional<SessionPath> ParseSessionPath(const std::string& path) {
  const std::size_t prefix = std::strlen(kSessionPrefix);
  if (path.compare(0, prefix, kSessionPrefix) != 0) return std::nullopt;
  std::size_t slash = path.find('/', prefix);
  std::string name = path.substr(prefix, slash == std::string::npos ? slash : slash - prefix);
  if (!IsValidSessionName(name)) return std::nullopt;
  return SessionPath{name, slash == std::string::npos ? "/" : path.substr(slash)};
}

ObservedAttempt ArrivalRecord(const internal::ServerRequest& request, const std::string& session,
                              const std::string& path, const std::string& token,
                              const std::string& scenario, const internal::ChatRequest* chat,
                              int64_t now_ms) {
  ObservedAttempt a;
  a.arrived_ms = now_ms;
  a.session = session;
  a.key_fingerprint = internal::KeyFingerprint(token);
  if (const std::string* id = request.Header("X-Client-Request-Id")) {
    a.client_request_id = internal::SanitizeForDisplay(*id, kMaxIdBytes);
  }
  a.method = request.method;
  a.path = internal::SanitizeForDisplay(path, kMaxIdBytes);
  a.scenario = scenario;
  a.retry_count = HeaderInt(request.headers, "X-Stainless-Retry-Count");
  a.declared_timeout_s = HeaderInt(request.headers, "X-Stainless-Timeout");
  a.client = IdentityFromHeaders(request.headers);
  if (chat != nullptr) a.request = ShapeOf(*chat, request);
  return a;
}

std::shared_ptr<AnswerWatch> WatchFor(Observer& observer, int64_t seq,
                                      const internal::ServerRequest& request) {
  auto watch = std::make_shared<AnswerWatch>();
  Observer* obs = &observer;
  watch->find_peer = [fd = request.socket_fd] { return PeerWatch::Of(fd); };
  watch->on_stall = [obs, seq](StallKind kind, int limit_ms) {
    int64_t now = obs->NowMs();
    obs->Update(seq, [&](ObservedAttempt& a) {
      a.stall = kind;
      a.stall_started_ms = now;
      a.stall_limit_ms = limit_ms;
      a.outcome = "timeout";
    });
  };
  watch->on_client_gone = [obs, seq] {
    int64_t now = obs->NowMs();
    obs->Update(seq, [&](ObservedAttempt& a) {
      if (a.client_closed_ms < 0) a.client_closed_ms = now;
    });
  };
  watch->on_started = [obs, seq] {
    int64_t now = obs->NowMs();
    obs->Update(seq, [&](ObservedAttempt& a) { a.answered_ms = now; });
  };
  watch->on_complete = [obs, seq] {
    obs->Update(seq, [](ObservedAttempt& a) { a.complete = true; });
  };
  return watch;
}

void RecordAnswer(Observer& observer, int64_t seq, const internal::ServerResponse& response) {
  int64_t sent = observer.NowMs() + response.delay_ms;
  observer.Update(seq, [&](ObservedAttempt& a) {
    a.status = response.status;
    a.outcome = a.stall != StallKind::kNone ? "timeout" : std::to_string(response.status);
    a.retry_after_ms = RetryAfterMs(response.headers);
    if (!response.stream) {
      a.answered_ms = sent;
      a.complete = true;
    }
  });
}

}  // namespace rollgate::mock
