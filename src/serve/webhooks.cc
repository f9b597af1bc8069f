// What each run endpoint answers: the words and the HTTP status are decided here; the JSON is
// written by evidence/verdict_json.cc (one JSON adapter: serve/ never sees nlohmann).
#include "serve/webhooks.h"

#include "evidence/verdict_json.h"

namespace rollgate::internal {

namespace {

std::string DecisionWord(const RunOutcome& o) {
  if (o.has_report()) return ToString(o.report->decision);
  bool named = o.kind == RunOutcome::Kind::kCapped || o.kind == RunOutcome::Kind::kBusy ||
               o.kind == RunOutcome::Kind::kShuttingDown || o.kind == RunOutcome::Kind::kTimedOut;
  return named ? ToString(o.kind) : "error";
}

std::string ResultWord(RunOutcome::Kind kind) {
  bool has_result = kind == RunOutcome::Kind::kRan || kind == RunOutcome::Kind::kJoined ||
                    kind == RunOutcome::Kind::kReused;
  return has_result ? ToString(kind) : "none";
}

bool IsServiceUnavailable(RunOutcome::Kind kind) {
  return kind == RunOutcome::Kind::kBusy || kind == RunOutcome::Kind::kShuttingDown ||
         kind == RunOutcome::Kind::kTimedOut;
}

}  // namespace

std::string RenderOutcomeJson(const RunOutcome& outcome, const Redactor& redactor) {
  VerdictBody body;
  body.decision = DecisionWord(outcome);
  body.success = outcome.has_report() && outcome.report->passed();
  body.report = outcome.report.get();
  body.result = ResultWord(outcome.kind);
  body.age_seconds = static_cast<double>(outcome.age_ms) / 1000;
  body.reason = outcome.reason;
  body.detail = outcome.detail;
  return RenderVerdictJson(body, redactor);
}

int StatusFor(Caller caller, const RunOutcome& outcome) {
  if (outcome.kind == RunOutcome::Kind::kError) return 500;
  if (IsServiceUnavailable(outcome.kind)) return 503;
  if (caller == Caller::kArgo) return 200;  // the verdict (even "capped") is in the body
  if (outcome.kind == RunOutcome::Kind::kCapped) return 503;
  return outcome.has_report() && outcome.report->passed() ? 200 : 412;
}

ServerResponse OutcomeResponse(Caller caller, const RunOutcome& outcome, const Redactor& redactor) {
  ServerResponse r = ServerResponse::Make(StatusFor(caller, outcome), "application/json",
                                          RenderOutcomeJson(outcome, redactor));
  r.headers.emplace_back("Cache-Control", "no-store");
  // Busy or stopping clears within seconds; a cap does not (it resets at 00:00 UTC).
  if (IsServiceUnavailable(outcome.kind)) r.headers.emplace_back("Retry-After", "30");
  return r;
}

ServerResponse JsonError(int status, const std::string& message) {
  ServerResponse r = ServerResponse::Make(status, "application/json", RenderJsonErrorBody(message));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace rollgate::internal
