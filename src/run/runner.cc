// The pipeline of `rollgate gate` and `rollgate check`, one step per stage:
//
//   contract  -> load the pinned, dated API contract (a missing one is a finding)
//   resolve   -> each release's values from the sources the app reads, with provenance
//   probe     -> every release's smoke call (and stream call) plus the invalid-token calls,
//                all at once: HTTP on one transport loop, exec probes on worker threads
//   logs      -> the app's own log line for each probe, where the release says how to read it
//   check     -> per-release checks from the probe outcomes
//   gate      -> the operator's checklist and the decision
//   evidence  -> gate.json, junit.xml, summary.md, probes.jsonl, scrubbed of every secret
//
// A cancelled run (RunOptions::cancel: SIGINT, SIGTERM, SIGHUP) ends every call, backoff and
// command at once, skips the log reading, and still runs check, gate and evidence: it is
// recorded as interrupted, with decision "block".
#include "run/runner.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "base/cancellable_environment.h"
#include "base/display.h"
#include "base/secret.h"
#include "base/strings.h"
#include "checks/app_logs.h"
#include "checks/app_negative_auth.h"
#include "checks/release_checks.h"
#include "config/loader.h"
#include "config/profile.h"
#include "evidence/evidence.h"
#include "gate/consistency.h"
#include "gate/gates.h"
#include "probe/curl_transport.h"
#include "run/app_log_reader.h"
#include "run/counting_transport.h"
#include "run/fleet_shard.h"
#include "run/release_prober.h"
#include "store/history_append.h"

namespace rollgate::internal {

namespace {

class Pipeline {
 public:
  Pipeline(const Config& config, const RunOptions& options, const RunSeams& seams, RunReport* report)
      : config_(config),
        options_(options),
        seams_(seams),
        env_(seams.env ? *seams.env : SystemEnvironment::Get(), options.cancel),
        clock_(seams.clock ? *seams.clock : SystemClock::Get()),
        report_(report) {}

  Status Run() {
    ROLLGATE_RETURN_IF_ERROR(Prepare());
    std::unique_ptr<HttpTransport> owned;
    HttpTransport* transport = seams_.transport;
    if (!transport) {
      owned = std::make_unique<CurlTransport>();
      transport = owned.get();
    }
    if (seams_.on_transport) seams_.on_transport(transport);
    {
      CancelRegistration cancel_calls(options_.cancel, [transport] { transport->Cancel(); });
      std::vector<std::thread> threads;
      Launch(transport, &threads);
      transport->Run();
      for (auto& t : threads) t.join();
    }
    return Finish();
  }

  // The phases, for runs that share one transport across many configs (RunFleet).
  Status Prepare() {
    report_->command = options_.command;
    report_->service = config_.service;
    report_->config_file = config_.file;
    report_->started_unix_ms = clock_.NowUnixMs();
    ROLLGATE_RETURN_IF_ERROR(LoadContractState());
    return ResolveProfiles();
  }

  Status Finish() {
    if (options_.cancel && options_.cancel->cancelled()) {
      report_->interrupted = true;
      report_->signal = SignalName(options_.cancel->signal());
    }
    ReadAppLogs();
    Check();
    Gate(UnixDay(clock_.NowUnixMs()));
    RedactReport(redactor_, report_);
    if (seams_.redactor_out) *seams_.redactor_out = redactor_;
    report_->finished_unix_ms = clock_.NowUnixMs();
    if (options_.write_evidence) {
      Status st = WriteEvidence(options_.evidence_dir, redactor_, report_, seams_.evidence_batch);
      if (!st.ok()) return Status::IoError("cannot write evidence: " + st.message());
    }
    if (config_.history && options_.append_history) {
      // After the evidence: a history that cannot record the run is a warning, never the verdict.
      std::string warning = RecordRunInHistory(*config_.history, config_.dir, env_, *report_,
                                               redactor_.Redact(RenderGateJson(*report_)), &redactor_);
      if (!warning.empty()) report_->warnings.push_back(warning);
    }
    return Status::Ok();
  }

