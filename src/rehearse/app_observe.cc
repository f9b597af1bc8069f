// The observation pass: before the modes, each release rehearsed through its app runs its own
// smoke command once per injected answer, each in a mock session of its own, so that what the
// mock records there (observations.h) belongs to that one call of that one client. A status
// scenario answers every request of its session with that status, so the session's request
// count is how many times the client sent one call: 1 for a client that treats it as final,
// 4 for the retry wrapper that amplifies a 401.
#include "rehearse/app_observe.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <thread>

#include "base/cancellable_environment.h"
#include "base/clock.h"
#include "base/strings.h"
#include "contract/smoke_request.h"
#include "mock/mock_provider.h"
#include "probe/app_probe.h"
#include "rehearse/instance_probe.h"

namespace rollgate::internal {

namespace {

// A session name from a release name: 1-64 of A-Z a-z 0-9 . _ - (MockProvider::OpenSession).
std::string ObserveSessionName(const std::string& release, const std::string& case_name) {
  std::string r = release.substr(0, 40);
  for (char& c : r) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  }
  return "o-" + r + "-" + case_name;
}

// What the app made of a broken answer.
std::string ReportedAs(const AppProbeOutcome& out) {
  if (!out.failure.empty()) return "no answer";
  const AppAnswer& a = out.answer;
  if (a.error || a.status != 200) return "error";
  return "content";
}

struct CaseOutcome {
  ObserveCase c;
  AppProbeOutcome app;
  mock::Observations seen;
  DisconnectObservation disconnect;  // the "disconnect" case
  std::string problem;               // the case could not run
};

std::vector<std::string> Minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (const auto& x : a) {
    if (std::find(b.begin(), b.end(), x) == b.end()) out.push_back(x);
  }
  return out;
}

// The app has finished, so its connections are closed; the mock's handler of a stalled answer
// notices a moment later (its poll wakes on the hang-up, then it records client_closed_ms).
// Read at once, a stall could still look open and the client's timeout unmeasured: the case
// is read once every stall in it is closed or over, waiting at most this long.
constexpr int64_t kStallSettleMs = 1000;

bool StallsSettled(const mock::Observations& o, int64_t now_ms) {
  return std::none_of(o.log.begin(), o.log.end(), [now_ms](const mock::ObservedAttempt& a) {
    return a.stall != mock::StallKind::kNone && a.stall_started_ms >= 0 && a.client_closed_ms < 0 &&
           now_ms < a.stall_started_ms + a.stall_limit_ms;
  });
}

CaseOutcome RunCase(const ObserveContext& ctx, const mock::MockProvider& mock,
                    const ObserveCase& c) {
  CaseOutcome out;
  out.c = c;
  const ReleaseConfig* rel = ctx.config->FindRelease(c.release);
  const AppPlan& plan = ctx.plans.at(c.release);
  std::string session = ObserveSessionName(c.release, c.name);
  Result<std::string> url = mock.OpenSession(session);
  if (!rel || !url.ok()) {
    out.problem = url.ok() ? "no release " + c.release : url.status().message();
    return out;
  }
  auto key = ctx.keys.find(c.release);
  std::vector<std::string> vars =
      AppVariables(plan, *url, key == ctx.keys.end() ? "" : key->second, ctx.work_dir);
  const Environment& base = ctx.env ? *ctx.env : ProcessEnvironment();
  RehearsalEnvironment with_vars(base, {{c.release, vars}});
  CancellableEnvironment env(with_vars, ctx.cancel);
  AppProbeRequest req;
  req.stream = c.stream;
  req.correlation_id = "rg-observe-" + session;
  req.label = rel->prompt.label;
  req.max_tokens = rel->prompt.max_tokens;
  req.release = rel->name;
  req.version = rel->version.literal;
  if (rel->probe != ProbeKind::kHttp) {
    out.app = RunExecProbe(env, ctx.clock ? *ctx.clock : ProcessClock(), rel->exec, req, {},
                           ctx.config->dir, ctx.redactor);
  } else if (c.name == "disconnect") {
    out.disconnect = MeasureDisconnect(*rel, plan, vars, req, mock, session, ctx.config->dir,
                                       ctx.cancel, &out.problem, ctx.redactor, &base);
  } else {
    out.app = ProbeThroughInstance(*rel, plan, vars, req, ctx.config->dir, ctx.cancel, ctx.redactor,
                                   &base);
  }
  PollSession(mock, session, kStallSettleMs, ctx.cancel,
              [&mock](const mock::Observations& o) { return StallsSettled(o, mock.now_ms()); });
  out.seen = mock.observations(mock::ObservationQuery::Session(session));
  return out;
}

