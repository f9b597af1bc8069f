// The pipeline of `rollgate gate` and `rollgate check`, one step per stage:
//
//   contract  -> load the pinned, dated API contract (a missing one is a finding)
//   resolve   -> each release's values from the sources the app reads, with provenance
//   probe     -> every release's smoke call (and stream call) plus the invalid-token calls,
//                all at once on one transport loop
//   check     -> per-release checks from the probe outcomes
//   gate      -> the operator's checklist and the decision
//   evidence  -> gate.json, junit.xml, summary.md, probes.jsonl, scrubbed of every secret
#include "run/runner.h"

#include <random>

#include "base/secret.h"
#include "base/strings.h"
#include "checks/release_checks.h"
#include "config/loader.h"
#include "config/profile.h"
#include "contract/request_id.h"
#include "contract/smoke_request.h"
#include "evidence/evidence.h"
#include "gate/gates.h"
#include "probe/curl_transport.h"

namespace rollgate::internal {

namespace {

// A token that is shaped like a real key (so format checks pass and the call reaches auth) but
// can never be valid.
constexpr const char kInvalidToken[] = "sk-rollgate-negative-auth-invalid-0000000000000000";

struct ReleaseRun {
  ReleaseProfile profile;
  ReleaseProbes probes;
  std::string chat_request_id;
  std::string stream_request_id;
};

struct NegativeRun {
  std::string release;  // the first release that calls this endpoint
  std::string endpoint;
  std::string client_request_id;
  std::optional<ProbeOutcome> outcome;
};

HttpRequest BaseRequest(const ReleaseProfile& p, const std::string& token,
                        const std::string& client_id) {
  const ReleaseConfig& c = *p.config;
  HttpRequest req;
  req.method = p.method;
  req.url = p.endpoint;
  req.headers.emplace_back("Authorization", "Bearer " + token);
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("Accept", "application/json");
  req.headers.emplace_back("X-Client-Request-Id", client_id);
  for (const auto& [k, v] : c.headers) req.headers.emplace_back(k, v);
  req.timeout_ms = c.timeout_ms;
  req.connect_timeout_ms = c.connect_timeout_ms;
  req.max_body_bytes = c.max_body_bytes;
  req.ca_file = c.ca_file;
  return req;
}

std::vector<AttemptRecord> Records(const std::string& kind, const ProbeOutcome& o,
                                   const std::string& client_id) {
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
    out.push_back(std::move(r));
  }
  return out;
}

class Pipeline {
 public:
  Pipeline(const Config& config, const RunOptions& options, const RunSeams& seams,
           RunReport* report)
      : config_(config), options_(options), seams_(seams), report_(report) {}

  Status Run() {
    const Clock& clock = seams_.clock ? *seams_.clock : SystemClock::Get();
    report_->command = options_.command;
    report_->service = config_.service;
    report_->config_file = config_.file;
    report_->started_unix_ms = clock.NowUnixMs();

    ROLLGATE_RETURN_IF_ERROR(LoadContractState());
    ROLLGATE_RETURN_IF_ERROR(ResolveProfiles());
    Probe();
    Check();
    Gate(UnixDay(clock.NowUnixMs()));
    RedactReport(redactor_, report_);
    report_->finished_unix_ms = clock.NowUnixMs();
    if (options_.write_evidence) {
      Status st = WriteEvidence(options_.evidence_dir, redactor_, report_);
      if (!st.ok()) return Status::IoError("cannot write evidence: " + st.message());
    }
    return Status::Ok();
  }

  const Redactor& redactor() const { return redactor_; }

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
    if (c.status().code() == Status::Code::kInvalidArgument)
      return c.status();  // unreadable YAML: exit 2
    contract_.state = ContractState::State::kMissing;
    contract_.error = c.status().message();
    return Status::Ok();
  }

