// junit.xml as GitLab and Jenkins read it: valid against tests/data/junit/junit.xsd (xmllint),
// one <testsuite> per release plus the gates (and the drill's steps), one <testcase> per check
// and gate, and a failing one's detail as <failure message=…>.
#include "testutil/junit_schema.h"

#include <gtest/gtest.h>

#include <string>

#include "evidence/evidence.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

using testing::JunitSchemaErrors;
using testing::JunitXPathCount;

RunReport JunitSample() {
  RunReport report;
  report.command = Command::kGate;
  report.service = "svc <&> \"quoted\" 'single'";
  report.decision = Decision::kBlock;
  report.started_unix_ms = 1795564800000;
  report.finished_unix_ms = 1795564800250;
  for (const char* name : {"new", "rollback"}) {
    ReleaseReport r;
    r.name = name;
    r.latency_ms = 120;
    r.checks = {
        {"configuration", CheckStatus::kPass, "resolved", false},
        {"authentication", CheckStatus::kFail, "key rejected | <401> & \x01 \"control\" ü", false},
        {"streaming", CheckStatus::kSkip, "release does not stream", false}};
    report.releases.push_back(r);
  }
  report.gates = {
      {"contract_reviewed", CheckStatus::kPass, "ok", false},
      {"rollback_release_smoke", CheckStatus::kFail, "ROLLBACK IS NOT SAFE: authentication", false},
      {"rollback_switch_drill", CheckStatus::kSkip, "not run", false}};
  return report;
}

class JunitSchemaTest : public ::testing::Test {
 protected:
  std::string Write(const RunReport& report) {
    return dir_.Write("junit.xml", RenderJunitXml(report));
  }
  testing::TempDir dir_;
};

TEST_F(JunitSchemaTest, ABlockedGateIsValidJunitWithASuitePerReleaseAndOneForTheGates) {
  const std::string xml = Write(JunitSample());
  EXPECT_EQ(JunitSchemaErrors(xml), "");
  EXPECT_EQ(JunitXPathCount(xml, "/testsuites/testsuite"), 3);
  EXPECT_EQ(JunitXPathCount(xml, "/testsuites/testsuite[@name='release.new']/testcase"), 3);
  EXPECT_EQ(JunitXPathCount(xml, "/testsuites/testsuite[@name='gates']/testcase"), 3);
  EXPECT_EQ(JunitXPathCount(xml, "//testcase"), 9);
  EXPECT_EQ(JunitXPathCount(xml, "//testcase/failure"), 3);
  EXPECT_EQ(JunitXPathCount(xml, "//testcase/skipped"), 3);
  // The failing detail is the failure's message, as GitLab shows it.
  EXPECT_EQ(JunitXPathCount(xml,
                            "//testsuite[@name='gates']/testcase[@name='rollback_release_smoke']/"
                            "failure[@message='ROLLBACK IS NOT SAFE: authentication']"),
            1);
  // The counts on every element agree with the elements.
  EXPECT_EQ(JunitXPathCount(
                xml, "/testsuites[@tests='9' and @failures='3' and @skipped='3' and @errors='0']"),
            1);
  EXPECT_EQ(JunitXPathCount(xml, "//testsuite[@tests != count(testcase)]"), 0);
  EXPECT_EQ(JunitXPathCount(xml, "//testsuite[@failures != count(testcase/failure)]"), 0);
  EXPECT_EQ(JunitXPathCount(xml, "//testsuite[@skipped != count(testcase/skipped)]"), 0);
}

TEST_F(JunitSchemaTest, APassIsValidToo) {
  RunReport report = JunitSample();
  report.decision = Decision::kPass;
  for (auto& r : report.releases)
    r.checks = {{"configuration", CheckStatus::kPass, "resolved", false}};
  report.gates = {{"negative_auth", CheckStatus::kPass, "rejected", false}};
  const std::string xml = Write(report);
  EXPECT_EQ(JunitSchemaErrors(xml), "");
  EXPECT_EQ(JunitXPathCount(xml, "//failure"), 0);
  EXPECT_EQ(JunitXPathCount(xml, "/testsuites[@tests='3' and @failures='0']"), 1);
}

TEST_F(JunitSchemaTest, TheDrillsStepsAreASuiteOfTheirOwn) {
  RunReport report = JunitSample();
  report.command = Command::kDrill;
  report.drill_steps = {
      {1, "smoke new release", CheckStatus::kPass, "ok", 0, 0, false},
      {4, "switch route to new", CheckStatus::kFail, "route command exited 1", 0, 0, false},
      {6, "switch route back to rollback", CheckStatus::kPass, "restored", 0, 0, true}};
  const std::string xml = Write(report);
  EXPECT_EQ(JunitSchemaErrors(xml), "");
  EXPECT_EQ(JunitXPathCount(xml, "/testsuites/testsuite[@name='drill']/testcase"), 3);
  EXPECT_EQ(JunitXPathCount(xml,
                            "//testsuite[@name='drill']/testcase[@name='4. switch route to new']/"
                            "failure[@message='route command exited 1']"),
            1);
  EXPECT_EQ(JunitXPathCount(xml,
                            "//testsuite[@name='drill']/testcase[@name='6. switch route back to "
                            "rollback (recovery)']"),
            1);
}

TEST_F(JunitSchemaTest, AReportWithoutTimesStillHasNoNegativeTime) {
  RunReport report = JunitSample();
  report.finished_unix_ms = 0;  // never finished (e.g. a report built by hand)
  EXPECT_EQ(JunitSchemaErrors(Write(report)), "");
}

}  // namespace
}  // namespace rollgate::internal
