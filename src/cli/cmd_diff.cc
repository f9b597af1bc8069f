// `rollgate diff`: new against rollback, field by field, without calling anything.
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "rollgate/display.h"
#include "rollgate/run.h"

namespace rollgate::cli {

int RunDiffCommand(const DiffArgs& args) {
  DiffReport report;
  Status st = DiffFromFile(args.config, {}, &report);
  if (!st.ok()) return ReportError(st);
  for (const auto& w : report.warnings) std::fprintf(stderr, "rollgate: warning: %s\n", w.c_str());
  bool color = UseColor(STDOUT_FILENO);
  auto paint = [&](const char* code, const std::string& s) { return AnsiPaint(color, code, s); };
  std::size_t w = 16;
  for (const auto& r : report.rows) w = std::max(w, r.left.size() + 2);
  w = std::min<std::size_t>(w, 44);
  std::printf("%-16s %-*s %-*s %s\n", "FIELD", static_cast<int>(w), report.left.c_str(),
              static_cast<int>(w), report.right.c_str(), "VERDICT");
  auto clip = [&](const std::string& v) {
    if (v.empty()) return std::string("-");
    return v.size() < w ? v : v.substr(0, w - 4) + "...";
  };
  for (const auto& r : report.rows) {
    std::string verdict = !r.differs     ? paint("32", "same")
                          : r.unresolved ? paint("1;31", "UNRESOLVED ON ONE SIDE")
                          : r.expected   ? paint("33", "differs (expected)")
                                         : paint("1;31", "DIFFERS");
    std::printf("%-16s %-*s %-*s %s\n", r.field.c_str(), static_cast<int>(w), clip(r.left).c_str(),
                static_cast<int>(w), clip(r.right).c_str(), verdict.c_str());
    if (r.differs) {
      std::printf("%-16s   %s: %s (%s)\n%-16s   %s: %s (%s)\n", "", report.left.c_str(),
                  (r.left.empty() ? "unresolved" : r.left).c_str(), r.left_source.c_str(), "",
                  report.right.c_str(), (r.right.empty() ? "unresolved" : r.right).c_str(),
                  r.right_source.c_str());
    }
  }
  std::printf("\nconfig_consistency: %s  %s\n", ToString(report.gate.status),
              report.gate.detail.c_str());
  return report.gate.status == CheckStatus::kFail ? ToInt(ExitCode::kBlock)
                                                  : ToInt(ExitCode::kPass);
}

}  // namespace rollgate::cli
