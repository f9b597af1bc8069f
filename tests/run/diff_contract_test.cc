// `rollgate diff` and its contract: the contract's endpoint is part of what the diff compares, so
// a contract that cannot be understood is an error naming the file (as the gate's), and one that
// cannot be read is a warning, never silence.
#include <gtest/gtest.h>

#include "rollgate/run.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate {
namespace {

std::string DiffContractTestConfig(const testing::TempDir& dir, const std::string& contract) {
  return dir.Write(
      "rollgate.yaml",
      "service: s\ncontract: " + contract +
          "\nreleases:\n"
          "  new: {version: '2', base_url: 'http://127.0.0.1:9', api_key: k, model: m}\n"
          "  rollback: {version: '1', base_url: 'http://127.0.0.1:9', api_key: k, model: m}\n");
}

TEST(DiffContractTest, MalformedContractIsAnErrorNamingTheFile) {
  testing::TempDir dir;
  const std::string contract =
      dir.Write("contract.yaml", "reviewed_on: 2026-11-20\nunknown_key: 1\n");
  DiffReport report;
  Status st = DiffFromFile(DiffContractTestConfig(dir, "contract.yaml"), {}, &report);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.message().rfind(contract + ":2:", 0), 0u) << st.message();
  EXPECT_TRUE(report.rows.empty());
}

TEST(DiffContractTest, UnreadableContractIsAWarningAndTheBuiltInEndpointIsCompared) {
  testing::TempDir dir;
  DiffReport report;
  ASSERT_OK(DiffFromFile(DiffContractTestConfig(dir, "gone.yaml"), {}, &report));
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find(dir.Join("gone.yaml")), std::string::npos)
      << report.warnings[0];
  bool path_row = false;
  for (const auto& row : report.rows) {
    if (row.field == "path") path_row = row.left == "/v1/chat/completions" && !row.differs;
  }
  EXPECT_TRUE(path_row);
}

TEST(DiffContractTest, ReadableContractGivesNoWarning) {
  testing::TempDir dir;
  dir.Write("contract.yaml", "reviewed_on: 2026-11-20\nendpoint: {path: /v2/chat}\n");
  DiffReport report;
  ASSERT_OK(DiffFromFile(DiffContractTestConfig(dir, "contract.yaml"), {}, &report));
  EXPECT_TRUE(report.warnings.empty());
  for (const auto& row : report.rows) {
    if (row.field == "path") {
      EXPECT_EQ(row.left, "/v2/chat");
    }
  }
}

}  // namespace
}  // namespace rollgate
