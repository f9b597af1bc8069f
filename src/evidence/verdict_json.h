// The JSON body every run endpoint of `rollgate serve` answers (docs/serve.md): decision,
// success, failed (failing gates with details), failed_checks (failing release checks),
// started_at, finished_at, result (ran | joined | reused), age_seconds, and reason/detail when
// there was no verdict. serve/webhooks.cc decides the words and the HTTP status; this only
// writes them. Its RunOutcome lives in serve/, above evidence/, so it hands over this plain
// value instead.
#pragma once

#include <string>

#include "base/secret.h"
#include "rollgate/report.h"

namespace rollgate::internal {

struct VerdictBody {
  std::string decision;  // pass | block, or why there is none: capped, busy, ..., error
  bool success = false;
  /// The run's report; not owned, must outlive the call. Null when there is no verdict.
  const RunReport* report = nullptr;
  std::string result;      // with a report: ran | joined | reused
  double age_seconds = 0;  // with a report: how old the result is
  std::string reason;      // without a report: "" leaves it out
  std::string detail;      // without a report
};

/// The body, one line with a trailing newline; every detail passes through `redactor`.
std::string RenderVerdictJson(const VerdictBody& body, const Redactor& redactor);

/// {"decision":"error","success":false,"error":message} and a newline.
std::string RenderJsonErrorBody(const std::string& message);

}  // namespace rollgate::internal