  Status ResolveProfiles() {
    const Environment& env = seams_.env ? *seams_.env : SystemEnvironment::Get();
    Resolver resolver(env, config_.dir);
    std::vector<const ReleaseConfig*> selected;
    if (options_.command == "check" && !options_.release.empty()) {
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
    for (const ReleaseConfig* rel : selected) {
      ReleaseRun run;
      run.profile = ResolveRelease(*rel, contract_.contract, resolver);
      redactor_.AddSecret(run.profile.api_key);
      releases_.push_back(std::move(run));
    }
    return Status::Ok();
  }

  void Probe() {
    std::unique_ptr<HttpTransport> owned;
    HttpTransport* transport = seams_.transport;
    if (!transport) {
      owned = std::make_unique<CurlTransport>();
      transport = owned.get();
    }
    if (seams_.on_transport) seams_.on_transport(transport);
    JitterFn jitter = seams_.jitter ? seams_.jitter : DefaultJitter();
    const Clock* clock = seams_.clock ? seams_.clock : &SystemClock::Get();
    auto now = [clock] { return clock->NowUnixMs(); };

    for (auto& run : releases_) {
      const ReleaseProfile& p = run.profile;
      if (!p.usable()) continue;
      const ReleaseConfig& c = *p.config;
      ProbeSpec chat;
      chat.kind = "chat";
      run.chat_request_id = NewClientRequestId();
      chat.request = BaseRequest(p, p.api_key, run.chat_request_id);
      chat.request.body = BuildSmokeRequestBody(p.model, c.prompt, /*stream=*/false);
      chat.retry = c.retry;
      LaunchProbe(transport, std::move(chat), jitter, now,
                  [&run](ProbeOutcome o) { run.probes.chat = std::move(o); });
      if (c.stream) {
        ProbeSpec stream;
        stream.kind = "stream";
        stream.stream = true;
        stream.usage_requested = true;
        run.stream_request_id = NewClientRequestId();
        stream.request = BaseRequest(p, p.api_key, run.stream_request_id);
        stream.request.body = BuildSmokeRequestBody(p.model, c.prompt, /*stream=*/true);
        stream.request.idle_timeout_ms = c.stream_idle_timeout_ms;
        stream.retry = c.retry;
        LaunchProbe(transport, std::move(stream), jitter, now,
                    [&run](ProbeOutcome o) { run.probes.stream = std::move(o); });
      }
    }
    if (config_.negative_auth.enabled) {
      for (auto& run : releases_) {
        const ReleaseProfile& p = run.profile;
        if (!p.usable()) continue;
        bool seen = false;
        for (const auto& n : negatives_) seen = seen || n.endpoint == p.endpoint;
        if (seen) continue;
        negatives_.push_back({p.name, p.endpoint, NewClientRequestId(), std::nullopt});
      }
      for (auto& neg : negatives_) {
        const ReleaseProfile* p = FindProfile(neg.release);
        ProbeSpec spec;
        spec.kind = "negative_auth";
        spec.request = BaseRequest(*p, kInvalidToken, neg.client_request_id);
        spec.request.body = BuildSmokeRequestBody(p->model, p->config->prompt, false);
        spec.retry.max_attempts = 1;  // one call: a retry would only repeat the same answer
        LaunchProbe(transport, std::move(spec), jitter, now,
                    [&neg](ProbeOutcome o) { neg.outcome = std::move(o); });
      }
    }
    transport->Run();
  }

  const ReleaseProfile* FindProfile(const std::string& name) const {
    for (const auto& r : releases_) {
      if (r.profile.name == name) return &r.profile;
    }
    return nullptr;
  }

  void Check() {
    Thresholds th = config_.thresholds;
    for (auto& run : releases_) {
      const ReleaseProfile& p = run.profile;
      ReleaseReport r;
      r.name = p.name;
      r.version = p.version;
      r.endpoint = p.endpoint;
      r.method = p.method;
      r.model = p.model;
      r.key_fingerprint = p.key_fingerprint;
      r.provenance = p.provenance;
      ReleaseEvaluation eval = EvaluateRelease(p, run.probes, contract_.contract, th);
      r.checks = std::move(eval.checks);
      r.parsed = std::move(eval.parsed);
      r.stream = eval.stream;
      if (run.probes.chat) {
        const ProbeOutcome& o = *run.probes.chat;
        r.attempts = Records("chat", o, run.chat_request_id);
        r.timestamp_unix_ms = o.attempts.front().exchange.start_unix_ms;
        r.http_status = o.last().exchange.status;
        r.request_id = r.attempts.back().request_id;
        r.latency_ms = o.latency_ms();
        r.timings = o.last().exchange.timings;
      }
      if (run.probes.stream) {
        for (auto& rec : Records("stream", *run.probes.stream, run.stream_request_id))
          r.attempts.push_back(std::move(rec));
      }
      report_->releases.push_back(std::move(r));
    }
    for (const auto& neg : negatives_) {
      if (!neg.outcome) continue;
      for (auto& rec : Records("negative_auth", *neg.outcome, neg.client_request_id)) {
        report_->negative_auth_attempts.push_back(std::move(rec));
        report_->negative_auth_releases.push_back(neg.release);
      }
      negative_results_.push_back(
          EvaluateNegativeAuth(*neg.outcome, neg.endpoint, config_.negative_auth.expect_status));
    }
  }

  void Gate(int64_t today) {
    std::vector<CheckResult>& gates = report_->gates;
    bool full_gate = options_.command != "check";
    if (full_gate) {
      std::vector<ReleaseProfile> profiles;
      for (const auto& r : releases_) profiles.push_back(r.profile);
      for (auto& p : profiles) p.api_key.clear();
      gates.push_back(ContractReviewedGate(contract_, profiles, today));
    }
    // new and rollback first (the checklist's order), then any other release.
    for (const char* role : {"new", "rollback"}) {
      if (const ReleaseReport* r = report_->FindRelease(role))
        gates.push_back(ReleaseSmokeGate(*r));
    }
    for (const auto& r : report_->releases) {
      if (r.name != "new" && r.name != "rollback") gates.push_back(ReleaseSmokeGate(r));
    }
    gates.push_back(NegativeAuthGate(config_.negative_auth.enabled, negative_results_));
    gates.push_back(ObservabilityGate(*report_));
    if (full_gate) {
      gates.push_back(
          {"rollback_switch_drill", CheckStatus::kSkip,
           "not part of `rollgate gate`: run `rollgate drill` to flip the route and back", false});
    }
    report_->decision = Decide(gates);
  }

  const Config& config_;
  const RunOptions& options_;
  const RunSeams& seams_;
  RunReport* report_;
  ContractState contract_;
  std::vector<ReleaseRun> releases_;
  std::vector<NegativeRun> negatives_;
  std::vector<CheckResult> negative_results_;
  Redactor redactor_;
};

}  // namespace

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
  Result<Config> config = internal::LoadConfig(config_path);
  if (!config.ok()) return config.status();
  return RunWithConfig(*config, options, report);
}

}  // namespace rollgate
