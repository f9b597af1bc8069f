// `check --explain` and `--dry-run` on a console (rollgate/run.h).
#include <algorithm>

#include "base/display.h"
#include "base/strings.h"
#include "rollgate/run.h"

namespace rollgate {

std::string RenderExplainConsole(const ExplainReport& e, bool dry_run) {
  std::string out = "release " + e.release + " of " + e.service + " (" + e.config_file + ")\n";
  std::size_t kw = 8, vw = 8;
  for (const auto& s : e.settings) {
    kw = std::max(kw, s.key.size());
    vw = std::max(vw, std::min<std::size_t>(s.value.size(), 60));
  }
  out += "  " + internal::PadRight("SETTING", kw + 2) + internal::PadRight("VALUE", vw + 2) +
         "SOURCE\n";
  for (const auto& s : e.settings) {
    const std::string value = s.value.empty() ? "-" : s.value;
    if (value.size() > vw) {  // a long value: its source on the next line, in the SOURCE column
      out += "  " + internal::PadRight(s.key, kw + 2) + value + "\n" +
             std::string(kw + vw + 6, ' ') + s.source + "\n";
    } else {
      out += "  " + internal::PadRight(s.key, kw + 2) + internal::PadRight(value, vw + 2) +
             s.source + "\n";
    }
  }
  out += e.requests.empty() ? "\nno request: the configuration check fails first\n"
         : dry_run          ? "\nrequests the check would send:\n"
                            : "\nrequests the check sends:\n";
  for (const auto& r : e.requests) {
    out += "  " + r.kind + ": " + r.method + " " + r.target + "\n";
    if (!r.headers.empty()) out += "    headers: " + internal::Join(r.headers, ", ") + "\n";
    if (!r.body_fields.empty())
      out += "    body fields: " + internal::Join(r.body_fields, ", ") + "\n";
    if (!r.note.empty()) out += "    " + r.note + "\n";
  }
  for (const auto& w : e.warnings) out += "warning: " + w + "\n";
  for (const auto& x : e.errors) out += "configuration: " + x + "\n";
  if (dry_run) out += "dry run: nothing was sent\n";
  return out;
}

}  // namespace rollgate
