// How probe outcomes become checks. The order of the chat-path checks follows the order in
// which a request can fail: the configuration resolves, the endpoint is reached, the key is
// accepted, the model is served, the answer parses, the answer is the one we asked for, and
// it came fast enough. The first failure is the finding; later checks are "not reached", so
// the operator reads one cause, not five symptoms. The streaming check evaluates its own call.
#include "checks/release_checks.h"

#include <algorithm>

#include "base/strings.h"
#include "checks/describe_exchange.h"
#include "contract/chat_response.h"
#include "contract/smoke_answer.h"

namespace rollgate::internal {

namespace {

CheckResult Pass(const char* id, std::string detail, bool warning = false) {
  return {id, CheckStatus::kPass, std::move(detail), warning};
}
CheckResult Fail(const char* id, std::string detail) {
  return {id, CheckStatus::kFail, std::move(detail), false};
}
CheckResult Skip(const char* id, std::string detail) {
  return {id, CheckStatus::kSkip, std::move(detail), false};
}

bool IsRedirect(int status) { return status >= 300 && status < 400; }

bool IsModelNotFound(const HttpExchange& ex, const std::optional<ErrorBody>& err) {
  if (err && (err->code == "model_not_found" || err->type == "model_not_found")) return true;
  return ex.status == 404 && err && ContainsIgnoreCase(err->message, "model");
}

bool IsRequestRejected(const HttpExchange& ex, const std::optional<ErrorBody>& err) {
  if (ex.status == 400 || ex.status == 413 || ex.status == 415 || ex.status == 422) return true;
  return err && (err->code == "invalid_request" || err->type == "invalid_request_error") &&
         ex.status >= 400;
}

// "" when the endpoint is not a URL (an exec probe's "exec: argv") or one ParseBaseUrl refuses.
std::string Host(const std::string& endpoint) {
  Result<BaseUrl> url = ParseBaseUrl(endpoint);
  return url.ok() ? url->host : std::string();
}

std::string Prov(const ReleaseProfile& p, const std::string& key) {
  auto it = p.provenance.find(key);
  return it == p.provenance.end() ? std::string("not configured") : it->second;
}

std::string RetryNote(const ProbeOutcome& o) {
  if (o.attempts.size() <= 1) return "";
  return "passed after " + Plural(static_cast<long>(o.attempts.size()) - 1, "retry", "retries") +
         " (" + DescribeAttempts(o) + ")";
}

// connectivity: did the call reach the endpoint and get a usable answer from the service?
CheckResult Connectivity(const ReleaseProfile& p, const ProbeOutcome& o, const std::string& via) {
  const HttpExchange& ex = o.last().exchange;
  const auto& err = o.last().error_body;
  std::string tries = o.attempts.size() > 1 ? " after " + DescribeAttempts(o) : "";
  if (!via.empty() && !ex.transport_ok()) return Fail("connectivity", ex.error_detail);
  if (!ex.transport_ok() && ex.error != TransportError::kBodyTooLarge &&
      ex.error != TransportError::kBadEncoding) {
    std::string hint;
    switch (ex.error) {
      case TransportError::kDns:
        hint = ": check the base_url host and the resolver (" + Prov(p, "base_url") + ")";
        break;
      case TransportError::kConnect:
        hint = ": nothing listens there, or a network policy blocks it";
        break;
      case TransportError::kTimeout:
        hint = " (timeout_ms " + std::to_string(p.config->timeout_ms) +
               "): the provider or the path to it is slow";
        break;
      case TransportError::kTls:
        hint = ": the app would fail the same handshake";
        break;
      default:
        break;
    }
    return Fail("connectivity", ex.error_detail + tries + hint);
  }
  if (IsRedirect(ex.status)) {
    return Fail("connectivity",
                std::to_string(ex.status) + " redirect to " +
                    (ex.location.empty() ? "(no Location)" : SanitizeForDisplay(ex.location, 120)) +
                    ": base_url or path is wrong (redirects are not followed; " + p.endpoint + ")");
  }
  if ((ex.status == 429 || ex.status >= 500) && !IsModelNotFound(ex, err) &&
      !IsRequestRejected(ex, err)) {
    std::string what = ex.status == 429 ? "rate limited or out of quota"
                                        : "the provider or a proxy in front of it is failing";
    return Fail("connectivity",
                (via.empty() ? "reached " + Host(p.endpoint) : via + " reached the provider") +
                    " but it answered " + DescribeHttpError(ex, err) + tries + ": " + what);
  }
  if (!via.empty()) {
    return Pass("connectivity",
                via + " reached the provider (HTTP " + std::to_string(ex.status) + ")");
  }
  std::string detail = "reached " + Host(p.endpoint) + " over HTTP/" +
                       (ex.http_version.empty() ? "?" : ex.http_version) + " (connect " +
                       FormatDurationMs(ex.timings.connect_ms) + ", TLS " +
                       FormatDurationMs(ex.timings.tls_ms) + ")";
  std::string note = RetryNote(o);
  if (!note.empty()) return Pass("connectivity", note + "; " + detail, /*warning=*/true);
  return Pass("connectivity", detail);
}

CheckResult Authentication(const ReleaseProfile& p, const ProbeOutcome& o) {
  const HttpExchange& ex = o.last().exchange;
  const auto& err = o.last().error_body;
  std::string key = p.key_fingerprint.empty()
                        ? std::string("the app's key")
                        : "key " + p.key_fingerprint + " from " + Prov(p, "api_key");
  if (ex.status == 401) {
    return Fail("authentication", "key rejected (" + DescribeHttpError(ex, err) + "): " + key +
                                      " is rotated, revoked, or for another provider");
  }
  if (ex.status == 403) {
    return Fail("authentication", "key refused (" + DescribeHttpError(ex, err) + "): " + key +
                                      " lacks permission for this endpoint or region");
  }
  return Pass("authentication", "key accepted: " + key);
}

CheckResult Model(const ReleaseProfile& p, const ProbeOutcome& o, const ChatResponse* parsed,
                  const std::optional<FallbackRecord>& fallback) {
  const HttpExchange& ex = o.last().exchange;
  const auto& err = o.last().error_body;
  if (fallback && !IsModelNotFound(ex, err) && p.config && p.config->fallback &&
      p.config->fallback->block_on_fallback) {
    return Fail(
        "model",
        "primary model '" + fallback->primary_model + "' failed (" + fallback->trigger +
            "); production would fall back to '" + fallback->fallback_model +
            "', and fallback.block_on_fallback makes a fallback a failure: fix the primary");
  }
  if (fallback && !IsModelNotFound(ex, err)) {
    // Production would survive on the fallback, so this is not a block; but it is never silent.
    return Pass("model",
                "primary model '" + fallback->primary_model + "' failed (" + fallback->trigger +
                    "); production falls back to '" + fallback->fallback_model +
                    "', which answered: fix or retire the primary",
                /*warning=*/true);
  }
  std::string model =
      "'" + p.model + "'" + (p.model_alias.empty() ? "" : " (alias '" + p.model_alias + "')");
  if (IsModelNotFound(ex, err)) {
    std::string which = p.model.empty() ? std::string("the model the app chose")
                                        : "model " + model + " from " + Prov(p, "model");
    return Fail("model", which + " is not served by " + Host(p.endpoint) + " (" +
                             DescribeHttpError(ex, err) + "): a retired model or a missing alias");
  }
  if (p.model.empty()) {  // an exec or http probe: the app picks the model itself
    if (parsed && !parsed->model.empty()) {
      return Pass("model", "the app chose its model; served by '" +
                               SanitizeForDisplay(parsed->model, 60) + "'");
    }
    return Pass("model", "the app chose its model and did not report which");
  }
  if (parsed && !parsed->model.empty() && parsed->model.rfind(p.model, 0) != 0) {
    return Pass("model",
                "requested " + model + ", served by '" + SanitizeForDisplay(parsed->model, 60) +
                    "': the gateway routed to another model",
                /*warning=*/true);
  }
  if (parsed && !parsed->model.empty() && parsed->model != p.model) {
    return Pass("model", "requested " + model + ", served as snapshot '" +
                             SanitizeForDisplay(parsed->model, 60) + "'");
  }
  return Pass("model", "model " + model + " served");
}

CheckResult Parser(const ReleaseProfile& p, const ProbeOutcome& o, const ChatResponse* parsed) {
  const HttpExchange& ex = o.last().exchange;
  const auto& err = o.last().error_body;
  (void)p;
  if (ex.error == TransportError::kBodyTooLarge || ex.error == TransportError::kBadEncoding) {
    return Fail("parser_compatibility", ex.error_detail);
  }
  if (!Is2xx(ex.status)) {
    return Fail("parser_compatibility",
                "the provider rejected the request (" + DescribeHttpError(ex, err) +
                    "): its request shape or parameters differ from what the provider accepts");
  }
  if (!parsed->is_json) {
    return Fail("parser_compatibility",
                "HTTP " + std::to_string(ex.status) + " body is not JSON (" + parsed->json_error +
                    "; Content-Type " + SanitizeForDisplay(ContentTypeOf(ex), 60) + "; " +
                    FirstBytes(ex.body) + "): a proxy page or a broken gateway");
  }
  if (parsed->error) {
    return Fail("parser_compatibility", "HTTP " + std::to_string(ex.status) +
                                            " carries an error object (" +
                                            DescribeHttpError(ex, parsed->error) +
                                            "): an error, never to be read as model text");
  }
  if (!parsed->problems.empty()) {
    return Fail("parser_compatibility", Join(parsed->problems, "; "));
  }
  if (!parsed->content_type_json) {
    return Fail("parser_compatibility",
                "Content-Type is " + SanitizeForDisplay(ContentTypeOf(ex), 60) +
                    ", expected application/json: lenient SDKs parse it anyway, strict "
                    "clients and proxies do not");
  }
  std::string detail = "contract fields present: " + Join(parsed->fields_present, ", ");
  if (!parsed->warnings.empty())
    return Pass("parser_compatibility", detail + "; note: " + Join(parsed->warnings, "; "), true);
  return Pass("parser_compatibility", detail);
}

CheckResult Content(const ReleaseProfile& p, const ChatResponse& parsed, ParsedFields* fields) {
  SmokeAnswerInput in;
  in.has_content = parsed.content_kind == ChatResponse::ContentKind::kString;
  in.content = parsed.content;
  in.finish_reason = parsed.finish_reason;
  in.refused = parsed.refusal.has_value();
  in.has_tool_calls = parsed.has_tool_calls;
  in.label = p.config->prompt.label;
  in.max_tokens = p.config->prompt.max_tokens;
  SmokeAnswer answer = EvaluateSmokeAnswer(in);
  fields->content_json = answer.content_json;
  if (!answer.ok) return Fail("content_sanity", answer.reason);
  return Pass("content_sanity",
              "answered " + *answer.content_json + " with finish_reason " + parsed.finish_reason);
}

CheckResult Streaming(const ReleaseProfile& p, const ReleaseProbes& probes,
                      StreamSummary* summary) {
  if (!p.config->stream) return Skip("streaming", "the release does not stream (stream: false)");
  if (!probes.stream) return Skip("streaming", "not run: configuration failed");
  const ProbeOutcome& o = *probes.stream;
  const HttpExchange& ex = o.last().exchange;
  summary->probed = true;
  summary->http_status = ex.status;
  if (!Is2xx(ex.status)) {
    if (!ex.transport_ok()) return Fail("streaming", "streaming call failed: " + ex.error_detail);
    return Fail("streaming", "streaming call answered " +
                                 DescribeHttpError(ex, o.last().error_body) +
                                 (o.attempts.size() > 1 ? " after " + DescribeAttempts(o) : ""));
  }
  const ChatStream& s = *o.stream;
  summary->chunks = s.chunks;
  summary->done_seen = s.done_reported ? std::optional<bool>(s.done_seen) : std::nullopt;
  summary->usage_seen = s.usage_seen;
  summary->finish_reason = s.finish_reason;
  summary->total_tokens = s.total_tokens;
  summary->max_gap_ms = o.stream_max_gap_ms;
  if (s.first_content_ms >= 0) summary->ttft_ms = s.first_content_ms - ex.start_ms;
  std::string progress = std::to_string(s.chunks) + " chunks";
  if (s.error) {
    return Fail("streaming", "an error arrived mid-stream after " + progress + " (" +
                                 DescribeHttpError(HttpExchange{}, s.error) +
                                 "), under HTTP 200: the SDKs raise it as APIError");
  }
  if (ex.error == TransportError::kIdleTimeout) {
    return Fail("streaming", "the stream stalled after " + progress + ": " + ex.error_detail +
                                 " (stream_idle_timeout_ms " +
                                 std::to_string(p.config->stream_idle_timeout_ms) + ")");
  }
  if (!ex.transport_ok())
    return Fail("streaming", "the stream broke after " + progress + ": " + ex.error_detail);
  std::string ct = ContentTypeOf(ex);
  if (probes.via.empty() && !ContainsIgnoreCase(ct, "text/event-stream")) {
    return Fail("streaming", "Content-Type is " + SanitizeForDisplay(ct, 60) +
                                 ", expected text/event-stream (" + progress +
                                 "): the server or a proxy ignored stream: true");
  }
  if (!s.problems.empty()) return Fail("streaming", Join(s.problems, "; ") + " (" + progress + ")");
  SmokeAnswerInput in;
  in.has_content = !s.content.empty();
  in.content = s.content;
  in.finish_reason = s.finish_reason;
  in.refused = s.refused;
  in.has_tool_calls = s.has_tool_calls;
  in.label = p.config->prompt.label;
  in.max_tokens = p.config->prompt.max_tokens;
  SmokeAnswer answer = EvaluateSmokeAnswer(in);
  if (!answer.ok) return Fail("streaming", "streamed answer: " + answer.reason);
  std::string detail =
      !probes.via.empty()
          ? progress + (s.done_reported ? ", [DONE] seen by " + probes.via
                                        : ", [DONE] not reported by the app (" + probes.via +
                                              "): its client may hide it, so the stream's end is "
                                              "unverified")
          : progress + ", [DONE] seen, first token after " + FormatDurationMs(summary->ttft_ms) +
                ", longest gap " + FormatDurationMs(o.stream_max_gap_ms) +
                (s.usage_seen ? ", usage chunk seen" : "");
  const bool unverified = !s.done_reported;
  if (!s.warnings.empty())
    return Pass("streaming", detail + "; note: " + Join(s.warnings, "; "), true);
  return Pass("streaming", detail, unverified);
}

CheckResult Latency(const ReleaseProfile& p, const ProbeOutcome& o, const Thresholds& th,
                    const StreamSummary& stream, const std::string& via) {
  const HttpExchange& ex = o.last().exchange;
  double total = o.latency_ms();
  std::string phases = !via.empty() ? "measured around " + via
                                    : "TTFB " + FormatDurationMs(ex.timings.ttfb_ms) + ", DNS " +
                                          FormatDurationMs(ex.timings.dns_ms) + ", connect " +
                                          FormatDurationMs(ex.timings.connect_ms) + ", TLS " +
                                          FormatDurationMs(ex.timings.tls_ms);
  std::string retries =
      o.attempts.size() > 1
          ? ", " + Plural(static_cast<long>(o.attempts.size()) - 1, "retry", "retries") +
                " included"
          : "";
  if (total > th.max_latency_ms) {
    return Fail("latency", FormatDurationMs(total) + " end to end" + retries +
                               " exceeds max_latency_ms " + std::to_string(th.max_latency_ms) +
                               " (" + phases + ")");
  }
  if (th.max_ttft_ms > 0 && p.config->stream && stream.ttft_ms >= 0 &&
      stream.ttft_ms > th.max_ttft_ms) {
    return Fail("latency", "first streamed token after " + FormatDurationMs(stream.ttft_ms) +
                               " exceeds max_ttft_ms " + std::to_string(th.max_ttft_ms));
  }
  return Pass("latency", FormatDurationMs(total) + " end to end" + retries + " (limit " +
                             FormatDurationMs(th.max_latency_ms) + "; " + phases + ")");
}

// token_budget: smoke traffic must stay cheap; a prompt copied from the app's real system prompt,
// or a budget a reasoning model fills, shows up here before a schedule multiplies it.
CheckResult TokenBudget(const ParsedFields& chat, const StreamSummary& stream,
                        const Thresholds& th) {
  int64_t total = 0;
  bool reported = false;
  std::string parts;
  if (chat.total_tokens >= 0) {
    reported = true;
    total += chat.total_tokens;
    parts = "chat " + std::to_string(chat.total_tokens) + " (prompt " +
            std::to_string(chat.prompt_tokens) + ")";
  }
  if (stream.total_tokens >= 0) {
    reported = true;
    total += stream.total_tokens;
    parts +=
        std::string(parts.empty() ? "" : ", ") + "stream " + std::to_string(stream.total_tokens);
  }
  if (!reported) return Skip("token_budget", "the provider reported no usage");
  if (total > th.max_smoke_tokens) {
    return Fail("token_budget", "the smoke calls used " + std::to_string(total) + " tokens (" +
                                    parts + "), above max_smoke_tokens " +
                                    std::to_string(th.max_smoke_tokens) +
                                    ": shrink prompt.system/prompt.user or prompt.max_tokens");
  }
  return Pass("token_budget", std::to_string(total) + " tokens (" + parts + "; limit " +
                                  std::to_string(th.max_smoke_tokens) + ")");
}

}  // namespace

ReleaseEvaluation EvaluateRelease(const ReleaseProfile& p, const ReleaseProbes& probes,
                                  const Contract& contract, const Thresholds& th) {
  ReleaseEvaluation eval;
  std::vector<CheckResult>& out = eval.checks;
  const std::vector<const char*> chain = {"connectivity", "authentication", "model",
                                          "parser_compatibility", "content_sanity"};
  if (!p.usable()) {
    out.push_back(Fail("configuration", "releases." + p.name + ": " + Join(p.errors, "; ")));
    for (const char* id : chain) out.push_back(Skip(id, "not run: configuration failed"));
    out.push_back(p.config->stream
                      ? Skip("streaming", "not run: configuration failed")
                      : Skip("streaming", "the release does not stream (stream: false)"));
    out.push_back(Skip("latency", "not run: configuration failed"));
    out.push_back(Skip("token_budget", "not run: configuration failed"));
    return eval;
  }
  if (!probes.app_config_error.empty()) {
    out.push_back(
        Fail("configuration", "releases." + p.name + ": the app reports a configuration error: " +
                                  probes.app_config_error + " (the app would fail the same way)"));
    for (const char* id : chain) out.push_back(Skip(id, "not reached: configuration failed"));
    out.push_back(Skip("streaming", "not reached: configuration failed"));
    out.push_back(Skip("latency", "not reached: configuration failed"));
    out.push_back(Skip("token_budget", "not reached: configuration failed"));
    return eval;
  }
  std::string cfg =
      probes.via.empty()
          ? p.ShownMethod() + " " + p.endpoint + ", model '" + p.model + "' (" + Prov(p, "model") +
                "), key " + p.key_fingerprint + " (" + Prov(p, "api_key") + ")"
          : "probe through " + probes.via + " (the app resolves its own endpoint, model and key)";
  if (!p.warnings.empty()) {
    out.push_back(Pass("configuration", cfg + "; note: " + Join(p.warnings, "; "), true));
  } else {
    out.push_back(Pass("configuration", cfg));
  }

  const ProbeOutcome& chat = *probes.chat;
  const HttpExchange& ex = chat.last().exchange;
  std::optional<ChatResponse> parsed;
  if (ex.transport_ok() && Is2xx(ex.status)) {
    parsed = probes.chat_parsed
                 ? *probes.chat_parsed
                 : ParseChatResponse(ex.body, ContentTypeOf(ex), contract.response_fields);
  }
  ParsedFields& fields = eval.parsed;
  StreamSummary& stream = eval.stream;
  if (parsed) {
    fields.finish_reason = parsed->finish_reason;
    fields.response_model = parsed->model;
    fields.fields_present = parsed->fields_present;
    fields.prompt_tokens = parsed->prompt_tokens;
    fields.completion_tokens = parsed->completion_tokens;
    fields.total_tokens = parsed->total_tokens;
  }
  // Each step runs only when every earlier one passed; after a failure the rest are skipped
  // with the name of the check that stopped the chain.
  std::string failed;
  auto step = [&](const char* id, auto fn) {
    if (!failed.empty()) {
      out.push_back(Skip(id, "not reached: " + failed + " failed"));
      return;
    }
    CheckResult r = fn();
    if (r.status == CheckStatus::kFail) failed = r.id;
    out.push_back(std::move(r));
  };
  step("connectivity", [&] { return Connectivity(p, chat, probes.via); });
  step("authentication", [&] { return Authentication(p, chat); });
  step("model", [&] { return Model(p, chat, parsed ? &*parsed : nullptr, probes.fallback); });
  step("parser_compatibility", [&] { return Parser(p, chat, parsed ? &*parsed : nullptr); });
  step("content_sanity", [&] { return Content(p, *parsed, &fields); });
  out.push_back(Streaming(p, probes, &stream));
  step("latency", [&] { return Latency(p, chat, th, stream, probes.via); });
  step("token_budget", [&] { return TokenBudget(fields, stream, th); });
  return eval;
}

CheckResult EvaluateNegativeAuth(const ProbeOutcome& o, const std::string& endpoint,
                                 const std::vector<int>& expect_status) {
  const HttpExchange& ex = o.last().exchange;
  const auto& err = o.last().error_body;
  std::string where = Host(endpoint);
  if (!ex.transport_ok()) {
    return Fail("negative_auth", "ambiguous: the invalid-token call to " + where + " failed (" +
                                     ex.error_detail + "), so it proves nothing about auth");
  }
  if (Is2xx(ex.status)) {
    return Fail("negative_auth",
                where + " answered " + std::to_string(ex.status) +
                    " to a deliberately invalid token: auth is not enforced (a gateway that "
                    "accepts any key hides a rotated secret)");
  }
  bool expected =
      std::find(expect_status.begin(), expect_status.end(), ex.status) != expect_status.end();
  if (!expected) {
    return Fail("negative_auth", "ambiguous: the invalid-token call to " + where + " answered " +
                                     DescribeHttpError(ex, err) + ", not " +
                                     StatusList(expect_status) +
                                     ", so it proves nothing about auth");
  }
  if (!err) {
    return Pass("negative_auth",
                where + " rejected the invalid token with " + std::to_string(ex.status) +
                    ", but without an error body (" + FirstBytes(ex.body) + ")",
                true);
  }
  return Pass("negative_auth",
              where + " rejected the invalid token with " + DescribeHttpError(ex, err));
}

}  // namespace rollgate::internal
