// The drill, step by step (DESIGN.md "The rollback switch drill"):
//   1-3  the gate: both releases smoke-tested directly, both held to the same contract; any
//        failing gate stops the drill before the route moves
//   4    switch the canary route to new            5  smoke new through the user-facing path
//   6    switch the route back to rollback         7  smoke rollback through the same path
//   8    only then: "expand traffic"
// "Smoke through the user-facing path" first waits (bounded) until the path reports the
// expected release in its version header (route convergence), then makes one protocol call
// (docs/app-probes.md) and holds the answer to the same checks as every other probe. An answer
// the previous release served while the switch drains is retried, bounded (SmokeVia).
// On a failure or an interrupt the drill switches back to rollback and verifies it serves.
// `route_left_on` is what the user-facing path was last seen serving after a switch back, never
// what the switch command claimed: a switch that exits 0 and changes nothing leaves "new".
#include "drill/drill.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "base/display.h"
#include "base/strings.h"
#include "checks/release_checks.h"
#include "config/loader.h"
#include "drill/route.h"
#include "evidence/evidence.h"
#include "gate/gates.h"
#include "probe/app_probe.h"
#include "probe/curl_transport.h"
#include "store/history_append.h"

namespace rollgate::internal {

namespace {

class Drill {
 public:
  Drill(const Config& config, Contract contract, const RunSeams& seams, const DrillHooks& hooks,
        CancelToken* cancel, RunReport* report)
      : config_(config),
        drill_(*config.drill),
        env_(seams.env ? *seams.env : SystemEnvironment::Get()),
        clock_(seams.clock ? *seams.clock : SystemClock::Get()),
        hooks_(hooks),
        cancel_(cancel),
        report_(report),
        contract_(std::move(contract)) {}

  // Steps 4 to 8, after the gate passed.
  void RunRouteSteps() {
    const std::string new_version = Version("new");
    const std::string rollback_version = Version("rollback");
    if (!Step(4, "switch the route to new", [&] { return Switch(drill_.to_new, "new"); }))
      return Recover();
    if (!Step(5, "smoke new through the user-facing path",
              [&] { return SmokeVia("new", new_version); })) {
      return Recover();
    }
    if (!Step(6, "switch the route back to rollback",
              [&] { return Switch(drill_.to_rollback, "rollback"); })) {
      return Recover();
    }
    std::string observed;
    if (!Step(7, "smoke rollback through the user-facing path",
              [&] { return SmokeVia("rollback", rollback_version, &observed); })) {
      // Interrupted: whatever this step saw, restore and verify the way recovery does.
      if (interrupted()) return Recover();
      report_->route_left_on = RouteFrom(observed);
      // On rollback, and that release fails: nothing safer to switch to.
      rollback_unsafe_ = report_->route_left_on == "rollback";
      return;
    }
    report_->route_left_on = RouteFrom(observed);
    Step(8, "report: expand traffic", [&] {
      return Outcome{true, "the route moved to " + new_version + " and back to " +
                               rollback_version +
                               " with the user-facing smoke passing each time: expand traffic"};
    });
  }

  // Steps 1-3 from the gate's results (they ran together, both before any route change).
  bool GateSteps() {
    auto gate = [&](const std::string& id) { return report_->FindGate(id); };
    auto from_gate = [&](int n, const std::string& name, const CheckResult* g) {
      DrillStep s;
      s.number = n;
      s.name = name;
      s.started_unix_ms = report_->started_unix_ms;
      s.finished_unix_ms = clock_.NowUnixMs();
      s.status = g ? g->status : CheckStatus::kFail;
      s.detail = g ? g->detail : "missing from the gate";
      Record(s);
      return s.status != CheckStatus::kFail;
    };
    bool ok = from_gate(1, "smoke new release (traffic not yet moved)", gate("new_release_smoke"));
    ok = from_gate(2, "smoke rollback release", gate("rollback_release_smoke")) && ok;
    ok = from_gate(3, "confirm both hold to the same contract", gate("contract_reviewed")) && ok;
    if (!ok) return false;
    std::vector<std::string> others;
    for (const auto& g : report_->gates) {
      if (g.status == CheckStatus::kFail) others.push_back(g.id);
    }
    if (!others.empty()) {
      DrillStep s;
      s.number = 3;
      s.name = "gate before switching";
      s.status = CheckStatus::kFail;
      s.detail = "the gate blocks (" + Join(others, ", ") + "): the route is not switched";
      s.started_unix_ms = s.finished_unix_ms = clock_.NowUnixMs();
      Record(s);
      return false;
    }
    return true;
  }

