#include "app_smoke.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "app_client.h"
#include "app_log.h"
#include "app_parser.h"
#include "base/clock.h"
#include "base/strings.h"

namespace sample_app {

namespace {

using nlohmann::ordered_json;
namespace base = rollgate::internal;

constexpr char kSystemPrompt[] = "Reply with a compact JSON object only, no markdown.";
constexpr std::string_view kRedacted = "[redacted]";

struct KnobNames {
  const char* label;
  const char* max_tokens;
  const char* stream;
  const char* correlation_id;
  const char* api_key;
};
constexpr KnobNames kEnvNames = {"ROLLGATE_SMOKE_LABEL", "ROLLGATE_SMOKE_MAX_TOKENS",
                                 "ROLLGATE_SMOKE_STREAM", "ROLLGATE_CORRELATION_ID",
                                 "ROLLGATE_SMOKE_API_KEY"};
constexpr KnobNames kHeaderNames = {"X-Rollgate-Smoke-Label", "X-Rollgate-Smoke-Max-Tokens",
                                    "X-Rollgate-Smoke-Stream", "X-Client-Request-Id",
                                    "X-Rollgate-Smoke-Api-Key"};

std::string NewCorrelationId() {
  std::random_device rd;
  std::uniform_int_distribution<int> hex(0, 15);
  std::string id = "sample-app-";
  for (int i = 0; i < 16; ++i) id += "0123456789abcdef"[hex(rd)];
  return id;
}

// How the app's client describes itself, on the wire (User-Agent) and in the protocol object.
std::string UserAgent(const std::string& version) {
  return "sample_app/" + version + " libcurl/" + ClientLibraryVersion();
}

ordered_json ClientJson(const std::string& version) {
  return {{"user_agent", UserAgent(version)},
          {"sdk", "libcurl"},
          {"sdk_version", ClientLibraryVersion()},
          {"runtime", std::string("c++ ") + __VERSION__}};
}

// What one provider call came to, before it is written as protocol JSON.
struct CallOutcome {
  std::string model_sent;
  int status = 0;
  std::optional<AppError> error;
  ParsedAnswer answer;
  std::string request_id;
};

// `x-request-id` first (OpenAI), then any other *request-id* header (the one-api family's
// X-Oneapi-Request-Id), then the "(request id: X)" CometAPI puts in error messages. Our own
// X-Client-Request-Id, should a provider echo it, is not the provider's id.
std::string FindRequestId(const base::Headers& headers, const std::optional<AppError>& error) {
  if (const std::string* v = base::FindHeader(headers, "x-request-id"); v && !v->empty()) {
    return *v;
  }
  for (const auto& [name, value] : headers) {
    std::string lower = base::ToLower(name);
    if (value.empty() || lower == "x-client-request-id") continue;
    if (lower.find("request-id") != std::string::npos ||
        lower.find("requestid") != std::string::npos) {
      return value;
    }
  }
  return error ? RequestIdFromMessage(error->message) : std::string();
}

std::string TransportErrorType(TransportFailure failure) {
  switch (failure) {
    case TransportFailure::kTimeout:
      return "timeout";
    case TransportFailure::kAborted:
      return "aborted";
    case TransportFailure::kTooLarge:
      return "response_too_large";
    default:
      return "connection_error";
  }
}

std::string RequestBody(const std::string& model, const SmokeInput& in) {
  ordered_json expected = {{"ok", true}, {"label", in.label}};
  ordered_json body = {
      {"model", model},
      {"messages",
       {{{"role", "system"}, {"content", kSystemPrompt}},
        {{"role", "user"},
         {"content",
          "Return " + expected.dump(-1, ' ', false, ordered_json::error_handler_t::replace)}}}},
      {"temperature", 0},
      {"max_tokens", in.max_tokens},
  };
  if (in.stream) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  }
  return body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

CallOutcome CallOnce(const AppConfig& config, const SmokeInput& in, const std::string& endpoint,
                     const std::string& key, const std::string& model,
                     const std::function<bool()>& should_abort) {
  CallOutcome out;
  out.model_sent = model;
  StreamParser stream(config.parser);
  ChatCall call;
  call.url = endpoint;
  call.api_key = key;
  call.correlation_id = in.correlation_id;
  call.user_agent = UserAgent(config.version);
  call.body = RequestBody(model, in);
  call.timeout_ms = config.timeout_ms;
  call.should_abort = should_abort;
  if (in.stream) call.on_body = [&stream](std::string_view bytes) { stream.Feed(bytes); };

  ChatReply reply = PostChat(call);
  out.status = reply.status;
  bool success = reply.status >= 200 && reply.status < 300;
  if (reply.status == 0) {
    out.error = AppError{reply.failure_message, TransportErrorType(reply.failure), ""};
  } else if (!success) {
    out.error = ParseErrorBody(reply.status, reply.body);
  } else {
    // A stream request answered with a JSON body (an error envelope, or a provider that
    // ignored stream:true) is parsed as the body it is; anything else is read as SSE, whatever
    // its Content-Type says, as the SDKs' stream readers do.
    std::string_view trimmed = base::TrimView(reply.body);
    bool json_body = !trimmed.empty() && trimmed.front() == '{';
    out.answer =
        in.stream && !json_body ? stream.Finish() : ParseCompletion(reply.body, config.parser);
    if (in.stream && json_body) out.answer.chunks = 0;
    out.error = out.answer.error;
    // A transfer cut short (timeout, reset) is what went wrong, whatever the parser made of
    // the bytes that did arrive.
    if (reply.failure != TransportFailure::kNone) {
      out.error = AppError{reply.failure_message, TransportErrorType(reply.failure), ""};
    }
  }
  out.request_id = FindRequestId(reply.headers, out.error);
  return out;
}

// The trigger text when `primary` is one of the failures fallback.on lists, else "".
std::string FallbackTrigger(const FallbackConfig& fb, const CallOutcome& primary) {
  if (!primary.error) return "";
  bool by_status =
      std::find(fb.on_status.begin(), fb.on_status.end(), primary.status) != fb.on_status.end();
  const std::string& code = primary.error->code;
  bool by_code =
      !code.empty() && std::find(fb.on_code.begin(), fb.on_code.end(), code) != fb.on_code.end();
  if (!by_status && !by_code) return "";
  std::string trigger = primary.status != 0 ? std::to_string(primary.status) : "";
  if (!code.empty()) trigger += (trigger.empty() ? "" : " ") + code;
  return trigger;
}

ordered_json ErrorJson(const AppError& e) {
  ordered_json j = {{"message", e.message}, {"type", e.type}};
  if (!e.code.empty()) j["code"] = e.code;
  return j;
}

ordered_json ProtocolJson(const CallOutcome& c, bool stream) {
  ordered_json j;
  j["status"] = c.status;
  if (!c.error) {
    // The parser's value as it found it (a string, null, or what a tolerant parser let through).
    j["content"] = c.answer.content ? ordered_json::parse(c.answer.content->dump(
                                          -1, ' ', false, nlohmann::json::error_handler_t::replace))
                                    : ordered_json();
    j["finish_reason"] =
        c.answer.finish_reason.empty() ? ordered_json() : ordered_json(c.answer.finish_reason);
  }
  if (!c.request_id.empty()) j["request_id"] = c.request_id;
  if (!c.answer.model.empty()) j["model"] = c.answer.model;
  if (c.answer.parsed) j["fields_present"] = c.answer.fields_present;
  if (c.error) j["error"] = ErrorJson(*c.error);
  if (stream) {
    j["done"] = c.answer.done;
    j["chunks"] = c.answer.chunks;
  }
  return j;
}

std::string ReplaceAll(std::string text, std::string_view needle, std::string_view with) {
  if (needle.empty()) return text;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + with.size())) {
    text.replace(at, needle.size(), with);
  }
  return text;
}

