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
#include <mutex>
#include <random>
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
#include "run/release_prober.h"
#include "store/history_append.h"

namespace rollgate::internal {

Status LoadContractState(const std::string& path, ContractState* out) {
  out->path = path;
  if (path.empty()) return Status::Ok();
  Result<Contract> c = LoadContract(path);
  if (c.ok()) {
    out->state = ContractState::State::kLoaded;
    out->contract = *c;
    return Status::Ok();
  }
  if (c.status().code() == Status::Code::kInvalidArgument)
    return c.status();  // unreadable YAML: exit 2
  out->state = ContractState::State::kMissing;
  out->error = c.status().message();
  return Status::Ok();
}

class Pipeline {
 public:
  Pipeline(const Config& config, const RunOptions& options, const RunSeams& seams,
           RunReport* report)
      : config_(config),
        options_(options),
        seams_(seams),
        // The seams' (tests), else the options' (embedders, the demo), else the process's.
        env_(seams.env     ? *seams.env
             : options.env ? *options.env
                           : SystemEnvironment::Get(),
             options.cancel),
        clock_(seams.clock     ? *seams.clock
               : options.clock ? *options.clock
                               : SystemClock::Get()),
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
  Status Prepare(const ContractState* contract = nullptr) {
    report_->command = options_.command;
    report_->service = config_.service;
    report_->config_file = config_.file;
    report_->started_unix_ms = clock_.NowUnixMs();
    ROLLGATE_RETURN_IF_ERROR(SetContract(contract));
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
      Status recorded = RecordRunInHistory(*config_.history, config_.dir, env_, *report_,
                                           redactor_.Redact(RenderGateJson(*report_)), &redactor_);
      if (!recorded.ok()) {
        report_->warnings.push_back(
            redactor_.Redact(HistoryNotRecordedWarning(config_.history->db, recorded)));
      }
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
      if (run.profile.usable() && c.logs)
        log_marks_[run.profile.name] = MarkAppLog(*c.logs, config_.dir);
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
      for (auto& neg : negatives_)
        LaunchNegativeAuth(ctx, FindRun(neg.release)->profile, invalid_key_, &neg);
      app_negatives_ = PlanAppNegativeAuth(runs_);
      for (auto& neg : app_negatives_) {
        LaunchAppNegativeAuth(ctx, FindRun(neg.release)->profile, invalid_key_, &neg, threads);
      }
    }
  }

 private:
  Status SetContract(const ContractState* preloaded) {
    report_->contract_file = config_.contract_path;
    if (!preloaded) return LoadContractState(config_.contract_path, &contract_);
    contract_ = *preloaded;
    return Status::Ok();
  }

