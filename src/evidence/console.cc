// The table printed on stdout: the decision first-class, one line per check and gate.
#include <algorithm>

#include "base/display.h"
#include "base/strings.h"
#include "evidence/evidence.h"

namespace rollgate::internal {

namespace {

std::string Paint(const ConsoleStyle& style, const char* code, const std::string& text) {
  return AnsiPaint(style.color, code, text);
}

std::string StatusWord(const ConsoleStyle& style, const CheckResult& c) {
  switch (c.status) {
    case CheckStatus::kPass:
      return c.warning ? Paint(style, "33", "pass*") : Paint(style, "32", "pass ");
    case CheckStatus::kFail:
      return Paint(style, "1;31", "FAIL ");
    case CheckStatus::kSkip:
      return Paint(style, "2", "skip ");
  }
  return "";
}

std::string Pad(const std::string& s, std::size_t width) { return PadRight(s, width); }

}  // namespace

std::string RenderConsole(const RunReport& report, const ConsoleStyle& style) {
  // Every field goes through DisplayText: the report is scrubbed already (RedactReport), and
  // this keeps the terminal safe for a report that was not.
  auto T = [](std::string_view s) { return DisplayText(s); };
  std::string out;
  out += Paint(style, "1",
               "rollgate " + std::string(ToString(report.command)) + " · " + T(report.service)) +
         "\n";
  for (const auto& r : report.releases) {
    out += "\n" + Paint(style, "1", "release " + T(r.name)) + "  version " + T(r.version);
    if (!r.endpoint.empty()) out += "  " + T(r.method) + " " + T(r.endpoint);
    out += "\n";
    for (const auto& c : r.checks) {
      out += "  " + Pad(c.id, 24) + StatusWord(style, c) + " " + T(c.detail) + "\n";
    }
  }
  if (!report.drill_steps.empty()) {
    out += "\n" + Paint(style, "1", "drill") + "  route left on " + T(report.route_left_on) + "\n";
    for (const auto& s : report.drill_steps) {
      CheckResult as_check{"", s.status, "", false};
      out += "  " + Pad(std::to_string(s.number) + ". " + T(s.name), 46) +
             StatusWord(style, as_check) + " " + T(s.detail) + "\n";
    }
  }
  out += "\n" + Paint(style, "1", "gates") + "\n";
  for (const auto& g : report.gates) {
    out += "  " + Pad(g.id, 24) + StatusWord(style, g) + " " + T(g.detail) + "\n";
  }
  out += "\n";
  if (report.interrupted) {
    out += Paint(style, "1;33", "INTERRUPTED") +
           (report.signal.empty() ? "" : " by " + report.signal) +
           ": the run was stopped before it finished; nothing here is a pass.\n";
  }
  if (report.passed()) {
    out += Paint(style, "1;32", "DECISION: PASS") +
           (report.command == Command::kCheck ? "  the release can make the documented call.\n"
                                              : "  every gate passed; traffic may move.\n");
  } else {
    std::vector<std::string> failed;
    for (const auto& g : report.gates) {
      if (g.status == CheckStatus::kFail) failed.push_back(g.id);
    }
    out += Paint(style, "1;31", "DECISION: BLOCK") + "  failed: " + Join(failed, ", ") +
           ". Do not move traffic.\n";
  }
  if (!report.evidence_files.empty())
    out += "evidence: " + T(Join(report.evidence_files, ", ")) + "\n";
  return out;
}

}  // namespace rollgate::internal

namespace rollgate {

std::string RenderRunConsole(const RunReport& report, bool color) {
  internal::ConsoleStyle style;
  style.color = color;
  return internal::RenderConsole(report, style);
}

}  // namespace rollgate
