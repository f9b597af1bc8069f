#include "serve/serve_service.h"

#include <chrono>
#include <thread>

#include "base/net.h"
#include "base/strings.h"
#include "config/resolver.h"
#include "contract/flagger_payload.h"
#include "run/runner.h"
#include "serve/webhooks.h"
#include "store/history_append.h"
#include "store/history_store.h"

namespace rollgate::internal {

namespace {

constexpr auto kCancelGrace = std::chrono::seconds(30);

// The real gate run: the pipeline of `rollgate gate`, with a cancel token this run owns so the
// watchdog and shutdown can stop it, without the pipeline's own history append (the
// coordinator appends, recording what triggered the run).
GateRunner PipelineRunner(const Config& config, const ServeOptions& options) {
  return [&config, env = options.env, evidence_dir = options.evidence_dir](
             RunControl& control, RunReport* report, Redactor* redactor) -> Status {
    RunOptions run;
    run.command = Command::kGate;
    run.evidence_dir = evidence_dir;
    run.write_evidence = !evidence_dir.empty();
    run.append_history = false;
    CancelToken cancel;  // the watchdog's and shutdown's way in: calls, backoffs, commands
    run.cancel = &cancel;
    RunSeams seams;
    seams.env = env;
    seams.redactor_out = redactor;
    control.SetCancel([&cancel, &control] { cancel.Cancel(control.signal()); });
    Status st = RunPipeline(config, run, seams, report);
    control.ClearCancel();
    return st;
  };
}

std::string Sanitized(const std::string& text) { return SanitizeForDisplay(text, 80); }

}  // namespace

ServeService::ServeService(Config config, ServeOptions options)
    : config_(std::move(config)), options_(std::move(options)) {
  serve_ = config_.serve.value_or(ServeConfig{});
  limits_ = config_.schedule.value_or(ScheduleConfig{});
}

ServeService::~ServeService() { Shutdown(); }

void ServeService::Log(const std::string& line) const {
  if (options_.log) options_.log(redactor_.Redact(line));
}

Status ServeService::ResolveToken() {
  if (!serve_.token) {
    auth_ = std::make_unique<BearerAuth>(std::nullopt);
    return Status::Ok();
  }
  const Environment& env = options_.env ? *options_.env : SystemEnvironment::Get();
  Resolver resolver(env, config_.dir);
  ResolvedValue token = resolver.Resolve(*serve_.token, /*secret=*/true);
  if (!token.ok) {
    return Status::InvalidArgument(config_.file + ": serve.token: " + token.error);
  }
  std::string value = Trim(token.value);
  if (value.empty()) {
    return Status::InvalidArgument(config_.file + ": serve.token: " + token.provenance +
                                   " is empty");
  }
  redactor_.AddSecret(value);
  if (value.size() < 16) {
    Log("warning: serve.token (" + token.provenance +
        ") is shorter than 16 characters; use a long random value (openssl rand -hex 32)");
  }
  auth_ = std::make_unique<BearerAuth>(value);
  return Status::Ok();
}

Status ServeService::Start() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (started_) return Status::Internal("rollgate serve: Start() called twice");
  started_ = true;

  std::string listen = options_.listen.empty() ? serve_.listen : options_.listen;
  Result<ListenAddress> address = ParseListenAddress(listen);
  if (!address.ok()) return Status::InvalidArgument("listen address " + address.status().message());
  host_ = address->host;
  port_ = address->port;
  if (config_.history && IsDirectory(config_.history->db)) {
    return Status::InvalidArgument(config_.file + ": history.db: " + config_.history->db +
                                   " is a directory; name the database file");
  }
  ROLLGATE_RETURN_IF_ERROR(ResolveToken());

  ROLLGATE_RETURN_IF_ERROR(OpenHistory());
  const Clock& clock = options_.clock ? *options_.clock : SystemClock::Get();
  const std::string holder = HistoryHolderId();
  ROLLGATE_RETURN_IF_ERROR(StartCoordinator(clock, holder));
  ROLLGATE_RETURN_IF_ERROR(StartHttpServer());
  if (config_.schedule) StartScheduler(clock);
  LogStarted(holder);
  return Status::Ok();
}

Status ServeService::StartCoordinator(const Clock& clock, const std::string& holder) {
  metrics_ = std::make_unique<GateMetrics>(config_.service, limits_.max_runs_per_day,
                                           limits_.max_tokens_per_day);
  CoordinatorOptions co;
  co.service = config_.service;
  co.history = history_.get();
  co.holder = holder;
  co.run_timeout_ms = serve_.run_timeout_ms;
  co.max_runs_per_day = limits_.max_runs_per_day;
  co.max_tokens_per_day = limits_.max_tokens_per_day;
  GateRunner runner = options_.runner ? options_.runner : PipelineRunner(config_, options_);
  coordinator_ =
      std::make_unique<RunCoordinator>(co, std::move(runner), clock, *metrics_, redactor_,
                                       [this](const std::string& line) { Log(line); });
  return coordinator_->Start();
}