  // Starts every probe on `transport` (exec probes on threads appended to `threads`).
  void Launch(HttpTransport* transport, std::vector<std::thread>* threads) {
    ProbeContext ctx;
    ctx.transport = transport;
    ctx.env = &env_;
    ctx.clock = &clock_;
    ctx.jitter = seams_.jitter ? seams_.jitter : DefaultJitter();
    ctx.config_dir = config_.dir;
    ctx.response_fields = contract_.contract.response_fields;
    ctx.redactor = &redactor_;
    for (auto& run : runs_) {  // a log file's end before any probe, so only its new lines are read
      const ReleaseConfig& c = *run.profile.config;
      if (run.profile.usable() && c.logs) log_marks_[run.profile.name] = MarkAppLog(*c.logs, config_.dir);
    }
    // A fresh invalid key per run, scrubbed like any secret before the first call can echo it.
    invalid_key_ = NewInvalidKey();
    redactor_.AddSecret(invalid_key_);
    for (auto& run : runs_) {
      if (run.profile.usable()) LaunchReleaseProbes(ctx, &run, threads);
    }
    if (config_.negative_auth.enabled) {
      // Both kinds run: the direct call proves the provider rejects the key, the call through
      // the app proves the release's own client treats the rejection as an error.
      negatives_ = PlanNegativeAuth(runs_);
      for (auto& neg : negatives_) LaunchNegativeAuth(ctx, FindRun(neg.release)->profile, invalid_key_, &neg);
      app_negatives_ = PlanAppNegativeAuth(runs_);
      for (auto& neg : app_negatives_) {
        LaunchAppNegativeAuth(ctx, FindRun(neg.release)->profile, invalid_key_, &neg, threads);
      }
    }
  }

 private:
  Status LoadContractState() {
    contract_.path = config_.contract_path;
    report_->contract_file = config_.contract_path;
    if (config_.contract_path.empty()) return Status::Ok();
    Result<Contract> c = LoadContract(config_.contract_path);
    if (c.ok()) {
      contract_.state = ContractState::State::kLoaded;
      contract_.contract = *c;
      return Status::Ok();
    }
    if (c.status().code() == Status::Code::kInvalidArgument) return c.status();  // unreadable YAML: exit 2
    contract_.state = ContractState::State::kMissing;
    contract_.error = c.status().message();
    return Status::Ok();
  }

  Status ResolveProfiles() {
    Resolver resolver(env_, config_.dir);
    std::vector<const ReleaseConfig*> selected;
    if (options_.command == "check" && !options_.release.empty()) {
      const ReleaseConfig* rel = config_.FindRelease(options_.release);
      if (!rel) {
        std::vector<std::string> names;
        for (const auto& r : config_.releases) names.push_back(r.name);
        return Status::InvalidArgument("--release " + options_.release + ": no such release in " + config_.file +
                                       "; it has: " + Join(names, ", "));
      }
      selected.push_back(rel);
    } else {
      for (const auto& r : config_.releases) selected.push_back(&r);
    }
    runs_.reserve(selected.size());  // probes hold pointers into runs_
    for (const ReleaseConfig* rel : selected) {
      ReleaseRun run;
      run.profile = ResolveRelease(*rel, contract_.contract, resolver);
      std::string service_error = Utf8Error("service", config_.service, "the config file");
      if (!service_error.empty()) run.profile.errors.push_back(service_error);
      redactor_.AddSecret(run.profile.api_key);
      for (const auto& h : run.profile.headers) {
        if (h.secret) redactor_.AddSecret(h.value);
      }
      runs_.push_back(std::move(run));
    }
    if (config_.drill) {  // the drill's literal credentials (its `{env:}` ones stay in drill/route.cc)
      for (const auto& [name, value] : config_.drill->user_facing_headers) {
        if (LooksLikeSecretName(name)) redactor_.AddSecret(value);
      }
    }
    return Status::Ok();
  }

  ReleaseRun* FindRun(const std::string& name) {
    for (auto& r : runs_) {
      if (r.profile.name == name) return &r;
    }
    return nullptr;
  }

