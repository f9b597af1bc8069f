// junit.xml: one testsuite per release plus one for the gates, so CI systems that read JUnit
// (GitLab, Jenkins, GitHub test reporters) show each check as a test.
#include <cstdio>

#include "base/display.h"
#include "evidence/evidence.h"

namespace rollgate::internal {

namespace {

// DisplayText first: XML 1.0 allows no control characters (not even as &#N;) and a report
// must be well-formed UTF-8, whatever the provider sent.
std::string XmlEscape(const std::string& text) {
  std::string s = DisplayText(text);
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += static_cast<char>(c);
    }
  }
  return out;
}

void Suite(std::string* out, const std::string& name, const std::vector<CheckResult>& checks,
           double seconds) {
  int failures = 0, skipped = 0;
  for (const auto& c : checks) {
    failures += c.status == CheckStatus::kFail;
    skipped += c.status == CheckStatus::kSkip;
  }
  char time[32];
  std::snprintf(time, sizeof time, "%.3f", seconds);
  *out += "  <testsuite name=\"" + XmlEscape(name) + "\" tests=\"" + std::to_string(checks.size()) +
          "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
          std::to_string(skipped) + "\" time=\"" + time + "\">\n";
  for (const auto& c : checks) {
    *out +=
        "    <testcase classname=\"" + XmlEscape(name) + "\" name=\"" + XmlEscape(c.id) + "\">\n";
    if (c.status == CheckStatus::kFail) {
      *out += "      <failure message=\"" + XmlEscape(c.detail) + "\">" + XmlEscape(c.detail) +
              "</failure>\n";
    } else if (c.status == CheckStatus::kSkip) {
      *out += "      <skipped message=\"" + XmlEscape(c.detail) + "\"/>\n";
    } else {
      *out += "      <system-out>" + XmlEscape(c.detail) + "</system-out>\n";
    }
    *out += "    </testcase>\n";
  }
  *out += "  </testsuite>\n";
}

}  // namespace

std::string RenderJunitXml(const RunReport& report) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rollgate " +
                    XmlEscape(report.service) + "\">\n";
  for (const auto& r : report.releases) {
    Suite(&out, "release." + r.name, r.checks, r.latency_ms / 1000.0);
  }
  Suite(&out, "gates", report.gates, (report.finished_unix_ms - report.started_unix_ms) / 1000.0);
  out += "</testsuites>\n";
  return out;
}

}  // namespace rollgate::internal
