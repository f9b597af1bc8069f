// rollgate's metrics, by name (docs/serve.md lists them with example PromQL):
//
//   rollgate_gate_success{service}                          1 pass, 0 block or error (latest run)
//   rollgate_check_success{service,release,check}           1 pass, 0 fail (latest run; skips
//   absent) rollgate_probe_duration_seconds{service,release,phase}  histogram; phase
//   dns|connect|tls|ttfb|total rollgate_last_success_timestamp_seconds{service,release} when the
//   release last passed rollgate_runs_total{service,decision}                   counter; decision
//   pass|block|error rollgate_schedule_runs_today{service}                   runs started this UTC
//   day (capped) rollgate_schedule_tokens_today{service}                 usage tokens reported this
//   UTC day rollgate_schedule_max_runs_per_day{service}             the cap
//   rollgate_schedule_max_tokens_per_day{service}           the cap
//   rollgate_schedule_runs_skipped_total{service,reason,trigger}  runs refused by a cap
//   rollgate_usage_tokens_total{service}                    counter of usage tokens, all time
//
// Label values are service, release and check names from the config and fixed words: never a
// key, a token, an endpoint or a detail text.
#pragma once

#include <cstdint>
#include <string>

#include "rollgate/report.h"
#include "serve/metrics_registry.h"

namespace rollgate::internal {

class GateMetrics {
 public:
  GateMetrics(std::string service, int max_runs_per_day, int64_t max_tokens_per_day);
  GateMetrics(const GateMetrics&) = delete;
  GateMetrics& operator=(const GateMetrics&) = delete;

  /// A finished run: gate and check gauges, durations, last-success times, runs_total.
  void RecordRun(const RunReport& report);
  /// The newest run another replica recorded in the shared history (rebuilt from its rows):
  /// the gate and check gauges and last-success times only. Counters and durations stay this
  /// replica's own, so sums across replicas count every run once.
  void RecordSharedRun(const RunReport& report);
  /// A run that could not be completed (rollgate itself failed): runs_total{decision="error"}
  /// and rollgate_gate_success 0, since nothing was proven.
  void RecordRunError();
  /// A run refused by a cap; `reason` is max_runs_per_day or max_tokens_per_day.
  void RecordSkip(const std::string& reason, const std::string& trigger);
  /// The daily usage the caps are enforced against.
  void SetUsageToday(int runs, int64_t tokens);
  void AddUsageTokens(int64_t tokens);
  /// From the history at startup: when `release` last passed.
  void SeedLastSuccess(const std::string& release, int64_t unix_ms);

  std::string Render() const { return registry_.Render(); }
  const MetricsRegistry& registry() const { return registry_; }

 private:
  void SetLatest(const RunReport& report);

  std::string service_;
  MetricsRegistry registry_;
};

}  // namespace rollgate::internal