  // After any failure or interrupt: the route goes back to rollback and must serve it. A
  // signal now is not obeyed (the CLI logs it): leaving mid-recovery is what the drill exists
  // to prevent, and every action and wait here is bounded.
  void Recover() {
    recovering_ = true;
    bool switched = Step(6, "recovery: switch the route back to rollback",
                         [&] { return Switch(drill_.to_rollback, "rollback"); });
    if (!switched) {
      switch_back_failed_ = true;
      report_->route_left_on = "unknown";
      return;
    }
    std::string observed;
    bool serves = Step(7, "recovery: verify rollback serves through the user-facing path",
                       [&] { return SmokeVia("rollback", Version("rollback"), &observed); });
    report_->route_left_on = RouteFrom(observed);
    if (!serves && report_->route_left_on == "rollback") rollback_unsafe_ = true;
  }

  CheckResult DrillGate() const {
    CheckResult g{"rollback_switch_drill", CheckStatus::kPass, "", false};
    const DrillStep* failed = nullptr;
    for (const auto& s : report_->drill_steps) {
      if (s.status == CheckStatus::kFail && !failed) failed = &s;
    }
    if (!failed) {
      g.detail = "all 8 steps passed; the route is on rollback, ready to expand traffic";
      return g;
    }
    g.status = CheckStatus::kFail;
    std::string where = "step " + std::to_string(failed->number) + " (" + failed->name +
                        ") failed: " + failed->detail;
    if (interrupted()) where = "interrupted by " + SignalText() + "; " + where;
    const std::string by_hand = "switch it by hand: " + DescribeRouteAction(drill_.to_rollback);
    if (report_->route_left_on == "new") {
      g.detail = "ROUTE STATE: still on new — " + by_hand +
                 " (the switch to rollback succeeded, but " + drill_.settle_url + " still serves " +
                 Version("new") + "); " + where;
    } else if (report_->route_left_on == "unknown") {
      g.detail =
          "ROUTE STATE UNKNOWN: " + where +
          (switch_back_failed_ ? "; switching back to rollback also failed: "
                               : "; the user-facing path did not show which release serves: ") +
          by_hand;
    } else if (rollback_unsafe_) {
      g.detail = "ROLLBACK IS NOT SAFE: " + where +
                 "; the route is on the rollback release and it does not serve through the "
                 "user-facing path";
    } else {
      g.detail = where + "; the route was switched back to rollback, which serves";
    }
    return g;
  }

  bool interrupted() const { return cancel_ && cancel_->cancelled(); }

 private:
  struct Outcome {
    bool ok;
    std::string detail;
  };

  std::string Version(const std::string& release) const {
    const ReleaseReport* r = report_->FindRelease(release);
    return r ? r->version : "";
  }

  // Which release a version seen on the user-facing path belongs to.
  std::string RouteFrom(const std::string& observed) const {
    if (!observed.empty() && observed == Version("rollback")) return "rollback";
    if (!observed.empty() && observed == Version("new")) return "new";
    return "unknown";
  }

  std::string SignalText() const {
    std::string name = cancel_ ? SignalName(cancel_->signal()) : "";
    return name.empty() ? "a cancel" : name;
  }

  void Record(const DrillStep& s) {
    report_->drill_steps.push_back(s);
    if (hooks_.on_step) hooks_.on_step(s, true);
  }

  template <typename F>
  bool Step(int n, const std::string& name, F fn) {
    DrillStep s;
    s.number = n;
    s.name = name;
    s.recovery = recovering_;
    s.started_unix_ms = clock_.NowUnixMs();
    if (hooks_.on_step) hooks_.on_step(s, false);
    if (interrupted() && !recovering_) {
      s.status = CheckStatus::kFail;
      s.detail = "interrupted (" + SignalText() + ") before this step";
    } else {
      Outcome o = fn();
      s.status = o.ok ? CheckStatus::kPass : CheckStatus::kFail;
      s.detail = o.detail;
      if (o.ok && interrupted() && !recovering_) {
        // The step finished, but the operator asked to stop: stop here, safely.
        s.finished_unix_ms = clock_.NowUnixMs();
        Record(s);
        DrillStep stop = s;
        stop.status = CheckStatus::kFail;
        stop.detail = "interrupted (" + SignalText() + ") after this step";
        stop.started_unix_ms = stop.finished_unix_ms = clock_.NowUnixMs();
        Record(stop);
        return false;
      }
    }
    s.finished_unix_ms = clock_.NowUnixMs();
    Record(s);
    return s.status == CheckStatus::kPass;
  }

  Outcome Switch(const DrillAction& action, const std::string& to) {
    if (hooks_.on_wait) hooks_.on_wait("switching the route to " + to);
    ActionResult r = RunRouteAction(action, drill_.action_timeout_ms, env_, config_.dir);
    return {r.ok, r.detail};
  }

