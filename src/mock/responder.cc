#include "mock/responder.h"

#include <algorithm>
#include <ctime>
#include <string_view>
#include <utility>

#include "contract/provider_body.h"
#include "mock/chat_answer.h"
#include "mock/delivery.h"
#include "mock/ids.h"

namespace rollgate::mock {

namespace {

using internal::BodyShape;
using internal::BuildError;
using internal::CompletionBody;
using internal::ProviderError;
using internal::ReportedModel;
using internal::RequestProblem;
using internal::ServerResponse;
using internal::StreamEvents;
using internal::StreamOptions;
using internal::StreamShape;

constexpr char kJson[] = "application/json";
constexpr char kEventStream[] = "text/event-stream";
constexpr std::size_t kOversizedPadding = 2u << 20;  // ~2 MiB: beyond any sane smoke answer
constexpr char kSystemFingerprint[] = "fp_5f2c9e1a7b";

// What a reverse proxy in front of the provider says when the upstream is gone.
constexpr char kProxy502Page[] =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n";

bool IsListed(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// primary-model-down: down_models, or else the first served model.
bool IsDownModel(const MockOptions& o, const std::string& model) {
  if (!o.down_models.empty()) return IsListed(o.down_models, model);
  return !o.models.empty() && o.models.front() == model;
}

std::optional<ErrorKind> ProblemError(RequestProblem problem) {
  switch (problem) {
    case RequestProblem::kNone:
      return std::nullopt;
    case RequestProblem::kMalformedJson:
      return ErrorKind::kMalformedJson;
    case RequestProblem::kMissingModel:
      return ErrorKind::kMissingModel;
    case RequestProblem::kMissingMessages:
      return ErrorKind::kMissingMessages;
  }
  return ErrorKind::kMalformedJson;
}

// The status-NNN scenarios' errors.
std::optional<ErrorKind> InjectedError(Scenario s) {
  switch (InjectedStatus(s)) {
    case 400:
      return ErrorKind::kBadRequest;
    case 403:
      return ErrorKind::kPermissionDenied;
    case 404:
      return ErrorKind::kNotFound;
    case 422:
      return ErrorKind::kUnprocessable;
    case 500:
      return ErrorKind::kServerError;
    case 503:
      return ErrorKind::kServiceUnavailable;
    default:
      return std::nullopt;
  }
}

// The error (if any) the scenario, the body or the model calls for, before any answer.
std::optional<ErrorKind> EarlyError(const ChatContext& ctx, Scenario s) {
  const MockOptions& o = *ctx.options;
  const ChatRequest& req = *ctx.request;
  if (s == Scenario::kRateLimited) return ErrorKind::kRateLimited;
  if (s == Scenario::kFlaky5xx && ctx.flaky_attempt <= o.flaky_failures) return ErrorKind::kBusy;
  if (std::optional<ErrorKind> injected = InjectedError(s)) return injected;
  if (auto problem = ProblemError(req.problem)) return problem;
  if (s == Scenario::kModelMissing) return ErrorKind::kUnknownModel;
  if (!o.models.empty() && !IsListed(o.models, req.model)) return ErrorKind::kUnknownModel;
  if (s == Scenario::kPrimaryModelDown && IsDownModel(o, req.model)) return ErrorKind::kModelDown;
  return std::nullopt;
}

BodyShape ShapeFor(const ChatContext& ctx, Scenario s) {
  BodyShape shape;
  shape.flavor = ctx.options->flavor;
  shape.id = NewCompletionId();
  shape.created = static_cast<int64_t>(std::time(nullptr));
  shape.model = ReportedModel(shape.flavor, ctx.request->model);
  shape.system_fingerprint = kSystemFingerprint;
  shape.latency_checkpoint_ms = ctx.options->latency_ms;
  shape.obfuscation = [] { return RandomAlnum(8); };
  shape.content_as_parts = s == Scenario::kSchemaDrift;
  shape.empty_choices = s == Scenario::kEmptyChoices;
  shape.invalid_utf8 = s == Scenario::kInvalidUtf8;
  shape.padding_bytes = s == Scenario::kOversizedBody ? kOversizedPadding : 0;
  return shape;
}

StreamShape StreamShapeFor(Scenario s) {
  switch (s) {
    case Scenario::kStreamCut:
      return StreamShape::kCut;
    case Scenario::kStreamError:
      return StreamShape::kError;
    case Scenario::kStreamNoUsage:
      return StreamShape::kNoUsage;
    case Scenario::kStreamStall:
    case Scenario::kStallMidBody:
      return StreamShape::kStall;
    case Scenario::kStreamSchemaDrift:
      return StreamShape::kSchemaDrift;
    default:
      return StreamShape::kNormal;
  }
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += p;
  return out;
}

ServerResponse Completion(const ChatContext& ctx, Scenario s, const ErrorDetails& details) {
  const MockOptions& o = *ctx.options;
  const ChatRequest& req = *ctx.request;
  AnswerStyle style = s == Scenario::kTruncated       ? AnswerStyle::kTruncated
                      : s == Scenario::kPromptIgnored ? AnswerStyle::kIgnorePrompt
                                                      : AnswerStyle::kFollowPrompt;
  Answer answer = ComposeAnswer(req, style);
  BodyShape shape = ShapeFor(ctx, s);

  ServerResponse r;
  std::vector<std::string> events;
  if (req.stream) {
    StreamOptions stream;
    stream.include_usage = req.include_usage;
    stream.shape = StreamShapeFor(s);
    if (stream.shape == StreamShape::kError) {
      stream.error_json = BuildError(o.flavor, ErrorKind::kUpstreamFailed, details).body;
    }
    events = StreamEvents(answer, shape, stream);
    r.content_type = kEventStream;
    bool stalls = s == Scenario::kStreamStall || s == Scenario::kStallMidBody;
    r.stream = PacedEvents(events, o.chunk_interval_ms, stalls ? o.slow_ms : -1, ctx.watch);
  } else {
    r.content_type = kJson;
    r.body = CompletionBody(answer, shape);
  }

  if (s == Scenario::kWrongContentType) r.content_type = "text/plain";
  if (s == Scenario::kSlowBody) {
    Trickle(r, req.stream ? Join(events) : r.body, !req.stream, o.slow_ms, ctx.watch);
  } else if (s == Scenario::kStallMidBody && !req.stream) {
    StallHalfway(r, r.body, o.slow_ms, ctx.watch);
  } else if (s == Scenario::kResetMidBody) {
    CutInHalf(r, req.stream ? Join(events) : r.body, !req.stream);
  }
  return r;
}

}  // namespace

void AddRequestIdHeader(Flavor flavor, const std::string& request_id, ServerResponse& response) {
  if (flavor == Flavor::kOpenAi && !request_id.empty()) {
    response.headers.emplace_back("x-request-id", request_id);
  }
}

ServerResponse ErrorResponse(Flavor flavor, ErrorKind kind, const ErrorDetails& details) {
  ProviderError error = BuildError(flavor, kind, details);
  ServerResponse r = ServerResponse::Make(error.status, kJson, std::move(error.body));
  if (kind == ErrorKind::kRateLimited) {
    r.headers.emplace_back("Retry-After", std::to_string(details.retry_after_s));
    // OpenAI's finer-grained header, which its SDKs prefer when both are there.
    if (details.retry_after_ms > 0) {
      r.headers.emplace_back("retry-after-ms", std::to_string(details.retry_after_ms));
    }
  }
  AddRequestIdHeader(flavor, details.request_id, r);
  return r;
}

ServerResponse RespondToChat(const ChatContext& ctx) {
  const MockOptions& o = *ctx.options;
  const ChatRequest& req = *ctx.request;
  Scenario s = ctx.scenario;
  // The stream-* scenarios break only the streaming path; a gate that never streams misses them.
  if (OnlyAffectsStreams(s) && !(req.problem == RequestProblem::kNone && req.stream)) {
    s = Scenario::kOk;
  }

  ErrorDetails details;
  details.request_id = ctx.request_id;
  details.model = req.model;
  details.method = "POST";
  details.path = "/v1/chat/completions";
  details.retry_after_s = o.retry_after_s;
  details.retry_after_ms = o.retry_after_ms;

  ServerResponse r;
  if (s == Scenario::kHtml502) {
    // A proxy's page: no JSON and no provider request id.
    r = ServerResponse::Make(502, "text/html", kProxy502Page);
  } else if (std::optional<ErrorKind> early = EarlyError(ctx, s)) {
    r = ErrorResponse(o.flavor, *early, details);
  } else if (s == Scenario::kErrorIn200) {
    r = ServerResponse::Make(200, kJson,
                             BuildError(o.flavor, ErrorKind::kUpstreamFailed, details).body);
    AddRequestIdHeader(o.flavor, ctx.request_id, r);
  } else {
    r = Completion(ctx, s, details);
    AddRequestIdHeader(o.flavor, ctx.request_id, r);
  }
  return r;
}

}  // namespace rollgate::mock