  // The app's own log line for each probe, for releases that say how to read their logs.
  void ReadAppLogs() {
    for (auto& run : runs_) {
      const ReleaseConfig& c = *run.profile.config;
      if (!c.logs || !run.probes.chat) continue;
      if (report_->interrupted) {
        app_logs_[run.profile.name] = {"app_logs", CheckStatus::kFail,
                                       "the app's logs were not read: the run was interrupted", false};
        continue;
      }
      std::vector<std::string> ids = {run.chat_request_id};
      if (!run.stream_request_id.empty()) ids.push_back(run.stream_request_id);
      app_logs_[run.profile.name] =
          ReadAndCheckAppLogs(*c.logs, log_marks_[run.profile.name], env_, config_.dir, ids, redactor_);
    }
  }

  void Check() {
    for (auto& run : runs_) {
      const ReleaseProfile& p = run.profile;
      ReleaseReport r;
      r.name = p.name;
      r.version = p.version;
      r.probe = p.config->probe;
      r.endpoint = p.endpoint;
      r.method = p.method;
      r.model = p.model;
      r.key_fingerprint = p.key_fingerprint;
      r.provenance = p.provenance;
      ReleaseEvaluation eval = EvaluateRelease(p, run.probes, contract_.contract, config_.thresholds);
      r.checks = std::move(eval.checks);
      r.parsed = std::move(eval.parsed);
      r.stream = eval.stream;
      if (run.primary) {
        r.attempts = AttemptRecords("chat", *run.primary, run.primary_request_id);
      }
      if (run.probes.fallback) {
        const FallbackRecord& f = *run.probes.fallback;
        r.fallback = FallbackRecord{f.primary_model, f.fallback_model, f.trigger};
      }
      if (run.probes.chat) {
        const ProbeOutcome& o = *run.probes.chat;
        std::string model = run.primary ? p.fallback_model : "";
        for (auto& rec : AttemptRecords("chat", o, run.chat_request_id, model)) r.attempts.push_back(std::move(rec));
        r.timestamp_unix_ms = r.attempts.front().ts_unix_ms;
        r.http_status = o.last().exchange.status;
        r.request_id = r.attempts.back().request_id;
        r.latency_ms = o.latency_ms();
        r.timings = o.last().exchange.timings;
      }
      if (run.probes.stream) {
        for (auto& rec : AttemptRecords("stream", *run.probes.stream, run.stream_request_id)) {
          r.attempts.push_back(std::move(rec));
        }
      }
      if (auto it = app_logs_.find(p.name); it != app_logs_.end()) r.app_logs = it->second;
      report_->releases.push_back(std::move(r));
    }
    for (const auto& neg : negatives_) {
      if (!neg.outcome) continue;
      for (auto& rec : AttemptRecords("negative_auth", *neg.outcome, neg.client_request_id)) {
        report_->negative_auth_attempts.push_back(std::move(rec));
        report_->negative_auth_releases.push_back(neg.release);
      }
      negative_results_.push_back(EvaluateNegativeAuth(*neg.outcome, neg.endpoint, config_.negative_auth.expect_status));
    }
    for (const auto& neg : app_negatives_) {
      if (!neg.outcome) continue;
      for (auto& rec : AttemptRecords("negative_auth", AsProbeOutcome(*neg.outcome), neg.client_request_id)) {
        report_->negative_auth_attempts.push_back(std::move(rec));
        report_->negative_auth_releases.push_back(neg.release);
      }
      AppNegativeAuthInput in{neg.release, neg.http, neg.outcome->failure, neg.outcome->answer};
      negative_results_.push_back(EvaluateAppNegativeAuth(in, config_.negative_auth.expect_status));
    }
  }