void Fold(const ObserveContext& ctx, const CaseOutcome& o, AppReport* r) {
  const std::string& name = o.c.name;
  if (!o.problem.empty()) {
    r->notes.push_back(name + ": " + o.problem);
    return;
  }
  if (name == "disconnect") {
    r->disconnect = o.disconnect;
    if (!o.disconnect.propagated) {
      r->notes.push_back(
          "disconnect: its app kept its upstream call to the provider open for " +
          FormatDurationMs(static_cast<double>(o.disconnect.watched_ms)) +
          " after its user hung up mid-stream (tokens are still generated and billed for nobody; "
          "stop the upstream call when the client disconnects)");
    }
    return;
  }
  if (o.seen.requests == 0) {
    r->notes.push_back(
        name + ": the app sent no request to the mock" +
        (o.app.failure.empty() ? "" : " (" + SanitizeForDisplay(o.app.failure, 160) + ")"));
    return;
  }
  r->observed = true;
  if (name == "plain" || (name == "stream" && r->request.fields.empty())) {
    if (!o.seen.clients.empty()) r->client = o.seen.clients.front();
    if (!o.seen.request_shapes.empty()) r->request = o.seen.request_shapes.front();
    const ReleaseConfig* rel = ctx.config->FindRelease(o.c.release);
    r->not_in_contract = Minus(r->request.fields, ctx.contract_fields);
    std::string direct = BuildSmokeRequestBody(r->request.model.empty() ? "m" : r->request.model,
                                               rel->prompt, o.c.stream);
    r->not_sent = Minus(JsonBodyTopLevelFields(direct), r->request.fields);
  }
  if (name.size() == 3 && std::isdigit(static_cast<unsigned char>(name[0]))) {
    int64_t n = 0;
    for (const auto& [outcome, count] : o.seen.attempts) n += outcome == name ? count : 0;
    r->attempts[name] = n;
    if (name == "429") {
      r->retry_after_honoured = o.seen.retry_after_honoured;
      for (const auto& w : o.seen.retry_after_waits) r->retry_delays_ms.push_back(w.waited_ms);
    }
  } else if (name == "stall-headers") {
    auto it = o.seen.attempts.find("timeout");
    r->attempts["timeout"] = it == o.seen.attempts.end() ? 0 : it->second;
    r->timeout_headers_ms = o.seen.headers_timeout.timeout_ms;
    r->stall_limit_ms["headers"] = o.seen.headers_timeout.stall_limit_ms;
  } else if (name == "stall-body") {
    r->timeout_body_ms = o.seen.body_timeout.timeout_ms;
    r->stall_limit_ms["body"] = o.seen.body_timeout.stall_limit_ms;
  } else if (name == "stall-stream") {
    r->timeout_stream_ms = o.seen.stream_timeout.timeout_ms;
    r->stall_limit_ms["stream"] = o.seen.stream_timeout.stall_limit_ms;
  } else if (name == "stream-cut" || name == "stream-error" || name == "error-in-200") {
    r->reported_as[name] = ReportedAs(o.app);
  }
}

}  // namespace

ObservedRetries AsObservedRetries(const AppReport& report) {
  ObservedRetries o;
  for (const auto& [outcome, n] : report.attempts) {
    if (outcome.size() == 3 &&
        std::all_of(outcome.begin(), outcome.end(),
                    [](char ch) { return ch >= '0' && ch <= '9'; }) &&
        n > 0) {
      o.sends_per_status[std::stoi(outcome)] = n;
    }
  }
  return o;
}

