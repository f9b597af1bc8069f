#include "gate/gates.h"

#include "base/clock.h"
#include "base/strings.h"
#include "rollgate/run.h"

namespace rollgate::internal {

namespace {

CheckResult Make(const std::string& id, CheckStatus status, std::string detail,
                 bool warning = false) {
  return {id, status, std::move(detail), warning};
}

}  // namespace

CheckResult ContractReviewedGate(const ContractState& cs,
                                 const std::vector<ReleaseProfile>& profiles, int64_t today) {
  const char* id = "contract_reviewed";
  if (cs.state == ContractState::State::kNotConfigured) {
    return Make(id, CheckStatus::kFail,
                "no contract configured: set `contract:` to a reviewed, dated contract file (see "
                "examples/cometapi/contract.yaml)");
  }
  if (cs.state == ContractState::State::kMissing) {
    return Make(id, CheckStatus::kFail,
                "contract " + cs.path + " cannot be read (" + cs.error + ")");
  }
  const Contract& c = cs.contract;
  std::optional<int64_t> reviewed = ParseIsoDate(c.reviewed_on);
  int64_t age = reviewed ? today - *reviewed : 0;
  std::vector<std::string> problems;
  if (reviewed && age < 0) {
    problems.push_back("reviewed_on " + c.reviewed_on + " is in the future: fix the date");
  } else if (reviewed && age > c.max_age_days) {
    problems.push_back(
        "reviewed_on " + c.reviewed_on + " is " + std::to_string(age) + " days old (max_age_days " +
        std::to_string(c.max_age_days) + "): re-check " +
        (c.sources.empty() ? std::string("the provider's docs") : Join(c.sources, ", ")) +
        " and update reviewed_on");
  }
  for (const auto& p : profiles) {
    if (p.config && p.config->probe != ProbeKind::kDirect)
      continue;  // the app's client picks the path
    if (p.method != c.method || p.path != c.path) {
      problems.push_back("releases." + p.name + " calls " + p.method + " " + p.path +
                         " but the contract pins " + c.method + " " + c.path);
    }
  }
  if (!problems.empty()) return Make(id, CheckStatus::kFail, Join(problems, "; "));
  return Make(id, CheckStatus::kPass,
              c.method + " " + c.path + ", reviewed " + c.reviewed_on + " (" + std::to_string(age) +
                  " of " + std::to_string(c.max_age_days) + " days), every release holds to it");
}

std::string ReleaseGateId(const std::string& release) { return release + "_release_smoke"; }

CheckResult ReleaseSmokeGate(const ReleaseReport& r) {
  std::string id = ReleaseGateId(r.name);
  const CheckResult* failed = nullptr;
  std::vector<std::string> notes;
  int passed = 0;
  for (const auto& c : r.checks) {
    if (c.status == CheckStatus::kFail && !failed) failed = &c;
    if (c.status == CheckStatus::kPass) ++passed;
    if (c.status == CheckStatus::kPass && c.warning) notes.push_back(c.id + ": " + c.detail);
  }
  if (failed) {
    std::string prefix = r.name == "rollback" ? "ROLLBACK IS NOT SAFE: " : "";
    return Make(id, CheckStatus::kFail, prefix + failed->id + " failed: " + failed->detail);
  }
  std::string detail = std::to_string(passed) + " checks passed against " + r.endpoint +
                       " (version " + r.version + ")";
  if (!notes.empty()) return Make(id, CheckStatus::kPass, detail + "; " + Join(notes, "; "), true);
  return Make(id, CheckStatus::kPass, detail);
}

CheckResult NegativeAuthGate(bool enabled, const std::vector<CheckResult>& per_endpoint,
                             bool any_usable) {
  const char* id = "negative_auth";
  if (!enabled) {
    return Make(id, CheckStatus::kSkip,
                "disabled (negative_auth.enabled: false): a gateway that accepts any key would go "
                "unnoticed");
  }
  if (per_endpoint.empty()) {
    return Make(id, CheckStatus::kSkip,
                any_usable ? "not run: no release names its provider (exec and http probes reach "
                             "it through the app); add base_url to a release to prove the "
                             "provider rejects an invalid token"
                           : "not run: no release had a usable configuration");
  }
  std::vector<std::string> details;
  bool warning = false;
  bool any_pass = false;
  for (const auto& r : per_endpoint) {
    if (r.status == CheckStatus::kFail) return Make(id, CheckStatus::kFail, r.detail);
    // A skip (an app that does not implement the call through its client yet) says what to add.
    warning = warning || r.warning || r.status == CheckStatus::kSkip;
    any_pass = any_pass || r.status == CheckStatus::kPass;
    details.push_back(r.detail);
  }
  if (!any_pass) return Make(id, CheckStatus::kSkip, Join(details, "; "));
  return Make(id, CheckStatus::kPass, Join(details, "; "), warning);
}

CheckResult ObservabilityGate(const RunReport& report) {
  const char* id = "observability";
  int records = 0, responses = 0, with_id = 0;
  std::vector<std::string> missing;
  std::string source;
  auto visit = [&](const std::string& release, const std::string& version,
                   const std::string& endpoint, const AttemptRecord& a) {
    ++records;
    std::vector<std::string> lacks;
    if (version.empty()) lacks.push_back("version");
    if (endpoint.empty()) lacks.push_back("endpoint");
    if (a.ts_unix_ms <= 0) lacks.push_back("timestamp");
    if (a.http_status == 0 && a.outcome.empty()) lacks.push_back("status");
    if (!lacks.empty() && missing.size() < 3) {
      missing.push_back(release + " attempt " + std::to_string(a.attempt) + " lacks " +
                        Join(lacks, ", "));
    }
    if (a.http_status > 0) {
      ++responses;
      if (!a.request_id.empty()) {
        ++with_id;
        if (source.empty()) source = a.request_id_source;
      }
    }
  };
  for (const auto& r : report.releases) {
    for (const auto& a : r.attempts) visit(r.name, r.version, r.endpoint, a);
  }
  for (std::size_t i = 0; i < report.negative_auth_attempts.size(); ++i) {
    const ReleaseReport* r = report.FindRelease(report.negative_auth_releases[i]);
    visit(report.negative_auth_releases[i], r ? r->version : "", r ? r->endpoint : "",
          report.negative_auth_attempts[i]);
  }
  if (records == 0) return Make(id, CheckStatus::kSkip, "no probe ran, so no record to hold to it");
  if (!missing.empty()) return Make(id, CheckStatus::kFail, Join(missing, "; "));
  // The app's own log lines (releases with `logs:`): found by correlation id, complete, clean.
  std::vector<std::string> app_notes;
  for (const auto& r : report.releases) {
    if (!r.app_logs) continue;
    if (r.app_logs->status == CheckStatus::kFail) {
      return Make(id, CheckStatus::kFail, "releases." + r.name + " logs: " + r.app_logs->detail);
    }
    app_notes.push_back(r.name + " logs: " + r.app_logs->detail);
  }
  for (const auto& r : report.releases) {
    if (r.fallback) {
      app_notes.push_back(r.name + " fell back from " + r.fallback->primary_model + " to " +
                          r.fallback->fallback_model + " on " + r.fallback->trigger +
                          " (recorded)");
    }
  }
  std::string detail = "all " + std::to_string(records) +
                       " probe records carry version, endpoint, timestamp and status";
  if (!app_notes.empty()) detail += "; " + Join(app_notes, "; ");
  if (responses > 0 && with_id == 0) {
    return Make(
        id, CheckStatus::kPass,
        detail +
            "; note: the provider sent no request id on any response (looked at x-request-id, "
            "*request-id* headers and error messages), so a support ticket will lack one",
        true);
  }
  if (with_id < responses) {
    return Make(id, CheckStatus::kPass,
                detail + "; request id on " + std::to_string(with_id) + " of " +
                    std::to_string(responses) + " responses (" + source + ")",
                true);
  }
  return Make(id, CheckStatus::kPass, detail + "; request id on every response (" + source + ")");
}

Decision Decide(const std::vector<CheckResult>& gates) {
  for (const auto& g : gates) {
    if (g.status == CheckStatus::kFail) return Decision::kBlock;
  }
  return Decision::kPass;
}

ExitCode ExitCodeFor(Decision decision) {
  return decision == Decision::kPass ? ExitCode::kPass : ExitCode::kBlock;
}

}  // namespace rollgate::internal

namespace rollgate {

ExitCode ExitCodeFor(const RunReport& report) { return internal::ExitCodeFor(report.decision); }

ExitCode ExitCodeFor(const FleetReport& report) { return internal::ExitCodeFor(report.decision); }

}  // namespace rollgate
