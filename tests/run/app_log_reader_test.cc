// A release's `logs: {file:}`: a file that cannot be marked before the probes is a finding
// that names the file and why, never a silent pass.
#include "run/app_log_reader.h"

#include <gtest/gtest.h>

#include "base/environment.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

TEST(AppLogReaderTest, ALogFileThatCannotBeMarkedIsAFindingNamingIt) {
  testing::TempDir dir;
  dir.Write("logs/keep", "");  // logs/ is a directory, not a log file
  LogsConfig logs;
  logs.file = "logs";
  logs.require = {"request_id"};
  AppLogMark mark = MarkAppLog(logs, dir.path());
  EXPECT_EQ(mark.path, dir.Join("logs"));
  EXPECT_FALSE(mark.status.ok());

  CheckResult r =
      ReadAndCheckAppLogs(logs, mark, SystemEnvironment::Get(), dir.path(), {"req-1"}, Redactor());
  EXPECT_EQ(r.status, CheckStatus::kFail);
  EXPECT_NE(r.detail.find("cannot read the app's log file: "), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find(dir.Join("logs")), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("not a regular file"), std::string::npos) << r.detail;
}

TEST(AppLogReaderTest, ALogFileNotThereYetIsMarkedAsEmpty) {
  testing::TempDir dir;
  LogsConfig logs;
  logs.file = "app.log";
  AppLogMark mark = MarkAppLog(logs, dir.path());
  EXPECT_TRUE(mark.status.ok()) << mark.status.message();
  EXPECT_FALSE(mark.mark.existed);
}

}  // namespace
}  // namespace rollgate::internal