  // Smoke through the user-facing path: wait (bounded) until the path reports `version`, then
  // one smoke call. A graceful switch serves both releases for a moment (after `nginx -s
  // reload` the previous workers keep accepting for ~100 ms; load balancers drain), so a smoke
  // answer served by another release means "not converged yet", not "failed": wait a poll
  // interval, settle again and call again, at most kMaxSmokeCalls calls in all and never past
  // settle.timeout_ms from the first poll.
  // `observed` gets the version the path was last seen serving ("" when it never said).
  Outcome SmokeVia(const std::string& release, const std::string& version,
                   std::string* observed = nullptr) {
    std::string ignored;
    if (!observed) observed = &ignored;
    CancelToken* cancel = recovering_ ? nullptr : cancel_;
    constexpr int kMaxSmokeCalls = 3;
    const double deadline = clock_.NowMonoMs() + drill_.settle_timeout_ms;
    int other_calls = 0;                     // earlier smoke calls that another release served
    std::vector<std::string> reached_other;  // which releases (their version headers), once each
    while (true) {
      if (hooks_.on_wait)
        hooks_.on_wait("the route to serve " + version + " at " + drill_.settle_url);
      int left = std::max(0, static_cast<int>(deadline - clock_.NowMonoMs()));
      SettleResult settled =
          WaitForVersion(drill_.settle_url, drill_.version_header, drill_.user_facing_headers,
                         version, left, drill_.settle_poll_ms, cancel, clock_);
      if (!settled.served.empty()) *observed = settled.served;
      auto note = [&] {
        if (other_calls == 0) return std::string();
        return " (" + Plural(other_calls, "earlier smoke call", "earlier smoke calls") +
               " reached " + Join(reached_other, ", ") + " although " + drill_.settle_url +
               " already named " + version + ")";
      };
      if (!settled.ok) return {false, settled.detail + note()};
      if (hooks_.on_wait) hooks_.on_wait("the smoke call through " + drill_.user_facing_url);
      std::string served;
      Outcome o = SmokeCall(release, version, cancel, &served);
      if (!served.empty()) *observed = served;
      if (o.ok) return {true, settled.detail + "; " + o.detail + note()};
      bool other_release = !served.empty() && served != version;
      bool again = other_release && other_calls + 1 < kMaxSmokeCalls &&
                   !(interrupted() && !recovering_) &&
                   clock_.NowMonoMs() + drill_.settle_poll_ms < deadline;
      if (!again) return {false, o.detail + note()};
      ++other_calls;
      std::string shown = SanitizeForDisplay(served, 40);
      if (std::find(reached_other.begin(), reached_other.end(), shown) == reached_other.end()) {
        reached_other.push_back(shown);
      }
      SleepUnlessCancelled(drill_.settle_poll_ms, cancel);
    }
  }

  // One smoke call through drill.user_facing.url, held to the release's checks. `served` gets
  // the version header's value (empty when the path sent none or did not answer).
  Outcome SmokeCall(const std::string& release, const std::string& version, CancelToken* cancel,
                    std::string* served) {
    const ReleaseConfig* base = config_.FindRelease(release);
    ReleaseConfig via = *base;
    via.probe = ProbeKind::kHttp;
    via.stream = false;
    via.http.url = drill_.user_facing_url;
    via.http.method = "GET";
    via.http.version_header = drill_.version_header;
    ReleaseProfile p;
    p.config = &via;
    p.name = release;
    p.version = version;
    p.endpoint = drill_.user_facing_url;
    p.method = "GET";
    AppProbeRequest req;
    req.correlation_id = NewClientRequestId();
    req.label = via.prompt.label;
    req.max_tokens = via.prompt.max_tokens;
    req.release = release;
    req.version = version;
    CurlTransport transport;
    CancelRegistration stop(cancel, [&transport] { transport.Cancel(); });
    std::optional<AppProbeOutcome> app;
    LaunchHttpProbe(&transport, via.http, drill_.user_facing_headers, via.timeout_ms, req,
                    contract_.response_fields, [&](AppProbeOutcome o) { app = std::move(o); });
    transport.Run();
    *served = app->served_version;
    ReleaseProbes probes;
    probes.via = "the user-facing path " + drill_.user_facing_url;
    probes.chat = AsProbeOutcome(*app);
    if (app->failure.empty()) probes.chat_parsed = app->answer.chat;
    ReleaseEvaluation eval = EvaluateRelease(p, probes, contract_, config_.thresholds);
    for (const auto& c : eval.checks) {
      if (c.status == CheckStatus::kFail)
        return {false, release + " " + c.id + " failed: " + c.detail};
    }
    return {true, "the smoke call passed every check (correlation id " + req.correlation_id + ")"};
  }

