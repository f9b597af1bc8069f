#include "evidence/verdict_json.h"

#include <nlohmann/json.hpp>

#include "base/clock.h"

namespace rollgate::internal {

namespace {

using nlohmann::ordered_json;

std::string Dump(const ordered_json& j) {
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string RenderVerdictJson(const VerdictBody& body, const Redactor& redactor) {
  ordered_json out;
  out["decision"] = body.decision;
  out["success"] = body.success;
  out["failed"] = ordered_json::array();
  out["failed_checks"] = ordered_json::array();
  if (body.report) {
    const RunReport& r = *body.report;
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
    out["result"] = body.result;
    out["age_seconds"] = body.age_seconds;
  } else {
    out["finished_at"] = nullptr;
    out["result"] = "none";
    if (!body.reason.empty()) out["reason"] = body.reason;
    out["detail"] = redactor.Redact(body.detail);
  }
  return Dump(out);
}

std::string RenderJsonErrorBody(const std::string& message) {
  ordered_json out;
  out["decision"] = "error";
  out["success"] = false;
  out["error"] = message;
  return Dump(out);
}

}  // namespace rollgate::internal
