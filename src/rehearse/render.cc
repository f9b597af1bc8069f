// The rehearsal's report as the console's matrix (docs/rehearse.md). The JSON is written in
// evidence/rehearse_json.cc, the result words in base/report.cc (the vocabulary).
#include <utility>

#include "base/display.h"
#include "rehearse/app_rows.h"
#include "rehearse/rehearse.h"

namespace rollgate::internal {

namespace {

// The RESULT column's colour and word.
std::pair<const char*, const char*> ResultCell(RehearseResult result) {
  switch (result) {
    case RehearseResult::kCaught:
      return {"32", "caught"};
    case RehearseResult::kMissed:
      return {"1;31", "MISSED"};
    case RehearseResult::kInterrupted:
      return {"33", "interrupted"};
    case RehearseResult::kNotApplicable:
      break;
  }
  return {"2", "n/a"};
}

}  // namespace

}  // namespace rollgate::internal

namespace rollgate {

std::string RenderRehearseTable(const RehearseReport& report, bool color) {
  auto paint = [&](const char* code, const std::string& s) {
    return internal::AnsiPaint(color, code, s);
  };
  auto pad = [](std::string s, std::size_t w) {
    if (s.size() < w) s += std::string(w - s.size(), ' ');
    return s + " ";
  };
  std::string out =
      pad("MODE", 30) + pad("RELEASE", 9) + pad("EXPECTED", 34) + pad("RESULT", 14) + "DETAIL\n";
  for (const auto& r : report.rows) {
    auto [code, word] = internal::ResultCell(r.result);
    std::string result = paint(code, pad(word, 14));
    out += pad(r.mode, 30) + pad(r.release, 9) + pad(r.expected, 34) + result + r.detail + "\n";
  }
  out += internal::RenderApps(report);
  out += "\n" + std::to_string(report.caught) + " caught, " + std::to_string(report.missed) +
         " missed, " + std::to_string(report.not_applicable) + " not applicable\n";
  if (report.interrupted) {
    out += "INTERRUPTED by " + report.signal + ": " + std::to_string(report.interrupted_rows) +
           " modes not rehearsed to the end; this is not a complete answer\n";
  }
  return out;
}

}  // namespace rollgate
