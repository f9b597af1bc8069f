// RunReports for the history tests: two releases with the usual checks, each release passing
// or failing on one named check.
#pragma once

#include <string>
#include <vector>

#include "rollgate/report.h"

namespace rollgate::testing {

inline ReleaseReport MakeRelease(const std::string& name, const std::string& version,
                                 const std::string& failing_check = "", int64_t tokens = 40) {
  ReleaseReport r;
  r.name = name;
  r.version = version;
  r.endpoint = "http://127.0.0.1:7001/v1/chat/completions";
  r.method = "POST";
  r.model = name == "new" ? "gpt-5.4-mini" : "gpt-4o-mini";
  r.key_fingerprint = "sha256:" + std::string(12, name == "new" ? 'a' : 'b');
  r.http_status = failing_check == "authentication" ? 401 : 200;
  r.latency_ms = 12.5;
  r.parsed.total_tokens = tokens;
  AttemptRecord a;
  a.http_status = r.http_status;
  a.outcome = "ok";
  r.attempts.push_back(a);
  r.timings = {1, 2, 3, 10, 12.5};
  for (const char* id : {"configuration", "connectivity", "authentication", "parser_compatibility",
                         "content_sanity", "streaming", "latency"}) {
    CheckResult c;
    c.id = id;
    c.status = std::string(id) == "streaming" ? CheckStatus::kSkip : CheckStatus::kPass;
    if (id == failing_check) {
      c.status = CheckStatus::kFail;
      c.detail = std::string(id) + " failed: key rejected (401)";
    } else {
      c.detail = "ok";
    }
    r.checks.push_back(c);
  }
  return r;
}

/// A gate run at `finished_ms` (started 200 ms earlier) over new and rollback.
inline RunReport MakeRun(int64_t finished_ms, const std::string& new_fails = "",
                         const std::string& rollback_fails = "",
                         const std::string& service = "checkout-assistant") {
  RunReport run;
  run.command = Command::kGate;
  run.service = service;
  run.config_file = "rollgate.yaml";
  run.started_unix_ms = finished_ms - 200;
  run.finished_unix_ms = finished_ms;
  run.releases.push_back(MakeRelease("new", "2.4.0", new_fails));
  run.releases.push_back(MakeRelease("rollback", "2.3.1", rollback_fails));
  bool pass = new_fails.empty() && rollback_fails.empty();
  run.decision = pass ? Decision::kPass : Decision::kBlock;
  for (const char* id : {"contract_reviewed", "new_release_smoke", "rollback_release_smoke"}) {
    CheckResult g;
    g.id = id;
    bool failed = (std::string(id) == "new_release_smoke" && !new_fails.empty()) ||
                  (std::string(id) == "rollback_release_smoke" && !rollback_fails.empty());
    g.status = failed ? CheckStatus::kFail : CheckStatus::kPass;
    g.detail = failed ? "smoke failed" : "ok";
    run.gates.push_back(g);
  }
  return run;
}

}  // namespace rollgate::testing