  void Gate(int64_t today) {
    std::vector<CheckResult>& gates = report_->gates;
    bool full_gate = options_.command != "check";
    std::vector<ReleaseProfile> profiles;
    for (const auto& r : runs_) profiles.push_back(r.profile);
    for (auto& p : profiles) p.api_key.clear();
    if (full_gate) gates.push_back(ContractReviewedGate(contract_, profiles, today));
    // new and rollback first (the checklist's order), then any other release.
    for (const char* role : {"new", "rollback"}) {
      if (const ReleaseReport* r = report_->FindRelease(role)) gates.push_back(ReleaseSmokeGate(*r));
    }
    for (const auto& r : report_->releases) {
      if (r.name != "new" && r.name != "rollback") gates.push_back(ReleaseSmokeGate(r));
    }
    if (full_gate) {
      const ReleaseRun* n = FindRun("new");
      const ReleaseRun* b = FindRun("rollback");
      if (n && b) {
        gates.push_back(
            ConfigConsistencyGate(DiffReleases(n->profile, b->profile, config_.expect_differences), "new", "rollback"));
      }
    }
    gates.push_back(RetryPolicyGate(profiles, seams_.observed_retries));
    bool any_usable = std::any_of(runs_.begin(), runs_.end(),
                                  [](const ReleaseRun& r) { return r.profile.usable(); });
    gates.push_back(NegativeAuthGate(config_.negative_auth.enabled, negative_results_, any_usable));
    gates.push_back(ObservabilityGate(*report_));
    if (full_gate) {
      gates.push_back({"rollback_switch_drill", CheckStatus::kSkip,
                       "not part of `rollgate gate`: run `rollgate drill` to flip the route and back", false});
    }
    report_->decision = Decide(gates);
    // Whatever finished before the interrupt, an interrupted run is never a pass, and a gate
    // that failed may only have been cut short: say so before its detail.
    if (report_->interrupted) {
      report_->decision = "block";
      std::string by = report_->signal.empty() ? "" : " by " + report_->signal;
      for (auto& g : gates) {
        if (g.status == CheckStatus::kFail) g.detail = "interrupted" + by + " before it finished: " + g.detail;
      }
    }
  }

  const Config& config_;
  const RunOptions& options_;
  const RunSeams& seams_;
  CancellableEnvironment env_;  // the seam's (or the process's), stopping commands on cancel
  const Clock& clock_;
  RunReport* report_;
  ContractState contract_;
  std::vector<ReleaseRun> runs_;
  std::vector<NegativeRun> negatives_;
  std::vector<AppNegativeRun> app_negatives_;  // through each exec/http release's own client
  std::string invalid_key_;                    // this run's, for every invalid-token call
  std::vector<CheckResult> negative_results_;
  std::map<std::string, CheckResult> app_logs_;
  std::map<std::string, AppLogMark> log_marks_;  // logs: {file:}, before the probes
  Redactor redactor_;
};

}  // namespace

std::string NewClientRequestId() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[24];
  std::snprintf(buf, sizeof buf, "rg-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

Status RunPipeline(const Config& config, const RunOptions& options, const RunSeams& seams, RunReport* report) {
  Pipeline pipeline(config, options, seams, report);
  return pipeline.Run();
}

namespace {

// Indices of the services whose calls are all answered, for the finishing threads.
class FinishQueue {
 public:
  void Push(std::size_t i) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ready_.push_back(i);
    }
    cv_.notify_one();
  }
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  // False once the queue is closed and empty.
  bool Pop(std::size_t* i) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return closed_ || !ready_.empty(); });
    if (ready_.empty()) return false;
    *i = ready_.front();
    ready_.pop_front();
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::size_t> ready_;
  bool closed_ = false;
};

}  // namespace

