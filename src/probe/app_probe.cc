#include "probe/app_probe.h"

#include "base/strings.h"

namespace rollgate::internal {

AppProbeOutcome RunExecProbe(const Environment& env, const Clock& clock,
                             const ExecProbeConfig& config, const AppProbeRequest& req,
                             const std::vector<std::string>& response_fields,
                             const std::string& dir, const Redactor* redactor) {
  AppProbeOutcome out;
  out.start_unix_ms = clock.NowUnixMs();
  out.started_ms = clock.NowMonoMs();
  CommandOptions opts;
  opts.timeout_ms = config.timeout_ms;
  opts.working_dir = dir;
  opts.max_output_bytes = 1 << 20;
  opts.extra_env = {"ROLLGATE_SMOKE_LABEL=" + req.label,
                    "ROLLGATE_SMOKE_MAX_TOKENS=" + std::to_string(req.max_tokens),
                    std::string("ROLLGATE_SMOKE_STREAM=") + (req.stream ? "1" : "0"),
                    "ROLLGATE_CORRELATION_ID=" + req.correlation_id,
                    "ROLLGATE_RELEASE=" + req.release,
                    "ROLLGATE_VERSION=" + req.version};
  // Always set, empty on the smoke calls: one left in rollgate's own environment must not turn
  // every smoke into an invalid-token call.
  opts.extra_env.push_back("ROLLGATE_SMOKE_API_KEY=" + req.smoke_api_key);
  std::vector<std::string> ran = config.command;
  Result<CommandResult> r = RunConfiguredCommand(env, config.command, opts, &ran[0]);
  std::string shown = ShowCommand(ran);
  out.finished_ms = clock.NowMonoMs();
  if (!r.ok()) {
    out.failure = "the smoke command could not start: " + r.status().message();
    return out;
  }
  if (redactor) {  // on the raw output, before it is parsed, trimmed or escaped
    r->out = redactor->Redact(r->out);
    r->err = redactor->Redact(r->err);
  }
  out.answer = ParseAppAnswer(r->out, response_fields);
  std::string err = SanitizeEndsForDisplay(Trim(r->err), 160);
  if (r->cancelled) {
    out.failure = "the smoke command `" + shown + "` was " + r->Describe(config.timeout_ms);
  } else if (r->timed_out) {
    out.failure = "the smoke command `" + shown + "` " + r->Describe(config.timeout_ms) +
                  " (command_timeout_ms)";
  } else if (!out.answer.valid) {
    out.failure = "the smoke command `" + shown + "` (" + r->Describe(config.timeout_ms) + ") " +
                  out.answer.problem + (err.empty() ? "" : "; stderr: " + err);
  } else if (!r->succeeded()) {
    // A protocol answer with a failing exit code: the answer counts, the exit code is noted.
    out.answer.chat.warnings.push_back("the smoke command exited with " +
                                       r->Describe(config.timeout_ms));
  }
  return out;
}

void LaunchHttpProbe(HttpTransport* transport, const HttpProbeConfig& config,
                     const std::map<std::string, std::string>& headers, int timeout_ms,
                     const AppProbeRequest& req, const std::vector<std::string>& response_fields,
                     std::function<void(AppProbeOutcome)> done) {
  HttpRequest http;
  http.method = config.method;
  http.url = config.url;
  http.body = config.body;
  http.timeout_ms = timeout_ms;
  http.headers = {{"Accept", "application/json"},
                  {"X-Client-Request-Id", req.correlation_id},
                  {"X-Rollgate-Smoke-Label", req.label},
                  {"X-Rollgate-Smoke-Max-Tokens", std::to_string(req.max_tokens)},
                  {"X-Rollgate-Smoke-Stream", req.stream ? "1" : "0"}};
  if (!req.smoke_api_key.empty())
    http.headers.emplace_back("X-Rollgate-Smoke-Api-Key", req.smoke_api_key);
  for (const auto& [k, v] : headers) http.headers.emplace_back(k, v);
  std::string url = config.url;
  std::string header = config.version_header;
  std::string want = req.version;
  transport->Start(
      std::move(http), nullptr,
      [done = std::move(done), url, header, want, fields = response_fields](HttpExchange ex) {
        AppProbeOutcome out;
        out.started_ms = ex.start_ms;
        out.finished_ms = ex.end_ms;
        out.start_unix_ms = ex.start_unix_ms;
        if (!ex.transport_ok()) {
          out.failure = "the smoke route " + url + " failed: " + ex.error_detail;
        } else {
          out.answer = ParseAppAnswer(ex.body, fields);
          const std::string* served = FindHeader(ex.headers, header);
          out.served_version = served ? *served : "";
          if (!out.answer.valid) {
            out.failure = "the smoke route " + url + " answered " + std::to_string(ex.status) +
                          " and " + out.answer.problem;
          } else if (!served) {
            out.failure = "the smoke route " + url + " sent no " + header +
                          " header, so nothing proves which release answered";
          } else if (*served != want) {
            out.failure = "the smoke route " + url + " was served by version " +
                          SanitizeForDisplay(*served, 40) + ", expected " + want +
                          ": traffic reached another release";
          }
        }
        out.route = std::move(ex);
        done(std::move(out));
      });
}

ProbeOutcome AsProbeOutcome(const AppProbeOutcome& app) {
  ProbeOutcome o;
  o.started_ms = app.started_ms;
  o.finished_ms = app.finished_ms;
  Attempt a;
  HttpExchange& ex = a.exchange;
  ex.start_ms = app.started_ms;
  ex.end_ms = app.finished_ms;
  ex.start_unix_ms = app.start_unix_ms;
  ex.timings = app.route.timings;
  ex.http_version = app.route.http_version;
  if (!app.failure.empty()) {
    ex.error = TransportError::kOther;
    ex.error_detail = app.failure;
  } else if (app.answer.status == 0) {
    ex.error = TransportError::kOther;
    ex.error_detail = "the app got no answer from the provider" +
                      (app.answer.error ? ": " + SanitizeForDisplay(app.answer.error->message, 160)
                                        : std::string());
    a.error_body = app.answer.error;
  } else {
    ex.status = app.answer.status;
    a.error_body = app.answer.error;
    if (!app.answer.request_id.empty())
      ex.headers.emplace_back("x-request-id", app.answer.request_id);
  }
  o.attempts.push_back(std::move(a));
  return o;
}

}  // namespace rollgate::internal