std::string Endpoint(const std::string& base_url) {
  std::string url = base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/v1/chat/completions";
}

}  // namespace

Result<SmokeInput> ParseSmokeKnobs(const SmokeKnobs& knobs, KnobSource source) {
  const KnobNames& names = source == KnobSource::kEnv ? kEnvNames : kHeaderNames;
  SmokeInput in;
  if (knobs.label && !knobs.label->empty()) in.label = *knobs.label;
  if (knobs.max_tokens && !knobs.max_tokens->empty()) {
    const std::string& text = *knobs.max_tokens;
    bool digits = text.size() <= 6 && text.find_first_not_of("0123456789") == std::string::npos;
    int value = digits ? std::stoi(text) : 0;
    if (value < 1) {
      return Status::InvalidArgument(std::string(names.max_tokens) +
                                     ": expected a positive integer, got '" +
                                     base::SanitizeForDisplay(text, 40) + "'");
    }
    in.max_tokens = value;
  }
  if (knobs.stream && !knobs.stream->empty()) {
    const std::string& text = *knobs.stream;
    if (text == "1" || text == "true") {
      in.stream = true;
    } else if (text != "0" && text != "false") {
      return Status::InvalidArgument(std::string(names.stream) + ": expected 0 or 1, got '" +
                                     base::SanitizeForDisplay(text, 40) + "'");
    }
  }
  if (knobs.correlation_id && !knobs.correlation_id->empty()) {
    const std::string& id = *knobs.correlation_id;
    // It goes upstream as a header and into the log: no control bytes, bounded.
    bool printable = id.size() <= 200 && std::all_of(id.begin(), id.end(),
                                                     [](char ch) { return ch > ' ' && ch < 0x7f; });
    if (!printable) {
      return Status::InvalidArgument(std::string(names.correlation_id) +
                                     ": expected up to 200 printable ASCII characters, got '" +
                                     base::SanitizeForDisplay(id, 40) + "'");
    }
    in.correlation_id = id;
  } else {
    in.correlation_id = NewCorrelationId();
  }
  if (knobs.api_key && !knobs.api_key->empty()) {
    const std::string& key = *knobs.api_key;
    // It goes upstream in the Authorization header: one token, bounded. The message never
    // shows the value: it is a key.
    bool token = key.size() <= 512 &&
                 std::all_of(key.begin(), key.end(), [](char ch) { return ch > ' ' && ch < 0x7f; });
    if (!token) {
      return Status::InvalidArgument(std::string(names.api_key) +
                                     ": expected up to 512 printable ASCII characters without "
                                     "spaces (the value is not shown)");
    }
    in.smoke_api_key = key;
  }
  return in;
}

