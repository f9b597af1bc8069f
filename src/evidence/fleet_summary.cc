// The combined summary of `rollgate gate --config-dir`: one line per service, blocked first.
#include <algorithm>

#include "base/display.h"
#include "base/strings.h"
#include "evidence/evidence.h"

namespace rollgate::internal {

namespace {

std::string FailedGates(const RunReport& r) {
  std::vector<std::string> failed;
  for (const auto& g : r.gates) {
    if (g.status == CheckStatus::kFail) failed.push_back(g.id);
  }
  return Join(failed, ", ");
}

std::vector<const RunReport*> BlockedFirst(const std::vector<RunReport>& runs) {
  std::vector<const RunReport*> order;
  order.reserve(runs.size());
  for (const auto& r : runs) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(), [](const RunReport* a, const RunReport* b) {
    return !a->passed() && b->passed();
  });
  return order;
}

}  // namespace

std::string RenderFleetSummary(const std::vector<RunReport>& runs, bool markdown,
                               const ConsoleStyle& style) {
  int blocked = 0;
  for (const auto& r : runs) blocked += !r.passed();
  std::string out;
  if (markdown) {
    out += "## rollgate fleet gate: " + std::to_string(runs.size()) + " services, " +
           std::to_string(blocked) +
           " blocked\n\n| service | decision | failed gates |\n|---|---|---|\n";
    for (const RunReport* r : BlockedFirst(runs)) {
      out += "| " + MarkdownText(r->service) + " | " + (r->passed() ? "✅ pass" : "❌ block") +
             " | " + FailedGates(*r) + " |\n";
    }
    return out;
  }
  auto paint = [&](const char* code, const std::string& s) {
    return AnsiPaint(style.color, code, s);
  };
  std::size_t w = 8;
  for (const auto& r : runs) w = std::max(w, DisplayText(r.service).size() + 1);
  for (const RunReport* r : BlockedFirst(runs)) {
    std::string service = DisplayText(r->service);
    std::string name = service + std::string(w - service.size(), ' ');
    out += name + (r->passed() ? paint("32", "pass ") : paint("1;31", "BLOCK")) +
           (r->passed() ? "" : "  " + FailedGates(*r)) + "\n";
  }
  out += "\n" + std::to_string(runs.size()) +
         " services: " + std::to_string(runs.size() - blocked) + " pass, " +
         std::to_string(blocked) + " blocked\n";
  return out;
}

}  // namespace rollgate::internal
