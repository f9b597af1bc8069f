#include "serve/gate_metrics.h"

namespace rollgate::internal {

namespace {

using Type = MetricsRegistry::Type;

// Probe phases run from about a millisecond (DNS from cache) to a minute (a slow provider up to
// its timeout); these bounds resolve both ends and the few seconds where latency SLOs sit.
const std::vector<double>& DurationBuckets() {
  static const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                               1,     2.5,  5,     10,   30,  60};
  return kBuckets;
}

bool ReleasePassed(const ReleaseReport& r) {
  if (r.checks.empty()) return false;
  for (const auto& c : r.checks) {
    if (c.status == CheckStatus::kFail) return false;
  }
  return true;
}

}  // namespace

GateMetrics::GateMetrics(std::string service, int max_runs_per_day, int64_t max_tokens_per_day)
    : service_(std::move(service)) {
  MetricsRegistry& m = registry_;
  m.Declare("rollgate_gate_success", Type::kGauge,
            "1 when the latest gate run passed, 0 when it blocked or could not complete.",
            {"service"});
  m.Declare("rollgate_check_success", Type::kGauge,
            "1 when the check passed in the latest run, 0 when it failed (skipped checks are "
            "absent).",
            {"service", "release", "check"});
  m.Declare("rollgate_probe_duration_seconds", Type::kHistogram,
            "Phase timings of each release's smoke call: dns, connect and tls are the phase "
            "durations, ttfb and total are measured from the start of the attempt.",
            {"service", "release", "phase"}, DurationBuckets());
  m.Declare("rollgate_last_success_timestamp_seconds", Type::kGauge,
            "Unix time when the release last passed every check (seeded from the history).",
            {"service", "release"});
  m.Declare("rollgate_runs_total", Type::kCounter,
            "Gate runs by decision (error: rollgate itself could not complete the run).",
            {"service", "decision"});
  m.Declare("rollgate_schedule_runs_today", Type::kGauge,
            "Gate runs started this UTC day, counted against schedule.max_runs_per_day.",
            {"service"});
  m.Declare("rollgate_schedule_tokens_today", Type::kGauge,
            "Usage tokens the provider reported this UTC day, counted against "
            "schedule.max_tokens_per_day.",
            {"service"});
  m.Declare("rollgate_schedule_max_runs_per_day", Type::kGauge,
            "The cap on gate runs per UTC day (schedule.max_runs_per_day).", {"service"});
  m.Declare("rollgate_schedule_max_tokens_per_day", Type::kGauge,
            "The cap on usage tokens per UTC day (schedule.max_tokens_per_day).", {"service"});
  m.Declare("rollgate_schedule_runs_skipped_total", Type::kCounter,
            "Runs refused because a daily cap was reached, by cap and by what asked for the run.",
            {"service", "reason", "trigger"});
  m.Declare("rollgate_usage_tokens_total", Type::kCounter,
            "Usage tokens the provider reported for rollgate's smoke calls.", {"service"});

  // Counters start at zero for every value they can take, so rate() and alerts work from the
  // first scrape rather than from the first event.
  for (const char* decision : {ToString(Decision::kPass), ToString(Decision::kBlock), "error"}) {
    m.Add("rollgate_runs_total", {service_, decision}, 0);
  }
  for (const char* reason : {"max_runs_per_day", "max_tokens_per_day"}) {
    m.Add("rollgate_schedule_runs_skipped_total", {service_, reason, "schedule"}, 0);
  }
  m.Add("rollgate_usage_tokens_total", {service_}, 0);
  m.Set("rollgate_schedule_max_runs_per_day", {service_}, max_runs_per_day);
  m.Set("rollgate_schedule_max_tokens_per_day", {service_},
        static_cast<double>(max_tokens_per_day));
  SetUsageToday(0, 0);
}

void GateMetrics::RecordRun(const RunReport& report) {
  SetLatest(report);
  registry_.Add("rollgate_runs_total", {service_, ToString(report.decision)}, 1);
  for (const ReleaseReport& r : report.releases) {
    // Only a release that made a call has timings worth a sample; a release whose key did not
    // resolve never reached the network.
    if (r.attempts.empty()) continue;
    const Timings& t = r.timings;
    for (const auto& [phase, ms] : {std::pair<const char*, double>{"dns", t.dns_ms},
                                    {"connect", t.connect_ms},
                                    {"tls", t.tls_ms},
                                    {"ttfb", t.ttfb_ms},
                                    {"total", t.total_ms}}) {
      registry_.Observe("rollgate_probe_duration_seconds", {service_, r.name, phase}, ms / 1000);
    }
  }
}

void GateMetrics::RecordSharedRun(const RunReport& report) { SetLatest(report); }

void GateMetrics::SetLatest(const RunReport& report) {
  MetricsRegistry& m = registry_;
  m.Set("rollgate_gate_success", {service_}, report.passed() ? 1 : 0);
  m.Clear("rollgate_check_success");
  for (const ReleaseReport& r : report.releases) {
    for (const CheckResult& c : r.checks) {
      if (c.status == CheckStatus::kSkip) continue;
      m.Set("rollgate_check_success", {service_, r.name, c.id},
            c.status == CheckStatus::kPass ? 1 : 0);
    }
    if (ReleasePassed(r)) {
      int64_t at = report.finished_unix_ms > 0 ? report.finished_unix_ms : r.timestamp_unix_ms;
      m.Set("rollgate_last_success_timestamp_seconds", {service_, r.name},
            static_cast<double>(at) / 1000);
    }
  }
}

void GateMetrics::RecordRunError() {
  registry_.Set("rollgate_gate_success", {service_}, 0);
  registry_.Add("rollgate_runs_total", {service_, "error"}, 1);
}

void GateMetrics::RecordSkip(const std::string& reason, const std::string& trigger) {
  registry_.Add("rollgate_schedule_runs_skipped_total", {service_, reason, trigger}, 1);
}

void GateMetrics::SetUsageToday(int runs, int64_t tokens) {
  registry_.Set("rollgate_schedule_runs_today", {service_}, runs);
  registry_.Set("rollgate_schedule_tokens_today", {service_}, static_cast<double>(tokens));
}

void GateMetrics::AddUsageTokens(int64_t tokens) {
  registry_.Add("rollgate_usage_tokens_total", {service_}, static_cast<double>(tokens));
}

void GateMetrics::SeedLastSuccess(const std::string& release, int64_t unix_ms) {
  registry_.Set("rollgate_last_success_timestamp_seconds", {service_, release},
                static_cast<double>(unix_ms) / 1000);
}

}  // namespace rollgate::internal