Status RunFleetPipelines(const std::vector<Config>& configs, const std::vector<RunOptions>& options,
                         std::size_t concurrency, std::vector<RunReport>* reports,
                         const std::function<void(const FleetProgress&)>& on_progress) {
  // One transport, one loop, every service's probes: the run takes about as long as the
  // slowest wave of `concurrency` requests, not the sum of the services.
  CurlTransport transport;
  transport.SetMaxInFlight(concurrency);
  CancelToken* cancel = options.empty() ? nullptr : options.front().cancel;
  reports->assign(configs.size(), RunReport{});
  AtomicWriteBatch evidence;  // two file-system flushes for the whole fleet, not four per service
  RunSeams seams;
  seams.evidence_batch = &evidence;
  const std::size_t n = configs.size();
  std::vector<std::unique_ptr<Pipeline>> pipelines;
  pipelines.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    pipelines.push_back(std::make_unique<Pipeline>(configs[i], options[i], seams, &(*reports)[i]));
    Status st = pipelines.back()->Prepare();
    if (!st.ok()) return st.WithContext(configs[i].file);
  }
  // Checks, gates and rendering per service on a few threads while other services' calls are
  // still on the wire (the evidence is only staged); each pipeline, with its answers, is freed
  // as soon as its report is done.
  FinishQueue queue;
  std::vector<Status> finished(n, Status::Ok());
  std::mutex progress_mu;
  FleetProgress progress;
  progress.services_total = n;
  if (on_progress) on_progress(progress);  // none done yet: the total is known
  auto worker = [&] {
    for (std::size_t i = 0; queue.Pop(&i);) {
      finished[i] = pipelines[i]->Finish();
      pipelines[i].reset();
      std::lock_guard<std::mutex> lock(progress_mu);
      ++progress.services_done;
      if (!(*reports)[i].passed()) ++progress.blocked;
      if (on_progress) on_progress(progress);
    }
  };
  std::vector<std::thread> finishers;
  std::size_t workers = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 2, 8);
  for (std::size_t w = 0; w < std::min(workers, n); ++w) finishers.emplace_back(worker);
  // Each service's calls go through its own counting view of the transport; a service with an
  // exec probe waits for its threads, after the loop. Services are launched as others finish,
  // at most `window` at once (each makes at least one call, so the wire stays full): the
  // requests waiting for a slot, and the services' answers, stay bounded by the concurrency
  // rather than growing with the fleet.
  std::vector<std::unique_ptr<CountingTransport>> views(n);
  std::vector<std::vector<std::thread>> exec_threads(n);
  const std::size_t window = concurrency == 0 ? n : concurrency;
  std::size_t launched = 0, in_flight = 0;  // on the loop thread (and before it runs)
  std::function<void()> launch_more = [&] {
    while (launched < n && in_flight < window) {
      std::size_t i = launched++;
      ++in_flight;
      views[i] = std::make_unique<CountingTransport>(&transport, [&, i] {
        if (exec_threads[i].empty()) queue.Push(i);
        --in_flight;
        launch_more();
      });
      pipelines[i]->Launch(views[i].get(), &exec_threads[i]);
      if (views[i]->pending() == 0) {
        --in_flight;
        if (exec_threads[i].empty()) queue.Push(i);
      }
    }
  };
  {
    CancelRegistration cancel_calls(cancel, [&transport] { transport.Cancel(); });
    launch_more();
    transport.Run();
    for (std::size_t i = 0; i < n; ++i) {
      if (exec_threads[i].empty()) continue;
      for (auto& t : exec_threads[i]) t.join();
      queue.Push(i);
    }
  }
  queue.Close();
  for (auto& t : finishers) t.join();
  for (std::size_t i = 0; i < n; ++i) {
    if (!finished[i].ok()) return finished[i].WithContext(configs[i].file);
  }
  Status committed = evidence.Commit();
  if (!committed.ok()) return Status::IoError("cannot write evidence: " + committed.message());
  return Status::Ok();
}

}  // namespace rollgate::internal

