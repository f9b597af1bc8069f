// clock, file_util and subprocess: the base layer's side effects.
#include <gtest/gtest.h>

#include <filesystem>

#include "base/clock.h"
#include "base/file_util.h"
#include "base/subprocess.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

TEST(ClockTest, IsoFormattingAndDates) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoUtc(1795564800123), "2026-11-25T00:00:00.123Z");
  EXPECT_EQ(*ParseIsoDate("2026-11-25"), UnixDay(1795564800123));
  EXPECT_EQ(*ParseIsoDate("2024-03-01") - *ParseIsoDate("2024-02-28"), 2);  // leap year
  EXPECT_FALSE(ParseIsoDate("2026-02-29").has_value());
  EXPECT_FALSE(ParseIsoDate("26-11-25").has_value());
  EXPECT_FALSE(ParseIsoDate("2026-13-01").has_value());
  EXPECT_EQ(UnixDay(-1), -1);
}

TEST(FileUtilTest, AtomicWriteReplacesWholeAndBoundedRead) {
  testing::TempDir dir;
  std::string path = dir.Join("out/gate.json");
  ASSERT_OK(MakeDirs(dir.Join("out")));
  ASSERT_OK(WriteFileAtomic(path, "first"));
  ASSERT_OK(WriteFileAtomic(path, "second"));
  Result<std::string> text = ReadFileToString(path);
  ASSERT_OK(text);
  EXPECT_EQ(*text, "second");
  EXPECT_FALSE(ReadFileToString(path, 3).ok());
  Result<std::string> missing = ReadFileToString(dir.Join("nope"));
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(ReadFileToString(dir.path()).ok());
  EXPECT_EQ(ResolveRelative("/etc/rollgate", "../x/./c.yaml"), "/etc/x/c.yaml");
  EXPECT_EQ(ResolveRelative("/etc/rollgate", "/abs"), "/abs");
}

class BatchFlushTest : public ::testing::TestWithParam<AtomicWriteBatch::Flush> {};

TEST_P(BatchFlushTest, BatchReplacesTargetsOnlyOnCommitAndCleansUpOtherwise) {
  testing::TempDir dir;
  ASSERT_OK(MakeDirs(dir.Join("a")));
  ASSERT_OK(MakeDirs(dir.Join("b")));
  ASSERT_OK(WriteFileAtomic(dir.Join("a/gate.json"), "old"));
  {
    AtomicWriteBatch batch(GetParam());
    ASSERT_OK(batch.Stage(dir.Join("a/gate.json"), "new a"));
    ASSERT_OK(batch.Stage(dir.Join("b/gate.json"), "new b"));
    EXPECT_EQ(*ReadFileToString(dir.Join("a/gate.json")), "old") << "staged, not yet visible";
    EXPECT_FALSE(FileExists(dir.Join("b/gate.json")));
    ASSERT_OK(batch.Commit());
  }
  EXPECT_EQ(*ReadFileToString(dir.Join("a/gate.json")), "new a");
  EXPECT_EQ(*ReadFileToString(dir.Join("b/gate.json")), "new b");
  {
    AtomicWriteBatch abandoned(
        GetParam());  // never committed: the old file stays, no temp file is left
    ASSERT_OK(abandoned.Stage(dir.Join("a/gate.json"), "lost"));
  }
  EXPECT_EQ(*ReadFileToString(dir.Join("a/gate.json")), "new a");
  for (const char* sub : {"a", "b"}) {
    int entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.Join(sub)))
      entries += e.is_regular_file();
    EXPECT_EQ(entries, 1) << sub;
  }
  AtomicWriteBatch bad(GetParam());
  Status st = bad.Stage(dir.Join("missing-dir/gate.json"), "x");
  EXPECT_EQ(st.code(), Status::Code::kIoError);
  EXPECT_NE(st.message().find("missing-dir/gate.json"), std::string::npos) << st.message();
}

INSTANTIATE_TEST_SUITE_P(FileUtilTest, BatchFlushTest,
                         ::testing::Values(AtomicWriteBatch::Flush::kFileSystem,
                                           AtomicWriteBatch::Flush::kEachFile),
                         [](const ::testing::TestParamInfo<AtomicWriteBatch::Flush>& p) {
                           return p.param == AtomicWriteBatch::Flush::kFileSystem
                                      ? std::string("FileSystem")
                                      : std::string("EachFile");
                         });

TEST(SubprocessTest, CapturesOutputAndExitCodeWithoutAShell) {
  Result<CommandResult> r = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"}, {});
  ASSERT_OK(r);
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_FALSE(r->succeeded());
  Result<CommandResult> literal = RunCommand({"echo", "$HOME;", "|", "x"}, {});
  ASSERT_OK(literal);
  EXPECT_EQ(literal->out, "$HOME; | x\n");  // no shell expansion
}

TEST(SubprocessTest, TimeoutKillsTheProcessGroupInBoundedTime) {
  CommandOptions opts;
  opts.timeout_ms = 300;
  Result<CommandResult> r = RunCommand({"sh", "-c", "sleep 30 & sleep 30"}, opts);
  ASSERT_OK(r);
  EXPECT_TRUE(r->timed_out);
  EXPECT_LT(r->duration_ms, 5000);
  EXPECT_EQ(r->Describe(300), "timed out after 300 ms");
}

TEST(SubprocessTest, MissingProgramIsAStatus) {
  Result<CommandResult> r = RunCommand({"/nonexistent/rollgate-test-binary"}, {});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(RunCommand({}, {}).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace rollgate::internal

namespace rollgate::internal {
namespace {

TEST(SubprocessTest, ExtraEnvironmentIsAddedAndOverrides) {
  CommandOptions opts;
  opts.extra_env = {"ROLLGATE_TEST_A=one", "HOME=/elsewhere"};
  Result<CommandResult> r = RunCommand({"sh", "-c", "echo \"$ROLLGATE_TEST_A $HOME\""}, opts);
  ASSERT_OK(r);
  EXPECT_EQ(r->out, "one /elsewhere\n");
}

}  // namespace
}  // namespace rollgate::internal
