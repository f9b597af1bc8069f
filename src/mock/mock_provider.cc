// The mock provider: routes, authentication, scenario selection and statistics. The answers
// themselves are built by responder.cc; this file decides who is asking and which scenario
// applies to them.
//
// Per request: count it, read the bearer token, parse the body, pick the scenario (the
// session's, else the token's, else the model's, else the default), note what the client sent
// (recording.h), authenticate (rotated-key and accept-any-key bend that), hold the status line
// back (slow, stall-headers), respond, add latency_ms, count the status. The token is only ever
// compared and fingerprinted, never copied into a response, a statistic or a log.
#include "mock/mock_provider.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "base/headers.h"
#include "base/strings.h"
#include "contract/mock_control_body.h"
#include "contract/provider_error.h"
#include "contract/provider_request.h"
#include "http_server/http_server.h"
#include "mock/ids.h"
#include "mock/observer.h"
#include "mock/recording.h"
#include "mock/responder.h"
#include "mock/scenario.h"

namespace rollgate::mock {

namespace {

using internal::ChatRequest;
using internal::ErrorDetails;
using internal::ErrorKind;
using internal::ServerRequest;
using internal::ServerResponse;

constexpr char kClientRequestIdHeader[] = "X-Client-Request-Id";

// Served by /v1/models when no --model was given.
const std::vector<std::string>& DefaultModels() {
  static const std::vector<std::string> models = {"gpt-4o-mini", "gpt-4.1-nano", "gpt-5.4",
                                                  "gpt-5.4-mini"};
  return models;
}

// "Bearer <token>" -> token; "" when the header is absent or uses another scheme.
std::string BearerToken(const ServerRequest& req) {
  const std::string* header = req.Header("Authorization");
  if (header == nullptr) return "";
  return std::string(internal::BearerToken(*header).value_or(""));
}

Status UnknownScenario(const std::string& name, const std::string& where) {
  std::string msg = "rollgate mock: unknown scenario \"" + name + "\" " + where;
  std::string guess = internal::ClosestMatch(name, AllScenarioNames());
  if (!guess.empty()) msg += " (did you mean \"" + guess + "\"?)";
  msg += "; valid scenarios: " + internal::Join(AllScenarioNames(), ", ");
  return Status::InvalidArgument(msg);
}

}  // namespace

struct MockProvider::Impl {
  MockOptions options;
  Scenario default_scenario = Scenario::kOk;
  std::map<std::string, Scenario> key_scenarios;
  std::map<std::string, Scenario> model_scenarios;
  std::map<std::string, Scenario> session_scenarios;
  std::unique_ptr<internal::HttpServer> server;
  Observer observer;  // thread-safe on its own

  mutable std::mutex mu;  // guards the three members below
  MockStats stats;
  std::map<std::string, int> flaky_attempts;  // X-Client-Request-Id ("" = none) -> attempts
  HandlerErrors handler_errors;
  std::vector<std::string> throwing_routes;  // TEST_AddThrowingRoute

  // Counts a handler's failure (the HTTP server's on_error), then tells options.on_error.
  void HandlerFailed(const std::string& message);

  Status Validate();
  Scenario ScenarioFor(const std::string& session, const std::string& token,
                       const std::string& model) const;
  std::optional<ServerResponse> Authenticate(const std::string& token, Scenario s,
                                             const std::string& request_id) const;
  std::string RequestIdFor(Scenario s) const;
  int NextFlakyAttempt(const ServerRequest& req);
  void CountArrival(const ServerRequest& req);
  ServerResponse Finish(ServerResponse response);

  // Holds the status line back for slow and stall-headers, watching the client.
  enum class Held {
    kAnswer,    // answer as usual (no hold, or slow's hold is over)
    kStopping,  // the server is stopping
    kNothing,   // stall-headers: no status line ever; the connection is gone or cut
  };
  Held HoldHeaders(Scenario s, int64_t seq, AnswerWatch& watch);