namespace rollgate {

Status RunWithConfig(const Config& config, const RunOptions& options, RunReport* report) {
  return internal::RunPipeline(config, options, internal::RunSeams{}, report);
}

Status RunFleet(const std::string& config_dir, const FleetOptions& options, FleetReport* report) {
  std::error_code ec;
  std::vector<std::string> files;
  // The error_code forms throughout: the range-for's operator++ would throw on a read error.
  for (std::filesystem::directory_iterator it(config_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    bool yaml = (name.size() > 5 && name.ends_with(".yaml")) || (name.size() > 4 && name.ends_with(".yml"));
    std::error_code kind_error;
    if (it->is_regular_file(kind_error) && yaml && name.find("contract") == std::string::npos) {
      files.push_back(it->path().string());
    }
  }
  if (ec) return Status::InvalidArgument("--config-dir " + config_dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    return Status::InvalidArgument("--config-dir " + config_dir +
                                   ": no *.yaml config in it (files named *contract* are contracts, not configs)");
  }
  if (options.shard_count < 1 || options.shard_index < 0 || options.shard_index >= options.shard_count) {
    return Status::InvalidArgument("shard " + std::to_string(options.shard_index) + "/" +
                                   std::to_string(options.shard_count) + " does not exist");
  }
  std::vector<Config> configs;
  std::vector<RunOptions> run_options;
  std::set<std::string> services;
  std::set<std::string> evidence_dirs;
  report->services_total = 0;
  for (const auto& f : files) {
    Result<Config> cfg = internal::LoadConfig(f);
    if (!cfg.ok()) return cfg.status();
    if (!services.insert(cfg->service).second) {
      return Status::InvalidArgument(f + ": service " + cfg->service + " appears in two configs; give each its own");
    }
    // The service name becomes a directory: anything but [A-Za-z0-9._-] turns into '_', so a
    // name like "../x" or "a/b" cannot write outside the evidence directory.
    std::string dir_name = cfg->service;
    for (char& c : dir_name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
    }
    if (dir_name.find_first_not_of('.') == std::string::npos) dir_name = "_" + dir_name;
    if (!evidence_dirs.insert(dir_name).second) {
      return Status::InvalidArgument(f + ": service " + cfg->service + " shares its evidence directory " + dir_name +
                                     " with another config; rename one");
    }
    ++report->services_total;
    if (internal::ShardOf(cfg->service, options.shard_count) != options.shard_index) continue;
    RunOptions o;
    o.command = "gate";
    o.write_evidence = !options.evidence_dir.empty();
    o.evidence_dir = options.evidence_dir + "/" + dir_name;
    o.cancel = options.cancel;
    run_options.push_back(o);
    configs.push_back(std::move(*cfg));
  }
  ROLLGATE_RETURN_IF_ERROR(
      internal::RunFleetPipelines(configs, run_options, options.concurrency, &report->runs, options.on_progress));
  report->decision = "pass";
  for (const auto& r : report->runs) {
    if (!r.passed()) report->decision = "block";
  }
  return Status::Ok();
}

Status DiffFromFile(const std::string& config_path, DiffReport* report) {
  Result<Config> config = internal::LoadConfig(config_path);
  if (!config.ok()) return config.status();
  const ReleaseConfig* left = config->FindRelease(report->left);
  const ReleaseConfig* right = config->FindRelease(report->right);
  if (!left || !right) {
    return Status::InvalidArgument(config_path + ": no release named " + (left ? report->right : report->left));
  }
  ROLLGATE_ASSIGN_OR_RETURN(internal::ConfiguredContract loaded, internal::LoadConfiguredContract(*config));
  if (!loaded.unreadable.empty()) {
    report->warnings.push_back("contract " + config->contract_path + ": " + loaded.unreadable +
                               "; the built-in method and path are compared");
  }
  const Contract& contract = loaded.contract;
  internal::Resolver resolver(internal::SystemEnvironment::Get(), config->dir);
  internal::ReleaseProfile a = internal::ResolveRelease(*left, contract, resolver);
  internal::ReleaseProfile b = internal::ResolveRelease(*right, contract, resolver);
  std::vector<internal::FieldDiff> diffs = internal::DiffReleases(a, b, config->expect_differences);
  report->gate = internal::ConfigConsistencyGate(diffs, report->left, report->right);
  internal::Redactor redactor;
  for (const internal::ReleaseProfile* p : {&a, &b}) {
    redactor.AddSecret(p->api_key);
    for (const auto& h : p->headers) {
      if (h.secret) redactor.AddSecret(h.value);
    }
  }
  auto shown = [&](const std::string& s) { return internal::DisplayText(redactor.Redact(s)); };
  for (const auto& d : diffs) {
    report->rows.push_back({shown(d.field), shown(d.left), shown(d.right), shown(d.left_source), shown(d.right_source),
                            d.differs, d.expected, d.unresolved});
  }
  report->gate.detail = shown(report->gate.detail);
  return Status::Ok();
}

Status RunFromFile(const std::string& config_path, const RunOptions& options, RunReport* report) {
  Result<Config> config = internal::LoadConfig(config_path);
  if (!config.ok()) return config.status();
  return RunWithConfig(*config, options, report);
}

}  // namespace rollgate