std::vector<ObserveCase> ObserveCases(const ReleaseConfig& rel, const AppPlan& plan) {
  std::vector<ObserveCase> cases;
  if (!plan.through_app) return cases;
  auto add = [&](const std::string& name, const std::string& scenario, bool stream) {
    cases.push_back({rel.name, name, scenario, stream});
  };
  add("plain", "ok", false);
  if (rel.stream) add("stream", "ok", true);
  for (const auto& [status, scenario] :
       std::vector<std::pair<std::string, std::string>>{{"400", "status-400"},
                                                        {"401", "rotated-key"},
                                                        {"403", "status-403"},
                                                        {"404", "status-404"},
                                                        {"422", "status-422"},
                                                        {"429", "rate-limited"},
                                                        {"500", "status-500"},
                                                        {"503", "status-503"}}) {
    add(status, scenario, false);
  }
  add("stall-headers", "stall-headers", false);
  add("stall-body", "stall-mid-body", false);
  if (rel.stream) {
    add("stall-stream", "stall-mid-body", true);
    add("stream-cut", "stream-cut", true);
    add("stream-error", "stream-error", true);
    // Only a route can be hung up on: an exec command's user is rollgate's pipe.
    if (rel.probe == ProbeKind::kHttp) add("disconnect", "stall-mid-body", true);
  }
  add("error-in-200", "error-in-200", false);
  return cases;
}

Status ObserveApps(const ObserveContext& ctx, int parallel, std::vector<AppReport>* reports) {
  std::vector<ObserveCase> cases;
  mock::MockOptions options;
  options.threads = 16;
  options.retry_after_s = 1;
  int longest = 0;
  for (const auto& rel : ctx.config->releases) {
    AppReport r;
    r.release = rel.name;
    const AppPlan& plan = ctx.plans.at(rel.name);
    r.through = plan.through_app ? "app" : "direct";
    r.reason = plan.reason;
    reports->push_back(std::move(r));
    for (auto& c : ObserveCases(rel, plan)) {
      options.scenario_for_session[ObserveSessionName(c.release, c.name)] = c.scenario;
      cases.push_back(std::move(c));
    }
    if (plan.through_app) longest = std::max(longest, rel.timeout_ms);
  }
  if (cases.empty()) return Status::Ok();
  for (const auto& [release, key] : ctx.keys) {
    if (std::find(options.keys.begin(), options.keys.end(), key) == options.keys.end())
      options.keys.push_back(key);
  }
  // Outlasts the release's own timeout, so a client that has one hangs up first.
  options.slow_ms = longest + 1500;
  mock::MockProvider mock(options);
  ROLLGATE_RETURN_IF_ERROR(mock.Start());

  std::vector<CaseOutcome> outcomes(cases.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < cases.size(); i = next++) {
      if (ctx.cancel && ctx.cancel->cancelled()) {
        outcomes[i].c = cases[i];
        outcomes[i].problem = "interrupted";
        continue;
      }
      outcomes[i] = RunCase(ctx, mock, cases[i]);
    }
  };
  std::vector<std::thread> pool;
  int n = std::max(1, std::min<int>(parallel, static_cast<int>(cases.size())));
  pool.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  mock.Stop();
  if (std::string failed = mock.handler_errors().Summary(); !failed.empty()) {
    for (auto& r : *reports) r.notes.push_back(failed);  // what the apps met was not all injected
  }
  for (const auto& o : outcomes) {
    for (auto& r : *reports) {
      if (r.release == o.c.release) Fold(ctx, o, &r);
    }
  }
  return Status::Ok();
}

namespace {

std::string Times(int64_t n) { return n == 1 ? "once" : std::to_string(n) + " times"; }

std::string TimeoutText(const std::optional<int64_t>& t) {
  return t ? FormatDurationMs(static_cast<double>(*t)) : std::string("none (never hung up)");
}

}  // namespace