  ServerResponse Chat(const ServerRequest& req, const std::string& session,
                      const std::string& path);
  ServerResponse Models(const ServerRequest& req, const std::string& session,
                        const std::string& path);
  ServerResponse Stats() const;
  ServerResponse ObservationsResponse(const ServerRequest& req) const;
  ServerResponse Fallback(const ServerRequest& req);
};

Status MockProvider::Impl::Validate() {
  const MockOptions& o = options;
  std::optional<Scenario> s = ParseScenario(o.scenario);
  if (!s) return UnknownScenario(o.scenario, "(the default scenario)");
  default_scenario = *s;
  bool uses_model_down = *s == Scenario::kPrimaryModelDown;
  for (const auto& [key, name] : o.scenario_for_key) {
    std::optional<Scenario> ks = ParseScenario(name);
    // The key is a secret: the message says which map, never which key.
    if (!ks) return UnknownScenario(name, "in scenario_for_key (the key is not shown)");
    key_scenarios[key] = *ks;
    uses_model_down |= *ks == Scenario::kPrimaryModelDown;
  }
  for (const auto& [model, name] : o.scenario_for_model) {
    std::optional<Scenario> ms = ParseScenario(name);
    if (!ms) return UnknownScenario(name, "in scenario_for_model for model \"" + model + "\"");
    model_scenarios[model] = *ms;
    uses_model_down |= *ms == Scenario::kPrimaryModelDown;
  }
  for (const auto& [session, name] : o.scenario_for_session) {
    if (!IsValidSessionName(session)) {
      return Status::InvalidArgument("rollgate mock: scenario_for_session: bad session name \"" +
                                     internal::SanitizeForDisplay(session, 64) +
                                     "\" (1 to 64 of A-Z a-z 0-9 . _ -)");
    }
    std::optional<Scenario> ss = ParseScenario(name);
    if (!ss) {
      return UnknownScenario(name, "in scenario_for_session for session \"" + session + "\"");
    }
    session_scenarios[session] = *ss;
    uses_model_down |= *ss == Scenario::kPrimaryModelDown;
  }
  if (uses_model_down && o.down_models.empty() && o.models.empty()) {
    return Status::InvalidArgument(
        "rollgate mock: scenario primary-model-down needs down_models or at least one model "
        "(the first model is the one that goes down)");
  }
  struct Named {
    const char* name;
    int value;
  };
  for (Named n :
       {Named{"latency_ms", o.latency_ms}, Named{"slow_ms", o.slow_ms},
        Named{"flaky_failures", o.flaky_failures}, Named{"retry_after_s", o.retry_after_s},
        Named{"retry_after_ms", o.retry_after_ms},
        Named{"chunk_interval_ms", o.chunk_interval_ms}}) {
    if (n.value < 0) {
      return Status::InvalidArgument(std::string("rollgate mock: ") + n.name +
                                     " must not be negative, got " + std::to_string(n.value));
    }
  }
  return Status::Ok();
}

Scenario MockProvider::Impl::ScenarioFor(const std::string& session, const std::string& token,
                                         const std::string& model) const {
  if (auto it = session_scenarios.find(session);
      !session.empty() && it != session_scenarios.end()) {
    return it->second;
  }
  if (auto it = key_scenarios.find(token); !token.empty() && it != key_scenarios.end()) {
    return it->second;
  }
  if (auto it = model_scenarios.find(model); !model.empty() && it != model_scenarios.end()) {
    return it->second;
  }
  return default_scenario;
}

std::optional<ServerResponse> MockProvider::Impl::Authenticate(
    const std::string& token, Scenario s, const std::string& request_id) const {
  std::optional<ErrorKind> error;
  if (s == Scenario::kAcceptAnyKey) {
    return std::nullopt;                    // the fault: even a missing or garbage token gets in
  } else if (s == Scenario::kRotatedKey) {  // NOLINT(bugprone-branch-clone)
    // Same error as an unknown key below, but before the missing-token branch: the rotated
    // key's fault answers "invalid token" even to a request with no token.
    error = ErrorKind::kInvalidToken;
  } else if (token.empty()) {
    error = ErrorKind::kMissingToken;
  } else if (!options.keys.empty() &&
             std::find(options.keys.begin(), options.keys.end(), token) == options.keys.end()) {
    error = ErrorKind::kInvalidToken;
  }
  if (!error) return std::nullopt;
  ErrorDetails details;
  details.request_id = request_id;
  return ErrorResponse(options.flavor, *error, details);
}

std::string MockProvider::Impl::RequestIdFor(Scenario s) const {
  return s == Scenario::kNoRequestId ? std::string() : NewRequestId(options.flavor);
}

int MockProvider::Impl::NextFlakyAttempt(const ServerRequest& req) {
  const std::string* id = req.Header(kClientRequestIdHeader);
  std::lock_guard<std::mutex> lock(mu);
  return ++flaky_attempts[id != nullptr ? *id : std::string()];
}

void MockProvider::Impl::CountArrival(const ServerRequest& req) {
  const std::string* id = req.Header(kClientRequestIdHeader);
  std::lock_guard<std::mutex> lock(mu);
  ++stats.requests_total;
  if (id != nullptr) ++stats.by_client_request_id[*id];
}

ServerResponse MockProvider::Impl::Finish(ServerResponse response) {
  response.delay_ms += options.latency_ms;
  std::lock_guard<std::mutex> lock(mu);
  ++stats.by_status[response.status];
  return response;
}

MockProvider::Impl::Held MockProvider::Impl::HoldHeaders(Scenario s, int64_t seq,
                                                         AnswerWatch& watch) {
  if (s != Scenario::kSlow && s != Scenario::kStallHeaders) return Held::kAnswer;
  const internal::StopSignal& stop = server->stop_signal();
  PeerWatch::WaitResult held = watch.Stall(StallKind::kHeaders, options.slow_ms, [&stop](int ms) {
    return stop.WaitFor(std::chrono::milliseconds(ms));
  });
  if (held == PeerWatch::WaitResult::kStopping) return Held::kStopping;
  if (s == Scenario::kSlow) return Held::kAnswer;  // late, but the answer goes out
  // stall-headers never sends a status line: the client either hung up already or now finds
  // the connection closed under it.
  if (held == PeerWatch::WaitResult::kElapsed) watch.Peer().Cut();
  observer.Update(seq, [](ObservedAttempt& a) {
    a.status = 0;
    a.outcome = "timeout";
  });
  return Held::kNothing;
}

ServerResponse MockProvider::Impl::Chat(const ServerRequest& req, const std::string& session,
                                        const std::string& path) {
  CountArrival(req);
  std::string token = BearerToken(req);
  ChatRequest chat = internal::ParseChatRequest(req.body);
  Scenario s = ScenarioFor(session, token, chat.model);
  int64_t seq = observer.Add(ArrivalRecord(req, session, path, token, std::string(ScenarioName(s)),
                                           &chat, observer.NowMs()));
  std::shared_ptr<AnswerWatch> watch = WatchFor(observer, seq, req);
  std::string request_id = RequestIdFor(s);
  ServerResponse response;
  if (auto denied = Authenticate(token, s, request_id)) {
    response = std::move(*denied);
  } else {
    Held held = HoldHeaders(s, seq, *watch);
    // Nothing can reach the client any more (the connection is gone or cut): nothing to count.
    if (held == Held::kNothing) return ServerResponse::Make(504, "text/plain", "");
    if (held == Held::kStopping) {
      response = ServerResponse::Make(503, "text/plain", "server is stopping\n");
    } else {
      ChatContext ctx;
      ctx.options = &options;
      ctx.scenario = s;
      ctx.request = &chat;
      ctx.request_id = request_id;
      if (s == Scenario::kFlaky5xx) ctx.flaky_attempt = NextFlakyAttempt(req);
      ctx.watch = watch;
      response = RespondToChat(ctx);
    }
  }
  response = Finish(std::move(response));
  RecordAnswer(observer, seq, response);
  return response;
}

ServerResponse MockProvider::Impl::Models(const ServerRequest& req, const std::string& session,
                                          const std::string& path) {
  CountArrival(req);
  std::string token = BearerToken(req);
  Scenario s = ScenarioFor(session, token, "");
  int64_t seq = observer.Add(ArrivalRecord(req, session, path, token, std::string(ScenarioName(s)),
                                           nullptr, observer.NowMs()));
  std::string request_id = RequestIdFor(s);
  ServerResponse response;
  if (auto denied = Authenticate(token, s, request_id)) {
    response = std::move(*denied);
  } else {
    const std::vector<std::string>& models =
        options.models.empty() ? DefaultModels() : options.models;
    response = ServerResponse::Make(200, "application/json", internal::ModelListJson(models));
    AddRequestIdHeader(options.flavor, request_id, response);
  }
  response = Finish(std::move(response));
  RecordAnswer(observer, seq, response);
  return response;
}

ServerResponse MockProvider::Impl::Stats() const {
  MockStats counted;
  {
    std::lock_guard<std::mutex> lock(mu);
    counted = stats;
  }
  return ServerResponse::Make(200, "application/json", internal::StatsJson(counted));
}

ServerResponse MockProvider::Impl::ObservationsResponse(const ServerRequest& req) const {
  ObservationQuery query;
  if (const std::string* v = req.Query("session")) query.session = *v;
  if (const std::string* v = req.Query("key_fingerprint")) query.key_fingerprint = *v;
  if (const std::string* v = req.Query("client_request_id")) query.client_request_id = *v;
  return ServerResponse::Make(200, "application/json", ObservationsJson(observer.Query(query)));
}

ServerResponse MockProvider::Impl::Fallback(const ServerRequest& req) {
  std::optional<SessionPath> in_session = ParseSessionPath(req.path);
  if (in_session) {
    const std::string& path = in_session->path;
    if (req.method == "POST" && path == "/v1/chat/completions") {
      return Chat(req, in_session->session, path);
    }
    if ((req.method == "GET" || req.method == "HEAD") && path == "/v1/models") {
      return Models(req, in_session->session, path);
    }
  }
  CountArrival(req);
  int64_t seq = observer.Add(ArrivalRecord(
      req, in_session ? in_session->session : "", in_session ? in_session->path : req.path,
      BearerToken(req), std::string(ScenarioName(default_scenario)), nullptr, observer.NowMs()));
  ServerResponse response;
  if (options.flavor == Flavor::kCometApi) {
    // CometAPI redirects wrong paths instead of answering a JSON 404 (FACTS §1.4).
    response = ServerResponse::Make(301, "text/html; charset=utf-8",
                                    "<a href=\"/\">Moved Permanently</a>.\n\n");
    response.headers.emplace_back("Location", "/");
  } else {
    ErrorDetails details;
    details.request_id = RequestIdFor(default_scenario);
    details.method = req.method;
    details.path = req.path;
    response = ErrorResponse(options.flavor, ErrorKind::kUnknownPath, details);
  }
  response = Finish(std::move(response));
  RecordAnswer(observer, seq, response);
  return response;
}

Result<Flavor> ParseFlavor(const std::string& name) {
  if (name == "cometapi") return Flavor::kCometApi;
  if (name == "openai") return Flavor::kOpenAi;
  return Status::InvalidArgument("unknown mock flavor \"" + name + "\"; valid: cometapi, openai");
}

void MockProvider::Impl::HandlerFailed(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mu);
    ++handler_errors.count;
    handler_errors.last = message;
  }
  if (options.on_error) options.on_error(message);
}