Status ServeService::StartHttpServer() {
  HttpServerOptions http;
  http.host = host_;
  http.port = port_;
  http.max_connections = serve_.max_connections;
  http.max_connections_per_client = serve_.max_connections_per_client;
  http.request_timeout_ms = serve_.request_timeout_ms;
  http.max_request_body_bytes = 1u << 20;  // Flagger's payload is a few hundred bytes
  http.on_error = [this](const std::string& message) { Log("error: " + message); };
  server_ = std::make_unique<HttpServer>(http);
  RegisterRoutes();
  ROLLGATE_RETURN_IF_ERROR(server_->Start());
  port_ = server_->port();
  return Status::Ok();
}

void ServeService::StartScheduler(const Clock& clock) {
  ScheduleTimer* timer = options_.timer;
  if (!timer) {
    own_timer_ = std::make_unique<SystemScheduleTimer>(clock);
    timer = own_timer_.get();
  }
  ScheduleOptions so{config_.schedule->every_ms, config_.schedule->jitter_ms,
                     /*slots=*/history_ && history_->shared()};
  scheduler_ = std::make_unique<Scheduler>(
      so, *timer, options_.jitter,
      [this](int64_t slot_start_ms) { return coordinator_->RunSlot(slot_start_ms); });
  scheduler_->Start();
}

void ServeService::LogStarted(const std::string& holder) const {
  Log("serving " + config_.service + " from " + config_.file + " on " + url());
  if (config_.schedule) {
    Log("schedule: a gate every " + FormatDurationMs(static_cast<double>(limits_.every_ms)) +
        " plus up to " + FormatDurationMs(static_cast<double>(limits_.jitter_ms)) + " of jitter");
  } else {
    Log("no schedule: configured; gates run only when a webhook or POST /run asks");
  }
  Log("caps per UTC day: " + std::to_string(limits_.max_runs_per_day) + " runs, " +
      std::to_string(limits_.max_tokens_per_day) + " usage tokens (webhook runs count too)");
  if (!auth_->configured()) {
    Log("warning: no serve.token configured: the webhooks and POST /run answer 403");
  }
  if (!history_) {
    Log("no history: configured; runs are not recorded");
  } else if (history_->shared()) {
    Log("history: " + history_->name() +
        " (shared: replicas claim each scheduled slot and "
        "count the caps in it; replica " +
        holder + ")");
  } else {
    Log("history: " + history_->name());
  }
}

Status ServeService::OpenHistory() {
  if (!config_.history) return Status::Ok();
  const Environment& env = options_.env ? *options_.env : SystemEnvironment::Get();
  Result<HistoryLocation> location =
      ResolveHistoryLocation(*config_.history, config_.dir, env, &redactor_);
  if (!location.ok()) return location.status().WithContext(config_.file);
  ROLLGATE_ASSIGN_OR_RETURN(history_, OpenHistoryStore(*location));
  ROLLGATE_RETURN_IF_ERROR(history_->HoldForServe(config_.service));
  Status prepared = history_->Prepare();
  if (prepared.code() == Status::Code::kIoError) {
    // A database restarting when serve starts is no reason to exit: runs are refused (and
    // logged) until it answers.
    Log("warning: the history " + history_->name() +
        " cannot be reached yet: " + prepared.message());
  } else if (!prepared.ok()) {
    return prepared;
  }
  return Status::Ok();
}

ServerResponse ServeService::Authorize(const ServerRequest& request, const char* route) const {
  AuthVerdict v = auth_->Check(request);
  if (v.ok) return ServerResponse::Make(200, "", "");
  Log(std::string(route) + " refused (" + std::to_string(v.status) + " from " +
      request.remote_addr + "): " + v.message);
  ServerResponse r = JsonError(v.status, v.message);
  if (v.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"rollgate\"");
  return r;
}

ServerResponse ServeService::HandleFlagger(const ServerRequest& request) {
  ServerResponse denied = Authorize(request, "POST /hooks/flagger");
  if (denied.status != 200) return denied;
  Result<FlaggerPayload> payload = ParseFlaggerPayload(request.body);
  if (!payload.ok()) {
    Log("POST /hooks/flagger: bad payload: " + payload.status().message());
    return JsonError(400, payload.status().message());
  }
  return RunAndAnswer(Caller::kFlagger, "flagger", serve_.max_result_age_ms,
                      "POST /hooks/flagger canary=" + Sanitized(payload->namespace_name) + "/" +
                          Sanitized(payload->name) + " phase=" + Sanitized(payload->phase));
}