std::vector<std::string> AppDifferences(const AppReport& a, const AppReport& b) {
  std::vector<std::string> d;
  if (a.through != b.through) {
    d.push_back(a.release + " is rehearsed through " +
                (a.through == "app" ? "its app" : "rollgate's direct probe") + ", " + b.release +
                " through " + (b.through == "app" ? "its app" : "rollgate's direct probe"));
  }
  if (!a.observed || !b.observed) return d;
  const mock::ClientIdentity &x = a.client, &y = b.client;
  if (x.sdk == y.sdk && x.sdk_version != y.sdk_version) {
    d.push_back("client SDK version changed: " + a.release + " " + x.sdk + " " + x.sdk_version +
                ", " + b.release + " " + y.sdk + " " + y.sdk_version);
  } else if (x.sdk != y.sdk) {
    d.push_back("client library differs: " + a.release + " " + x.sdk + " " + x.sdk_version + ", " +
                b.release + " " + y.sdk + " " + y.sdk_version);
  }
  if (x.user_agent != y.user_agent) {
    d.push_back("User-Agent: " + a.release + " '" + x.user_agent + "', " + b.release + " '" +
                y.user_agent + "'");
  }
  if (x.runtime != y.runtime) {
    d.push_back("runtime: " + a.release + " '" + x.runtime + "', " + b.release + " '" + y.runtime +
                "'");
  }
  std::vector<std::string> only_a = Minus(a.request.fields, b.request.fields);
  std::vector<std::string> only_b = Minus(b.request.fields, a.request.fields);
  if (!only_a.empty())
    d.push_back("request fields only " + a.release + " sends: " + Join(only_a, ", "));
  if (!only_b.empty())
    d.push_back("request fields only " + b.release + " sends: " + Join(only_b, ", "));
  if (a.request.token_field != b.request.token_field) {
    d.push_back("token field: " + a.release + " '" + a.request.token_field + "', " + b.release +
                " '" + b.request.token_field + "'");
  }
  std::vector<std::string> headers_a = Minus(a.request.headers, b.request.headers);
  std::vector<std::string> headers_b = Minus(b.request.headers, a.request.headers);
  if (!headers_a.empty())
    d.push_back("headers only " + a.release + " sends: " + Join(headers_a, ", "));
  if (!headers_b.empty())
    d.push_back("headers only " + b.release + " sends: " + Join(headers_b, ", "));
  for (const auto& [status, n] : a.attempts) {
    auto it = b.attempts.find(status);
    if (it == b.attempts.end() || it->second == n) continue;
    std::string what = status == "timeout" ? "the stalled request" : "the " + status + " request";
    d.push_back(b.release + "'s client sent " + what + " " + Times(it->second) + ", " + a.release +
                "'s " + Times(n));
  }
  auto timeout = [&](const char* what, const std::optional<int64_t>& p,
                     const std::optional<int64_t>& q) {
    // Measured timeouts within 250 ms of each other are the same setting seen through timers.
    if (p.has_value() == q.has_value() && (!p || std::llabs(*p - *q) < 250)) return;
    d.push_back(std::string("client timeout ") + what + ": " + a.release + " " + TimeoutText(p) +
                ", " + b.release + " " + TimeoutText(q));
  };
  timeout("before the headers", a.timeout_headers_ms, b.timeout_headers_ms);
  timeout("mid-body", a.timeout_body_ms, b.timeout_body_ms);
  timeout("mid-stream", a.timeout_stream_ms, b.timeout_stream_ms);
  for (const auto& [fault, how] : a.reported_as) {
    auto it = b.reported_as.find(fault);
    if (it != b.reported_as.end() && it->second != how) {
      // One line per fault the two apps report differently, a handful: read as one sentence.
      // NOLINTNEXTLINE(performance-inefficient-string-concatenation)
      d.push_back(fault + ": " + a.release + "'s app reports it as " + how + ", " + b.release +
                  "'s as " + it->second);
    }
  }
  return d;
}

}  // namespace rollgate::internal