std::string HandlerErrors::Summary() const {
  if (count == 0) return "";
  return "the mock failed " + std::to_string(count) + (count == 1 ? " request" : " requests") +
         " (a handler threw; the last: " + last + ")";
}

MockProvider::MockProvider(MockOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

MockProvider::~MockProvider() { Stop(); }

Status MockProvider::Start() {
  Impl& impl = *impl_;
  if (impl.server) return Status::Internal("rollgate mock: Start() called twice");
  ROLLGATE_RETURN_IF_ERROR(impl.Validate());

  internal::HttpServerOptions server_options;
  server_options.host = impl.options.host;
  server_options.port = impl.options.port;
  server_options.max_connections = impl.options.threads;
  server_options.max_connections_per_client = impl.options.max_connections_per_client;
  server_options.request_timeout_ms = impl.options.request_timeout_ms;
  server_options.tls_cert_file = impl.options.tls_cert_file;
  server_options.tls_key_file = impl.options.tls_key_file;
  server_options.on_error = [&impl](const std::string& message) { impl.HandlerFailed(message); };
  impl.server = std::make_unique<internal::HttpServer>(server_options);
  for (const std::string& path : impl.throwing_routes) {
    impl.server->Handle("GET", path, [](const ServerRequest&) -> ServerResponse {
      throw std::logic_error("TEST_AddThrowingRoute");
    });
  }
  impl.server->Handle("POST", "/v1/chat/completions",
                      [&impl](const ServerRequest& r) { return impl.Chat(r, "", r.path); });
  impl.server->Handle("GET", "/v1/models",
                      [&impl](const ServerRequest& r) { return impl.Models(r, "", r.path); });
  impl.server->Handle("GET", "/_mock/stats",
                      [&impl](const ServerRequest&) { return impl.Stats(); });
  impl.server->Handle("GET", "/_mock/observations",
                      [&impl](const ServerRequest& r) { return impl.ObservationsResponse(r); });
  impl.server->SetFallback([&impl](const ServerRequest& r) { return impl.Fallback(r); });
  return impl.server->Start().WithContext("rollgate mock");
}

void MockProvider::Stop() {
  if (impl_->server) impl_->server->Stop();
}

int MockProvider::port() const { return impl_->server ? impl_->server->port() : 0; }

std::string MockProvider::base_url() const {
  const std::string& host = impl_->options.host;
  bool ipv6 = host.find(':') != std::string::npos;
  std::string scheme = impl_->options.tls_cert_file.empty() ? "http://" : "https://";
  return scheme + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port());
}

MockStats MockProvider::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->stats;
}

void MockProvider::ResetStats() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stats = MockStats();
    impl_->flaky_attempts.clear();
  }
  impl_->observer.Clear();
}

Result<std::string> MockProvider::OpenSession(const std::string& name) const {
  if (!IsValidSessionName(name)) {
    return Status::InvalidArgument("rollgate mock: bad session name \"" +
                                   internal::SanitizeForDisplay(name, 64) +
                                   "\": use 1 to 64 of A-Z a-z 0-9 . _ -");
  }
  if (port() == 0) return Status::Internal("rollgate mock: OpenSession() before Start()");
  return base_url() + kSessionPrefix + name;
}

Observations MockProvider::observations(const ObservationQuery& query) const {
  return impl_->observer.Query(query);
}

int64_t MockProvider::now_ms() const { return impl_->observer.NowMs(); }

HandlerErrors MockProvider::handler_errors() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->handler_errors;
}

void MockProvider::TEST_AddThrowingRoute(const std::string& path) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->throwing_routes.push_back(path);
}

}  // namespace rollgate::mock
