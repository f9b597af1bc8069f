// junit.xml: one testsuite per release plus one for the gates (and one for the drill's steps),
// so CI systems that read JUnit (GitLab, Jenkins, GitHub test reporters) show each check as a
// test and a failure's detail as its message. tests/data/junit/junit.xsd is the schema.
#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

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
  for (char c : s) {
    const char* entity = MarkupEntity(c, /*quotes=*/true);
    if (entity) {
      out += entity;
    } else {
      out += c;
    }
  }
  return out;
}

void Suite(std::string* out, const std::string& name, const std::vector<CheckResult>& checks,
           double seconds, const std::string& run_id) {
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
  if (!run_id.empty()) {
    *out += "    <properties><property name=\"rollgate.run_id\" value=\"" + XmlEscape(run_id) +
            "\"/></properties>\n";
  }
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
  struct SuiteInput {
    std::string name;
    std::vector<CheckResult> cases;
    double seconds;
  };
  std::vector<SuiteInput> suites;
  for (const auto& r : report.releases) {
    suites.push_back({"release." + r.name, r.checks, r.latency_ms / 1000.0});
  }
  const double run_seconds =
      std::max<int64_t>(0, report.finished_unix_ms - report.started_unix_ms) / 1000.0;
  suites.push_back({"gates", report.gates, run_seconds});
  if (!report.drill_steps.empty()) {  // `rollgate drill`: one test case per step, in order
    SuiteInput drill{"drill", {}, run_seconds};
    for (const auto& s : report.drill_steps) {
      drill.cases.push_back(
          {std::to_string(s.number) + ". " + s.name + (s.recovery ? " (recovery)" : ""), s.status,
           s.detail, false});
    }
    suites.push_back(std::move(drill));
  }
  // Totals on the root element too: Jenkins and GitLab show them without adding up the suites.
  std::size_t tests = 0, failures = 0, skipped = 0;
  for (const auto& suite : suites) {
    for (const auto& c : suite.cases) {
      ++tests;
      failures += c.status == CheckStatus::kFail;
      skipped += c.status == CheckStatus::kSkip;
    }
  }
  char time[32];
  std::snprintf(time, sizeof time, "%.3f", run_seconds);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rollgate " +
                    XmlEscape(report.service) + "\" tests=\"" + std::to_string(tests) +
                    "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
                    std::to_string(skipped) + "\" time=\"" + time + "\">\n";
  for (const auto& suite : suites)
    Suite(&out, suite.name, suite.cases, suite.seconds, report.run_id);
  out += "</testsuites>\n";
  return out;
}

}  // namespace rollgate::internal