SmokeOutcome RunSmoke(const AppConfig& config, const SmokeInput& in,
                      const std::function<bool()>& should_abort) {
  LogRecord log;
  log.ts_unix_ms = base::SystemClock::Get().NowUnixMs();
  log.version = config.version;
  log.route = in.route;
  log.correlation_id = in.correlation_id;
  log.model = config.model_alias;

  CallOutcome outcome;
  std::optional<LogRecord::Fallback> fallback;
  std::string key;
  // Configuration the deployment got wrong fails here, as it would in production: before any
  // call, as data.
  auto model = config.models.find(config.model_alias);
  Result<std::string> base_url = ResolveValue(config.base_url);
  // The invalid-token call replaces the configured key; the configured one is then not needed.
  Result<std::string> api_key = in.smoke_api_key.empty() ? ResolveValue(config.api_key)
                                                         : Result<std::string>(in.smoke_api_key);
  if (model == config.models.end()) {
    outcome.error =
        AppError{"model alias '" + config.model_alias + "' is not in models", "config_error", ""};
  } else if (!base_url.ok()) {
    outcome.error = AppError{base_url.status().message(), "config_error", ""};
  } else if (!api_key.ok()) {
    outcome.error = AppError{api_key.status().message(), "config_error", ""};
  } else {
    key = *api_key;
    log.endpoint = Endpoint(*base_url);
    outcome = CallOnce(config, in, log.endpoint, key, model->second, should_abort);
    if (config.fallback) {
      std::string trigger = FallbackTrigger(*config.fallback, outcome);
      if (!trigger.empty()) {
        fallback = LogRecord::Fallback{model->second, config.fallback->model, trigger};
        outcome = CallOnce(config, in, log.endpoint, key, config.fallback->model, should_abort);
      }
    }
    log.model = outcome.model_sent;
  }

  ordered_json protocol = ProtocolJson(outcome, in.stream);
  if (fallback) {
    protocol["fallback"] = {
        {"from", fallback->from}, {"to", fallback->to}, {"trigger", fallback->trigger}};
  }
  protocol["client"] = ClientJson(config.version);
  // The invalid-token call: say the call was made with rollgate's key, never which key.
  if (!in.smoke_api_key.empty()) protocol["smoke_api_key_used"] = true;

  SmokeOutcome result;
  // A provider may echo the key back in an error message; the answer goes to stdout or an HTTP
  // body, where a key must never appear. Keys this short would mangle the text instead.
  result.protocol_json = protocol.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  if (key.size() >= 8) result.protocol_json = ReplaceAll(result.protocol_json, key, kRedacted);
  if (Result<std::string> configured = ResolveValue(config.api_key);
      configured.ok() && configured->size() >= 8) {
    result.protocol_json = ReplaceAll(result.protocol_json, *configured, kRedacted);
  }

  if (!config.log_file.empty()) {
    log.ok = !outcome.error && outcome.status >= 200 && outcome.status < 300;
    log.status = outcome.status;
    log.request_id = outcome.request_id;
    log.error_type = outcome.error ? outcome.error->type : "";
    log.fallback = fallback;
    log.authorization = key.empty() ? "" : "Bearer " + key;
    std::string line = FormatLogLine(config.log_fields, log);
    if (config.log_fields != LogFields::kLeaky && key.size() >= 8) {
      line = ReplaceAll(std::move(line), key, kRedacted);
    }
    Status written = AppendLogLine(config.log_file, line);
    if (!written.ok()) result.warning = written.message();
  }
  return result;
}

}  // namespace sample_app