  const Config& config_;
  const DrillConfig& drill_;
  const Environment& env_;
  const Clock& clock_;
  const DrillHooks& hooks_;
  CancelToken* cancel_;  // null: not cancellable
  RunReport* report_;
  Contract contract_;
  bool recovering_ = false;
  bool rollback_unsafe_ = false;
  bool switch_back_failed_ = false;
};

}  // namespace

Status RunDrill(const Config& config, const RunOptions& options, const RunSeams& seams,
                const DrillHooks& hooks, RunReport* report) {
  if (!config.drill) {
    return Status::InvalidArgument(
        config.file +
        ": no `drill:` section; see docs/drill.md for switch, user_facing "
        "and settle");
  }
  if (!config.FindRelease("new") || !config.FindRelease("rollback")) {
    return Status::InvalidArgument(config.file +
                                   ": the drill needs a `new` and a `rollback` release");
  }
  // The contract's response fields judge the user-facing smoke calls. One that cannot be
  // understood stops the drill before step 1, naming the file (the gate would exit 2 on it too);
  // one that cannot be read is the gate's contract_reviewed finding, which blocks at step 3.
  ROLLGATE_ASSIGN_OR_RETURN(ConfiguredContract contract, LoadConfiguredContract(config));
  // Steps 1-3: the gate, without writing evidence yet (the drill's steps belong in it).
  RunOptions gate_options = options;
  gate_options.command = Command::kGate;
  gate_options.write_evidence = false;
  gate_options.append_history = false;
  Redactor redactor;
  RunSeams gate_seams = seams;
  gate_seams.redactor_out = &redactor;
  const Clock& clock = seams.clock ? *seams.clock : SystemClock::Get();
  if (hooks.on_step) {
    DrillStep first;
    first.number = 1;
    first.name = "smoke new release (traffic not yet moved)";
    first.started_unix_ms = clock.NowUnixMs();
    hooks.on_step(first, false);  // steps 1-3 run together, as the gate
  }
  ROLLGATE_RETURN_IF_ERROR(RunPipeline(config, gate_options, gate_seams, report));
  report->command = Command::kDrill;
  report->route_left_on = "unknown";  // until a switch back to rollback is seen serving

  // Live progress shows each step before the report is scrubbed: scrub what it shows too.
  DrillHooks scrubbed = hooks;
  if (hooks.on_step) {
    scrubbed.on_step = [&](const DrillStep& s, bool finished) {
      DrillStep shown = s;
      shown.detail = DisplayText(redactor.Redact(s.detail));
      hooks.on_step(shown, finished);
    };
  }
  Drill drill(config, std::move(contract.contract), seams, scrubbed, options.cancel, report);
  if (drill.GateSteps()) {
    drill.RunRouteSteps();
  } else {
    drill.Recover();
  }
  CheckResult drill_gate = drill.DrillGate();
  for (auto& g : report->gates) {
    if (g.id == "rollback_switch_drill") g = drill_gate;
  }
  report->decision = Decide(report->gates);
  if (options.cancel && options.cancel->cancelled()) {
    report->interrupted = true;
    report->signal = SignalName(options.cancel->signal());
    report->decision = Decision::kBlock;  // an interrupted drill is never a pass
  }
  for (auto& s : report->drill_steps) s.detail = redactor.Redact(s.detail);
  RedactReport(redactor, report);
  report->finished_unix_ms = clock.NowUnixMs();
  if (options.write_evidence) {
    Status st = WriteEvidence(options.evidence_dir, redactor, report);
    if (!st.ok()) return Status::IoError("cannot write evidence: " + st.message());
  }
  if (config.history && options.append_history) {
    Status recorded = RecordRunInHistory(*config.history, config.dir,
                                         seams.env ? *seams.env : SystemEnvironment::Get(), *report,
                                         redactor.Redact(RenderGateJson(*report)), &redactor);
    if (!recorded.ok()) {
      report->warnings.push_back(
          redactor.Redact(HistoryNotRecordedWarning(config.history->db, recorded)));
    }
  }
  return Status::Ok();
}

}  // namespace rollgate::internal

namespace rollgate {

Status RunDrillFromFile(const std::string& config_path, const RunOptions& options,
                        const DrillHooks& hooks, RunReport* report) {
  ROLLGATE_ASSIGN_OR_RETURN(Config config, internal::LoadConfig(config_path));
  internal::RunSeams seams;
  seams.env = options.env;
  seams.clock = options.clock;
  return internal::RunDrill(config, options, seams, hooks, report);
}

}  // namespace rollgate
