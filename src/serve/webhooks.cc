// The only file of serve/ that touches JSON (nlohmann), like one adapter per library asks:
// parsing Flagger's payload and rendering the answer bodies.
#include "serve/webhooks.h"

#include <nlohmann/json.hpp>

#include "base/clock.h"

namespace rollgate::internal {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

bool HasVerdict(const RunOutcome& o) { return o.has_report(); }

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

Result<FlaggerPayload> ParseFlaggerPayload(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(
        "the body is not a JSON object; Flagger sends {name, namespace, phase, metadata}");
  }
  FlaggerPayload p;
  auto text = [&](const char* key, std::string* out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return Status::Ok();
    if (!it->is_string()) return Status::InvalidArgument(std::string(key) + ": expected a string");
    *out = it->get<std::string>();
    return Status::Ok();
  };
  ROLLGATE_RETURN_IF_ERROR(text("name", &p.name));
  ROLLGATE_RETURN_IF_ERROR(text("namespace", &p.namespace_name));
  ROLLGATE_RETURN_IF_ERROR(text("phase", &p.phase));
  auto md = j.find("metadata");
  if (md != j.end() && !md->is_null()) {
    if (!md->is_object()) return Status::InvalidArgument("metadata: expected an object");
    for (const auto& [key, value] : md->items()) {
      if (value.is_string()) {
        p.metadata[key] = value.get<std::string>();
      } else {
        p.metadata[key] = value.dump(-1, ' ', false, json::error_handler_t::replace);
      }
    }
  }
  return p;
}

std::string RenderOutcomeJson(const RunOutcome& outcome, const Redactor& redactor) {
  ordered_json out;
  out["decision"] = DecisionWord(outcome);
  out["success"] = outcome.has_report() && outcome.report->passed();
  out["failed"] = ordered_json::array();
  out["failed_checks"] = ordered_json::array();
  if (HasVerdict(outcome)) {
    const RunReport& r = *outcome.report;
    for (const auto& g : r.gates) {
      if (g.status != CheckStatus::kFail) continue;
      out["failed"].push_back({{"id", g.id}, {"detail", redactor.Redact(g.detail)}});
    }
    for (const auto& rel : r.releases) {
      for (const auto& c : rel.checks) {
        if (c.status != CheckStatus::kFail) continue;
        out["failed_checks"].push_back(
            {{"release", rel.name}, {"id", c.id}, {"detail", redactor.Redact(c.detail)}});
      }
    }
    out["service"] = r.service;
    out["started_at"] = FormatIsoUtc(r.started_unix_ms);
    out["finished_at"] = FormatIsoUtc(r.finished_unix_ms);
    out["result"] = ResultWord(outcome.kind);
    out["age_seconds"] = static_cast<double>(outcome.age_ms) / 1000;
  } else {
    out["finished_at"] = nullptr;
    out["result"] = "none";
    if (!outcome.reason.empty()) out["reason"] = outcome.reason;
    out["detail"] = redactor.Redact(outcome.detail);
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
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
  ordered_json out;
  out["decision"] = "error";
  out["success"] = false;
  out["error"] = message;
  ServerResponse r = ServerResponse::Make(
      status, "application/json", out.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace rollgate::internal
