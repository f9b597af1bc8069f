#include "run/release_prober.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>

#include "base/secret.h"
#include "base/strings.h"
#include "contract/request_id.h"
#include "contract/smoke_request.h"
#include "probe/app_probe.h"
#include "run/outcome_redaction.h"
#include "run/runner.h"

namespace rollgate::internal {

// The provider request with the release's own headers. On the invalid-token call every secret
// header carries an invalid value too: a gateway that also accepts X-Api-Key would otherwise
// let the call through on that header and make the check prove nothing.
HttpRequest ProviderRequest(const ReleaseProfile& p, const std::string& token,
                            const std::string& client_id, bool invalid_credentials) {
  const ReleaseConfig& c = *p.config;
  HttpRequest req;
  req.method = p.ProviderMethod();
  req.url = p.provider_endpoint;
  req.headers.emplace_back("Authorization", "Bearer " + token);
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("Accept", "application/json");
  req.headers.emplace_back("X-Client-Request-Id", client_id);
  for (const auto& h : p.headers) {
    req.headers.emplace_back(h.name, invalid_credentials && h.secret ? token : h.value);
  }
  req.timeout_ms = c.timeout_ms;
  req.connect_timeout_ms = c.connect_timeout_ms;
  req.max_body_bytes = c.max_body_bytes;
  req.ca_file = c.ca_file;
  return req;
}

namespace {

// Did the primary call fail in a way the release's `fallback.on` names?
std::string FallbackTrigger(const FallbackConfig& fb, const ProbeOutcome& o) {
  const Attempt& a = o.last();
  int status = a.exchange.status;
  std::string code =
      a.error_body ? (a.error_body->code.empty() ? a.error_body->type : a.error_body->code) : "";
  bool by_status =
      std::find(fb.on_status.begin(), fb.on_status.end(), status) != fb.on_status.end();
  bool by_code =
      !code.empty() && std::find(fb.on_codes.begin(), fb.on_codes.end(), code) != fb.on_codes.end();
  if (!by_status && !by_code) return "";
  return std::to_string(status) + (code.empty() ? "" : " " + code);
}

void LaunchDirect(const ProbeContext& ctx, ReleaseRun* run) {
  const ReleaseProfile& p = run->profile;
  const ReleaseConfig& c = *p.config;
  const Clock* clock = ctx.clock;
  auto now = [clock] { return clock->NowUnixMs(); };
  ProbeSpec chat;
  chat.request = ProviderRequest(p, p.api_key, run->chat_request_id);
  chat.request.body = BuildSmokeRequestBody(p.model, c.prompt, /*stream=*/false);
  chat.retry = c.retry;
  LaunchProbe(ctx.transport, std::move(chat), ctx.jitter, now, [ctx, run, now](ProbeOutcome o) {
    RedactProbeOutcome(*ctx.redactor, &o);
    const ReleaseProfile& rp = run->profile;
    std::string trigger = rp.config->fallback && !rp.fallback_model.empty()
                              ? FallbackTrigger(*rp.config->fallback, o)
                              : std::string();
    if (trigger.empty()) {
      run->probes.chat = std::move(o);
      return;
    }
    // Production would retry on the fallback model: so does the probe, and says so.
    run->primary = std::move(o);
    run->primary_request_id = run->chat_request_id;
    run->chat_request_id = NewClientRequestId();
    run->probes.fallback = FallbackRecord{rp.model, rp.fallback_model, trigger};
    ProbeSpec again;
    again.request = ProviderRequest(rp, rp.api_key, run->chat_request_id);
    again.request.body = BuildSmokeRequestBody(rp.fallback_model, rp.config->prompt, false);
    again.retry = rp.config->retry;
    LaunchProbe(ctx.transport, std::move(again), ctx.jitter, now, [ctx, run](ProbeOutcome second) {
      RedactProbeOutcome(*ctx.redactor, &second);
      run->probes.chat = std::move(second);
    });
  });
  if (c.stream) {
    ProbeSpec stream;
    stream.stream = true;
    stream.usage_requested = true;
    stream.request = ProviderRequest(p, p.api_key, run->stream_request_id);
    stream.request.body = BuildSmokeRequestBody(p.model, c.prompt, /*stream=*/true);
    stream.request.idle_timeout_ms = c.stream_idle_timeout_ms;
    stream.retry = c.retry;
    LaunchProbe(ctx.transport, std::move(stream), ctx.jitter, now, [ctx, run](ProbeOutcome o) {
      RedactProbeOutcome(*ctx.redactor, &o);
      run->probes.stream = std::move(o);
    });
  }
}

AppProbeRequest AppRequest(const ReleaseProfile& p, bool stream,
                           const std::string& correlation_id) {
  AppProbeRequest r;
  r.stream = stream;
  r.correlation_id = correlation_id;
  r.label = p.config->prompt.label;
  r.max_tokens = p.config->prompt.max_tokens;
  r.release = p.name;
  r.version = p.version;
  return r;
}

// What the app answered, in the shape the shared checks read.
void TakeAppOutcome(const Redactor& redactor, ReleaseRun* run, AppProbeOutcome app, bool stream) {
  RedactAppProbeOutcome(redactor, &app);
  ProbeOutcome o = AsProbeOutcome(app);
  if (stream) {
    if (app.failure.empty() && app.answer.status >= 200 && app.answer.status < 300) {
      o.stream = AppAnswerAsStream(app.answer);
    }
    run->probes.stream = std::move(o);
    return;
  }
  if (app.failure.empty()) {
    run->probes.chat_parsed = app.answer.chat;
    if (app.answer.status == 0 && app.answer.error && app.answer.error->type == "config_error") {
      run->probes.app_config_error = app.answer.error->message;
    }
    if (app.answer.fallback) {
      run->probes.fallback = *app.answer.fallback;
    }
  }
  run->probes.chat = std::move(o);
}

}  // namespace

void LaunchReleaseProbes(const ProbeContext& ctx, ReleaseRun* run,
                         std::vector<std::thread>* threads) {
  const ReleaseProfile& p = run->profile;
  const ReleaseConfig& c = *p.config;
  run->chat_request_id = NewClientRequestId();
  if (c.stream) run->stream_request_id = NewClientRequestId();
  if (c.probe == ProbeKind::kDirect) {
    LaunchDirect(ctx, run);
    return;
  }
  if (c.probe == ProbeKind::kHttp) {
    run->probes.via = "the smoke route " + ShowUrl(c.http.url);
    std::map<std::string, std::string> headers;
    for (const auto& h : p.headers) headers[h.name] = h.value;
    for (bool stream : {false, true}) {
      if (stream && !c.stream) continue;
      const std::string& id = stream ? run->stream_request_id : run->chat_request_id;
      LaunchHttpProbe(ctx.transport, c.http, headers, c.timeout_ms, AppRequest(p, stream, id),
                      ctx.response_fields, [ctx, run, stream](AppProbeOutcome app) {
                        TakeAppOutcome(*ctx.redactor, run, std::move(app), stream);
                      });
    }
    return;
  }
  run->probes.via = "the smoke command `" + ShowCommand(c.exec.command) + "`";
  for (bool stream : {false, true}) {
    if (stream && !c.stream) continue;
    AppProbeRequest req =
        AppRequest(p, stream, stream ? run->stream_request_id : run->chat_request_id);
    threads->emplace_back([ctx, run, req, stream] {
      AppProbeOutcome app = RunExecProbe(*ctx.env, *ctx.clock, run->profile.config->exec, req,
                                         ctx.response_fields, ctx.config_dir, ctx.redactor);
      TakeAppOutcome(*ctx.redactor, run, std::move(app), stream);
    });
  }
}

std::vector<NegativeRun> PlanNegativeAuth(const std::vector<ReleaseRun>& runs) {
  std::vector<NegativeRun> out;
  for (const auto& run : runs) {
    const ReleaseProfile& p = run.profile;
    if (!p.usable() || p.provider_endpoint.empty()) continue;
    bool seen = std::any_of(out.begin(), out.end(), [&](const NegativeRun& n) {
      return n.endpoint == p.provider_endpoint;
    });
    if (!seen) out.push_back({p.name, p.provider_endpoint, NewClientRequestId(), std::nullopt});
  }
  return out;
}

std::string NewInvalidKey() {
  std::random_device device;
  std::mt19937_64 rng(static_cast<uint64_t>(device()) << 32 | device());
  char buf[80];
  std::snprintf(buf, sizeof buf, "sk-rollgate-negative-auth-invalid-%016llx%016llx",
                static_cast<unsigned long long>(rng()), static_cast<unsigned long long>(rng()));
  return buf;
}

void LaunchNegativeAuth(const ProbeContext& ctx, const ReleaseProfile& p,
                        const std::string& invalid_key, NegativeRun* neg) {
  ProbeSpec spec;
  spec.request =
      ProviderRequest(p, invalid_key, neg->client_request_id, /*invalid_credentials=*/true);
  // With no model configured (an exec/http release), any plausible name does: auth comes first.
  spec.request.body =
      BuildSmokeRequestBody(p.model.empty() ? "gpt-4o-mini" : p.model, p.config->prompt, false);
  spec.retry.max_attempts = 1;  // one call: a retry would only repeat the same answer
  const Clock* clock = ctx.clock;
  LaunchProbe(
      ctx.transport, std::move(spec), ctx.jitter, [clock] { return clock->NowUnixMs(); },
      [ctx, neg](ProbeOutcome o) {
        RedactProbeOutcome(*ctx.redactor, &o);
        neg->outcome = std::move(o);
      });
}

std::vector<AppNegativeRun> PlanAppNegativeAuth(const std::vector<ReleaseRun>& runs) {
  std::vector<AppNegativeRun> out;
  for (const auto& run : runs) {
    const ReleaseProfile& p = run.profile;
    if (!p.usable() || (p.config->probe != ProbeKind::kExec && p.config->probe != ProbeKind::kHttp))
      continue;
    out.push_back(
        {p.name, p.config->probe == ProbeKind::kHttp, NewClientRequestId(), std::nullopt});
  }
  return out;
}

void LaunchAppNegativeAuth(const ProbeContext& ctx, const ReleaseProfile& p,
                           const std::string& invalid_key, AppNegativeRun* neg,
                           std::vector<std::thread>* threads) {
  AppProbeRequest req = AppRequest(p, /*stream=*/false, neg->client_request_id);
  req.smoke_api_key = invalid_key;
  if (neg->http) {
    std::map<std::string, std::string> headers;
    for (const auto& h : p.headers) headers[h.name] = h.value;
    LaunchHttpProbe(ctx.transport, p.config->http, headers, p.config->timeout_ms, req,
                    ctx.response_fields, [ctx, neg](AppProbeOutcome app) {
                      RedactAppProbeOutcome(*ctx.redactor, &app);
                      neg->outcome = std::move(app);
                    });
    return;
  }
  const ExecProbeConfig* exec = &p.config->exec;
  threads->emplace_back([ctx, exec, req, neg] {
    AppProbeOutcome app = RunExecProbe(*ctx.env, *ctx.clock, *exec, req, ctx.response_fields,
                                       ctx.config_dir, ctx.redactor);
    RedactAppProbeOutcome(*ctx.redactor, &app);
    neg->outcome = std::move(app);
  });
}

std::vector<AttemptRecord> AttemptRecords(AttemptKind kind, const ProbeOutcome& o,
                                          const std::string& client_id, const std::string& model) {
  std::vector<AttemptRecord> out;
  for (const auto& a : o.attempts) {
    const HttpExchange& ex = a.exchange;
    AttemptRecord r;
    r.kind = kind;
    r.attempt = a.number;
    r.ts_unix_ms = ex.start_unix_ms;
    r.http_status = ex.status;
    if (!ex.transport_ok()) {
      r.outcome = TransportErrorName(ex.error);
      r.error = ex.error_detail;
    } else {
      r.outcome = ex.status >= 200 && ex.status < 300 ? "ok" : "http_" + std::to_string(ex.status);
    }
    RequestId rid = FindRequestId(ex.headers, a.error_body);
    r.request_id = rid.id;
    r.request_id_source = rid.source;
    r.latency_ms = ex.latency_ms();
    r.timings = ex.timings;
    r.retry_decision = a.decision.reason;
    r.backoff_ms = a.decision.retry ? a.decision.delay_ms : 0;
    r.client_request_id = client_id;
    r.model = model;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace rollgate::internal
