#include "mock/observer.h"

#include <algorithm>
#include <cstdlib>
#include <tuple>
#include <utility>

#include "base/secret.h"
#include "base/strings.h"

namespace rollgate::mock {

namespace {

// A header value a client sends is untrusted: one printable line, bounded.
constexpr std::size_t kMaxValueBytes = 200;

std::string HeaderValue(const internal::Headers& headers, std::string_view name) {
  const std::string* v = internal::FindHeader(headers, name);
  return v == nullptr ? std::string()
                      : internal::SanitizeForDisplay(internal::TrimView(*v), kMaxValueBytes);
}

// "OpenAI/JS 6.49.0" -> {"OpenAI/JS", "6.49.0"}: Stainless puts a space, not a slash, before
// the version. "curl/7.88.1" -> {"curl", "7.88.1"}.
std::pair<std::string, std::string> ProductToken(std::string_view token) {
  std::size_t slash = token.rfind('/');
  if (slash == std::string_view::npos) return {std::string(token), ""};
  return {std::string(token.substr(0, slash)), std::string(token.substr(slash + 1))};
}

bool MatchesQuery(const ObservedAttempt& a, const ObservationQuery& q,
                  const std::string& fingerprint) {
  if (!q.session.empty() && a.session != q.session) return false;
  if (!fingerprint.empty() && a.key_fingerprint != fingerprint) return false;
  if (!q.client_request_id.empty() && a.client_request_id != q.client_request_id) return false;
  return true;
}

bool IsChat(const ObservedAttempt& a) { return a.path == "/v1/chat/completions"; }

void AddStall(Observations& o, const ObservedAttempt& a) {
  if (a.stall == StallKind::kNone || a.stall_started_ms < 0) return;
  ClientTimeout& t = a.stall == StallKind::kHeaders ? o.headers_timeout
                     : a.stall == StallKind::kBody  ? o.body_timeout
                                                    : o.stream_timeout;
  ++t.stalls;
  t.stall_limit_ms = std::max(t.stall_limit_ms, a.stall_limit_ms);
  if (a.client_closed_ms < a.stall_started_ms) return;
  const int64_t after = a.client_closed_ms - a.stall_started_ms;
  ++t.hung_up;
  t.hung_up_after_ms.push_back(after);
  if (t.hung_up == 1) t.timeout_ms.emplace(after);
}

template <typename T>
void AddDistinct(std::vector<T>& list, const T& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// Delays between one client's attempts, and whether its waits honoured Retry-After. A
// "client" is one X-Client-Request-Id (or all requests without one).
void AddRetryTimings(Observations& o) {
  std::map<std::string, const ObservedAttempt*> previous;  // client request id -> last answer
  for (ObservedAttempt& a : o.log) {
    if (!IsChat(a)) continue;
    auto it = previous.find(a.client_request_id);
    if (it != previous.end() && it->second->answered_ms >= 0) {
      const ObservedAttempt& prev = *it->second;
      a.delay_ms = a.arrived_ms - prev.answered_ms;
      if (prev.retry_after_ms >= 0)
        o.retry_after_waits.push_back({prev.retry_after_ms, a.delay_ms});
    }
    previous[a.client_request_id] = &a;
  }
  if (o.retry_after_waits.empty()) return;
  o.retry_after_honoured = std::all_of(
      o.retry_after_waits.begin(), o.retry_after_waits.end(), [](const RetryAfterWait& w) {
        return w.waited_ms + Observer::kRetryAfterAllowanceMs >= w.asked_ms;
      });
}

}  // namespace

int64_t Observer::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start_)
      .count();
}

int64_t Observer::Add(ObservedAttempt attempt) {
  std::lock_guard<std::mutex> lock(mu_);
  attempt.seq = next_seq_++;
  attempts_.push_back(std::move(attempt));
  if (attempts_.size() > kMaxAttempts) attempts_.pop_front();
  return attempts_.back().seq;
}

void Observer::Update(int64_t seq, const std::function<void(ObservedAttempt&)>& update) {
  std::lock_guard<std::mutex> lock(mu_);
  if (attempts_.empty() || seq < attempts_.front().seq || seq > attempts_.back().seq) return;
  // Sequence numbers are consecutive within the deque (Clear() empties it whole).
  update(attempts_[static_cast<std::size_t>(seq - attempts_.front().seq)]);
}

Observations Observer::Query(const ObservationQuery& query) const {
  std::string fingerprint =
      !query.key.empty() ? internal::KeyFingerprint(query.key) : query.key_fingerprint;
  Observations o;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const ObservedAttempt& a : attempts_) {
      if (MatchesQuery(a, query, fingerprint)) o.log.push_back(a);
    }
  }
  o.requests = static_cast<int64_t>(o.log.size());
  for (const ObservedAttempt& a : o.log) {
    AddDistinct(o.clients, a.client);
    if (!IsChat(a)) continue;
    AddDistinct(o.request_shapes, a.request);
    if (!a.outcome.empty()) ++o.attempts[a.outcome];
    AddStall(o, a);
  }
  AddRetryTimings(o);
  return o;
}

void Observer::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  attempts_.clear();
}

ClientIdentity IdentityFromHeaders(const internal::Headers& headers) {
  ClientIdentity id;
  id.user_agent = HeaderValue(headers, "User-Agent");
  id.language = HeaderValue(headers, "X-Stainless-Lang");
  id.os = HeaderValue(headers, "X-Stainless-OS");
  std::string runtime = HeaderValue(headers, "X-Stainless-Runtime");
  std::string runtime_version = HeaderValue(headers, "X-Stainless-Runtime-Version");
  id.runtime = runtime_version.empty() || runtime.empty() ? runtime + runtime_version
                                                          : runtime + " " + runtime_version;
  std::string package_version = HeaderValue(headers, "X-Stainless-Package-Version");
  std::vector<std::string> tokens;
  for (const std::string& t : internal::Split(id.user_agent, ' ')) {
    if (!t.empty()) tokens.push_back(t);
  }
  if (!package_version.empty()) {
    // Stainless: "<Product>/<Lang> <version>": the product is the first token.
    id.sdk = tokens.empty() ? "stainless" : tokens.front();
    id.sdk_version = package_version;
  } else if (!tokens.empty()) {
    // Skip comments such as "(X11; Linux)": take the last product/version token.
    for (auto it = tokens.rbegin(); it != tokens.rend(); ++it) {
      if (it->find('/') == std::string::npos || it->front() == '(') continue;
      std::tie(id.sdk, id.sdk_version) = ProductToken(*it);
      break;
    }
    if (id.sdk.empty()) id.sdk = tokens.front();
  }
  return id;
}

std::vector<std::string> HeaderNames(const internal::Headers& headers) {
  std::vector<std::string> names;
  for (const auto& [name, value] : headers) {
    names.push_back(internal::SanitizeForDisplay(internal::ToLower(name), kMaxValueBytes));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

int HeaderInt(const internal::Headers& headers, std::string_view name) {
  const std::string* v = internal::FindHeader(headers, name);
  if (v == nullptr) return -1;
  std::string_view text = internal::TrimView(*v);
  if (text.empty() || text.size() > 9 ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return -1;
  }
  return std::atoi(std::string(text).c_str());
}

int64_t RetryAfterMs(const internal::Headers& headers) {
  int ms = HeaderInt(headers, "retry-after-ms");
  if (ms >= 0) return ms;
  int s = HeaderInt(headers, "Retry-After");
  return s >= 0 ? static_cast<int64_t>(s) * 1000 : -1;
}

}  // namespace rollgate::mock
