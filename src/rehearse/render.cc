// The rehearsal's report as JSON and as the console's matrix (docs/rehearse.md).
#include <nlohmann/json.hpp>
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

const char* ToString(RehearseResult result) {
  switch (result) {
    case RehearseResult::kCaught:
      return "caught";
    case RehearseResult::kMissed:
      return "missed";
    case RehearseResult::kNotApplicable:
      return "not_applicable";
    case RehearseResult::kInterrupted:
      return "interrupted";
  }
  return "";
}

std::optional<RehearseResult> ParseRehearseResult(std::string_view text) {
  for (RehearseResult r : {RehearseResult::kCaught, RehearseResult::kMissed,
                           RehearseResult::kNotApplicable, RehearseResult::kInterrupted}) {
    if (text == ToString(r)) return r;
  }
  return std::nullopt;
}

std::string RenderRehearseJson(const RehearseReport& report) {
  nlohmann::ordered_json j;
  nlohmann::ordered_json modes = nlohmann::ordered_json::array();
  for (const auto& r : report.rows) {
    modes.push_back({{"mode", r.mode},
                     {"release", r.release},
                     {"expected", r.expected},
                     {"result", ToString(r.result)},
                     {"detail", r.detail}});
  }
  j["modes"] = std::move(modes);
  nlohmann::ordered_json apps = nlohmann::ordered_json::array();
  for (const auto& app : report.apps) apps.push_back(internal::AppJson(app));
  j["apps"] = std::move(apps);
  j["app_differences"] = report.app_differences;
  j["caught"] = report.caught;
  j["missed"] = report.missed;
  j["not_applicable"] = report.not_applicable;
  if (report.interrupted) {
    j["interrupted"] = true;
    if (!report.signal.empty()) j["signal"] = report.signal;
    j["not_rehearsed"] = report.interrupted_rows;
  }
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

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