  Status ResolveProfiles() {
    Resolver resolver(env_, config_.dir);
    std::vector<const ReleaseConfig*> selected;
    if (options_.command == Command::kCheck && !options_.release.empty()) {
      const ReleaseConfig* rel = config_.FindRelease(options_.release);
      if (!rel) {
        std::vector<std::string> names;
        for (const auto& r : config_.releases) names.push_back(r.name);
        return Status::InvalidArgument("--release " + options_.release + ": no such release in " +
                                       config_.file + "; it has: " + Join(names, ", "));
      }
      selected.push_back(rel);
    } else {
      for (const auto& r : config_.releases) selected.push_back(&r);
    }
    if (seams_.extra_secrets) {
      for (const auto& secret : *seams_.extra_secrets) redactor_.AddSecret(secret);
    }
    runs_.reserve(selected.size());  // probes hold pointers into runs_
    for (const ReleaseConfig* rel : selected) {
      ReleaseRun run;
      run.profile = ResolveRelease(*rel, contract_.contract, resolver);
      Status service_text = CheckUtf8("service", config_.service, "the config file");
      if (!service_text.ok()) run.profile.errors.push_back(service_text.message());
      redactor_.AddSecret(run.profile.api_key);
      for (const auto& h : run.profile.headers) {
        if (h.secret) redactor_.AddSecret(h.value);
      }
      runs_.push_back(std::move(run));
    }
    if (config_
            .drill) {  // the drill's literal credentials (its `{env:}` ones stay in drill/route.cc)
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
                                       "the app's logs were not read: the run was interrupted",
                                       false};
        continue;
      }
      std::vector<std::string> ids = {run.chat_request_id};
      if (!run.stream_request_id.empty()) ids.push_back(run.stream_request_id);
      app_logs_[run.profile.name] = ReadAndCheckAppLogs(*c.logs, log_marks_[run.profile.name], env_,
                                                        config_.dir, ids, redactor_);
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
      r.method = p.ShownMethod();
      r.model = p.model;
      r.key_fingerprint = p.key_fingerprint;
      r.provenance = p.provenance;
      ReleaseEvaluation eval =
          EvaluateRelease(p, run.probes, contract_.contract, config_.thresholds);
      r.checks = std::move(eval.checks);
      r.parsed = std::move(eval.parsed);
      r.stream = eval.stream;
      if (run.primary) {
        r.attempts = AttemptRecords(AttemptKind::kChat, *run.primary, run.primary_request_id);
      }
      if (run.probes.fallback) {
        const FallbackRecord& f = *run.probes.fallback;
        r.fallback = FallbackRecord{f.primary_model, f.fallback_model, f.trigger};
      }
      if (run.probes.chat) {
        const ProbeOutcome& o = *run.probes.chat;
        std::string model = run.primary ? p.fallback_model : "";
        for (auto& rec : AttemptRecords(AttemptKind::kChat, o, run.chat_request_id, model))
          r.attempts.push_back(std::move(rec));
        r.timestamp_unix_ms = r.attempts.front().ts_unix_ms;
        r.http_status = o.last().exchange.status;
        r.request_id = r.attempts.back().request_id;
        r.latency_ms = o.latency_ms();
        r.timings = o.last().exchange.timings;
      }
      if (run.probes.stream) {
        for (auto& rec :
             AttemptRecords(AttemptKind::kStream, *run.probes.stream, run.stream_request_id)) {
          r.attempts.push_back(std::move(rec));
        }
      }
      if (auto it = app_logs_.find(p.name); it != app_logs_.end()) r.app_logs = it->second;
      report_->releases.push_back(std::move(r));
    }
    for (const auto& neg : negatives_) {
      if (!neg.outcome) continue;
      for (auto& rec :
           AttemptRecords(AttemptKind::kNegativeAuth, *neg.outcome, neg.client_request_id)) {
        report_->negative_auth_attempts.push_back(std::move(rec));
        report_->negative_auth_releases.push_back(neg.release);
      }
      negative_results_.push_back(
          EvaluateNegativeAuth(*neg.outcome, neg.endpoint, config_.negative_auth.expect_status));
    }
    for (const auto& neg : app_negatives_) {
      if (!neg.outcome) continue;
      for (auto& rec : AttemptRecords(AttemptKind::kNegativeAuth, AsProbeOutcome(*neg.outcome),
                                      neg.client_request_id)) {
        report_->negative_auth_attempts.push_back(std::move(rec));
        report_->negative_auth_releases.push_back(neg.release);
      }
      AppNegativeAuthInput in{neg.release, neg.http, neg.outcome->failure, neg.outcome->answer};
      negative_results_.push_back(EvaluateAppNegativeAuth(in, config_.negative_auth.expect_status));
    }
  }

  void Gate(int64_t today) {
    std::vector<CheckResult>& gates = report_->gates;
    bool full_gate = options_.command != Command::kCheck;
    std::vector<ReleaseProfile> profiles;
    for (const auto& r : runs_) profiles.push_back(r.profile);
    for (auto& p : profiles) p.api_key.clear();
    if (full_gate) gates.push_back(ContractReviewedGate(contract_, profiles, today));
    // new and rollback first (the checklist's order), then any other release.
    for (const char* role : {"new", "rollback"}) {
      if (const ReleaseReport* r = report_->FindRelease(role))
        gates.push_back(ReleaseSmokeGate(*r));
    }
    for (const auto& r : report_->releases) {
      if (r.name != "new" && r.name != "rollback") gates.push_back(ReleaseSmokeGate(r));
    }
    if (full_gate) {
      const ReleaseRun* n = FindRun("new");
      const ReleaseRun* b = FindRun("rollback");
      if (n && b) {
        gates.push_back(ConfigConsistencyGate(
            DiffReleases(n->profile, b->profile, config_.expect_differences), "new", "rollback"));
      }
    }
    gates.push_back(RetryPolicyGate(profiles, seams_.observed_retries));
    bool any_usable = std::any_of(runs_.begin(), runs_.end(),
                                  [](const ReleaseRun& r) { return r.profile.usable(); });
    gates.push_back(NegativeAuthGate(config_.negative_auth.enabled, negative_results_, any_usable));
    gates.push_back(ObservabilityGate(*report_));
    if (full_gate) {
      gates.push_back(
          {"rollback_switch_drill", CheckStatus::kSkip,
           "not part of `rollgate gate`: run `rollgate drill` to flip the route and back", false});
    }
    report_->decision = Decide(gates);
    // Whatever finished before the interrupt, an interrupted run is never a pass, and a gate
    // that failed may only have been cut short: say so before its detail.
    if (report_->interrupted) {
      report_->decision = Decision::kBlock;
      std::string by = report_->signal.empty() ? "" : " by " + report_->signal;
      for (auto& g : gates) {
        if (g.status == CheckStatus::kFail)
          g.detail = "interrupted" + by + " before it finished: " + g.detail;
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

ServicePipeline::ServicePipeline(const Config& config, const RunOptions& options,
                                 const RunSeams& seams, RunReport* report)
    : impl_(std::make_unique<Pipeline>(config, options, seams, report)) {}
ServicePipeline::~ServicePipeline() = default;
Status ServicePipeline::Prepare(const ContractState* contract) { return impl_->Prepare(contract); }
void ServicePipeline::Launch(HttpTransport* transport, std::vector<std::thread>* threads) {
  impl_->Launch(transport, threads);
}
Status ServicePipeline::Finish() { return impl_->Finish(); }

std::string NewClientRequestId() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[24];
  std::snprintf(buf, sizeof buf, "rg-%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

Status RunPipeline(const Config& config, const RunOptions& options, const RunSeams& seams,
                   RunReport* report) {
  Pipeline pipeline(config, options, seams, report);
  return pipeline.Run();
}

}  // namespace rollgate::internal

namespace rollgate {

Status RunWithConfig(const Config& config, const RunOptions& options, RunReport* report) {
  return internal::RunPipeline(config, options, internal::RunSeams{}, report);
}

Status RunFromFile(const std::string& config_path, const RunOptions& options, RunReport* report) {
  ROLLGATE_ASSIGN_OR_RETURN(Config config, internal::LoadConfig(config_path));
  return RunWithConfig(config, options, report);
}

}  // namespace rollgate