ServerResponse ServeService::HandleArgo(const ServerRequest& request) {
  // The server answers HEAD through the GET route, but a HEAD (a link checker, a load
  // balancer's probe) must not start a gate that spends provider calls.
  if (request.method == "HEAD") {
    ServerResponse r =
        ServerResponse::Make(405, "text/plain", "HEAD /hooks/argo runs no gate: use GET or POST\n");
    r.headers.emplace_back("Allow", "GET, POST");
    return r;
  }
  ServerResponse denied = Authorize(request, "/hooks/argo");
  if (denied.status != 200) return denied;
  return RunAndAnswer(Caller::kArgo, "argo", serve_.max_result_age_ms, "/hooks/argo");
}

ServerResponse ServeService::HandleRun(const ServerRequest& request) {
  ServerResponse denied = Authorize(request, "POST /run");
  if (denied.status != 200) return denied;
  return RunAndAnswer(Caller::kRunApi, "api", /*max_age_ms=*/-1, "POST /run");
}

// One authorised trigger: run (or join, or reuse) a gate, answer in the caller's shape, log it.
ServerResponse ServeService::RunAndAnswer(Caller caller, const char* trigger, int64_t max_age_ms,
                                          const std::string& what) {
  RunRequest run;
  run.trigger = trigger;
  run.max_age_ms = max_age_ms;
  RunOutcome outcome = coordinator_->Run(run);
  ServerResponse r = OutcomeResponse(caller, outcome, redactor_);
  Log(what + ": " + std::to_string(r.status) + " (" + ToString(outcome.kind) + ")");
  return r;
}

void ServeService::RegisterRoutes() {
  HttpServer& s = *server_;
  s.Handle("GET", "/metrics", [this](const ServerRequest&) {
    coordinator_->RefreshShared();  // a shared history: the newest result of any replica
    ServerResponse r = ServerResponse::Make(200, kPrometheusContentType, metrics_->Render());
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  });
  s.Handle("GET", "/healthz",
           [](const ServerRequest&) { return ServerResponse::Make(200, "text/plain", "ok\n"); });
  s.Handle("POST", "/hooks/flagger", [this](const ServerRequest& r) { return HandleFlagger(r); });
  s.Handle("GET", "/hooks/argo", [this](const ServerRequest& r) { return HandleArgo(r); });
  s.Handle("POST", "/hooks/argo", [this](const ServerRequest& r) { return HandleArgo(r); });
  s.Handle("POST", "/run", [this](const ServerRequest& r) { return HandleRun(r); });
  s.SetFallback([](const ServerRequest& r) {
    static const std::vector<std::pair<std::string, std::string>> kAllowed = {
        {"/metrics", "GET, HEAD"},
        {"/healthz", "GET, HEAD"},
        {"/hooks/flagger", "POST"},
        {"/hooks/argo", "GET, POST"},
        {"/run", "POST"}};
    for (const auto& [path, allow] : kAllowed) {
      if (r.path != path) continue;
      // Built once, on the matching path, then returned.
      // NOLINTBEGIN(performance-inefficient-string-concatenation)
      ServerResponse resp =
          ServerResponse::Make(405, "text/plain", r.method + " " + path + ": use " + allow + "\n");
      // NOLINTEND(performance-inefficient-string-concatenation)
      resp.headers.emplace_back("Allow", allow);
      return resp;
    }
    return ServerResponse::Make(
        404, "text/plain",
        "not found; rollgate serve has /metrics, /healthz, /hooks/flagger, /hooks/argo, /run\n");
  });
}

void ServeService::Shutdown(int signal) {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (!started_ || shut_down_) return;
  shut_down_ = true;
  if (!coordinator_) return;  // Start() failed before anything was running

  const bool busy = coordinator_->in_flight();
  Log(busy ? "stopping: cancelling the run in flight (it is recorded as an interrupted block)"
           : "stopping");
  coordinator_->BeginShutdown();
  // The run in flight ends now, not after serve.run_timeout: a stop must not wait out a slow
  // provider. Its calls end as cancelled; it is still recorded (history, waiting webhooks).
  coordinator_->CancelInFlight(signal);  // also one that started since `busy` was read
  if (own_timer_) own_timer_->Interrupt();
  if (options_.timer) options_.timer->Interrupt();
  // Stop accepting at once; the join inside Stop() waits for handlers, and those waiting for
  // the run in flight return when it ends (below), so stop the server on its own thread.
  std::thread stopper([this] {
    if (server_) server_->Stop();
  });
  if (!coordinator_->WaitIdle(kCancelGrace)) {
    Log("warning: the run in flight did not end after cancelling; exiting without it");
  }
  if (scheduler_) scheduler_->Stop();
  stopper.join();
  if (history_) {
    Status st = history_->Checkpoint();
    if (!st.ok()) Log("warning: cannot checkpoint the history: " + st.message());
  }
  Log("stopped");
}

int ServeService::port() const { return port_; }

std::string ServeService::url() const {
  std::string host = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
  return "http://" + host + ":" + std::to_string(port_);
}

}  // namespace rollgate::internal
