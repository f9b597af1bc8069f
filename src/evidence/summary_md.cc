// summary.md: the gate table a CI job summary shows ($GITHUB_STEP_SUMMARY and friends).
#include "base/clock.h"
#include "base/display.h"
#include "base/strings.h"
#include "evidence/evidence.h"

namespace rollgate::internal {

namespace {

// Every text from a report goes through MarkdownText or MarkdownCode (base/display.h): a
// provider's error message, an app's output or a version read from the environment must not
// become a link, an image, a table column or HTML in the CI job summary.
std::string Cell(const std::string& s) { return MarkdownText(s); }
std::string Code(const std::string& s) { return MarkdownCode(s); }

const char* Mark(const CheckResult& c) {
  switch (c.status) {
    case CheckStatus::kPass:
      return c.warning ? "⚠️ pass" : "✅ pass";
    case CheckStatus::kFail:
      return "❌ fail";
    case CheckStatus::kSkip:
      return "➖ skip";
  }
  return "";
}

}  // namespace

std::string RenderSummaryMarkdown(const RunReport& report) {
  std::string out = "## rollgate " + std::string(ToString(report.command)) + ": " +
                    Cell(report.service) + " — " + (report.passed() ? "PASS" : "BLOCK") + "\n\n";
  if (report.interrupted) {
    out += "**Interrupted" + (report.signal.empty() ? std::string() : " by " + report.signal) +
           "**: the run was stopped before it finished, so it is recorded as a block.\n\n";
  }
  out += "| gate | decision | evidence |\n|---|---|---|\n";
  for (const auto& g : report.gates) {
    out += "| `" + g.id + "` | " + Mark(g) + " | " + Cell(g.detail) + " |\n";
  }
  out += "\n**Decision: " + std::string(ToString(report.decision)) + "** — ";
  out += report.passed() ? "both paths can make the documented call; traffic may move.\n"
                         : "do not move traffic until the failing gate above is fixed.\n";
  if (!report.drill_steps.empty()) {
    out += "\n### rollback switch drill (route left on " + Cell(report.route_left_on) + ")\n\n";
    out += "| step | status | started | finished | detail |\n|---|---|---|---|---|\n";
    for (const auto& s : report.drill_steps) {
      out += "| " + std::to_string(s.number) + ". " + Cell(s.name) + " | " +
             Mark({"", s.status, "", false}) + " | " + FormatIsoUtc(s.started_unix_ms) + " | " +
             FormatIsoUtc(s.finished_unix_ms) + " | " + Cell(s.detail) + " |\n";
    }
  }
  for (const auto& r : report.releases) {
    out += "\n### release " + Code(r.name) + " (version " + Cell(r.version) + ")\n\n";
    out += Code(r.method + " " + r.endpoint) + " · model " + Code(r.model) + " · key " +
           Code(r.key_fingerprint.empty() ? "unresolved" : r.key_fingerprint);
    if (!r.attempts.empty()) {
      out += " · " + FormatDurationMs(r.latency_ms) + " · " +
             Plural(static_cast<long>(r.attempts.size()), "attempt", "attempts");
    }
    out += "\n\n| check | status | detail |\n|---|---|---|\n";
    for (const auto& c : r.checks) {
      out += "| `" + c.id + "` | " + Mark(c) + " | " + Cell(c.detail) + " |\n";
    }
  }
  if (!report.run_id.empty()) out += "\n---\nrun id `" + Cell(report.run_id) + "`\n";
  return out;
}

}  // namespace rollgate::internal
