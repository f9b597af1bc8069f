// file_util: temp files nobody can plant a symlink for, renames that replace (never follow) a
// symlink, reads that never block on a FIFO, and the clean-up of a killed run's temp files.
#include "base/file_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>

#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

bool FileUtilIsSymlink(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

int FileUtilCountEntries(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    ++n;
  return n;
}

// A process id that belonged to a process that has exited and been reaped.
pid_t FileUtilDeadPid() {
  pid_t pid = ::fork();
  if (pid == 0) _exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

TEST(FileUtilSafetyTest, SymlinksPlantedAtPredictableTempNamesAreNeverWrittenThrough) {
  testing::TempDir dir;
  std::string victim = dir.Write("victim.txt", "precious");
  std::string target = dir.Join("gate.json");
  // Every name the old scheme (<target>.tmp.<pid>.<counter>) would have used: an attacker who
  // can write the directory plants a symlink to a file of ours there.
  for (int i = 0; i < 64; ++i) {
    std::string name = target + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(i);
    ASSERT_EQ(::symlink(victim.c_str(), name.c_str()), 0);
  }
  ASSERT_OK(WriteFileAtomic(target, "evidence"));
  AtomicWriteBatch batch(AtomicWriteBatch::Flush::kEachFile);
  ASSERT_OK(batch.Stage(dir.Join("junit.xml"), "more evidence"));
  ASSERT_OK(batch.Commit());
  EXPECT_EQ(*ReadFileToString(victim), "precious");
  EXPECT_EQ(*ReadFileToString(target), "evidence");
  EXPECT_FALSE(FileUtilIsSymlink(target));
}

TEST(FileUtilSafetyTest, ARenameReplacesASymlinkAtTheTargetAndLeavesItsTargetAlone) {
  testing::TempDir dir;
  std::string victim = dir.Write("elsewhere/victim.txt", "precious");
  std::string target = dir.Join("gate.json");
  ASSERT_EQ(::symlink(victim.c_str(), target.c_str()), 0);
  ASSERT_OK(WriteFileAtomic(target, "evidence"));
  EXPECT_FALSE(FileUtilIsSymlink(target));
  EXPECT_EQ(*ReadFileToString(target), "evidence");
  EXPECT_EQ(*ReadFileToString(victim), "precious");
}

TEST(FileUtilSafetyTest, AFifoIsRefusedAtOnceInsteadOfBlocking) {
  testing::TempDir dir;
  std::string fifo = dir.Join("key");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto read = std::async(std::launch::async, [&] { return ReadFileToString(fifo); });
  if (read.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // unblock the reader, then fail
    if (fd >= 0) ::close(fd);
    FAIL() << "ReadFileToString blocked on a FIFO";
  }
  Result<std::string> text = read.get();
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("FIFO"), std::string::npos) << text.status().message();
  Result<std::string> device = ReadFileToString("/dev/zero");
  ASSERT_FALSE(device.ok());
  EXPECT_NE(device.status().message().find("character device"), std::string::npos);
  // A symlink to a regular file is fine: Kubernetes mounts secrets that way.
  std::string real = dir.Write("..data/key", "sk-secret");
  ASSERT_EQ(::symlink(real.c_str(), dir.Join("linked").c_str()), 0);
  EXPECT_EQ(*ReadFileToString(dir.Join("linked")), "sk-secret");
}

TEST(FileUtilSafetyTest, LeftoverTempFilesOfDeadProcessesAreRemoved) {
  testing::TempDir dir;
  const std::string dead = std::to_string(FileUtilDeadPid());
  const std::string self = std::to_string(::getpid());
  dir.Write(".gate.json.rollgate-tmp." + dead + ".0123456789abcdef", "killed run");
  dir.Write(".probes.jsonl.rollgate-tmp." + dead + ".fedcba9876543210", "killed run");
  dir.Write(".gate.json.rollgate-tmp." + self + ".0123456789abcdef", "in flight");
  dir.Write(".gate.json.rollgate-tmp." + dead + ".short", "not our pattern");
  dir.Write("gate.json", "the user's");
  EXPECT_EQ(RemoveStaleTempFiles(dir.path()), 2u);
  EXPECT_FALSE(FileExists(dir.Join(".gate.json.rollgate-tmp." + dead + ".0123456789abcdef")));
  EXPECT_TRUE(FileExists(dir.Join(".gate.json.rollgate-tmp." + self + ".0123456789abcdef")));
  EXPECT_TRUE(FileExists(dir.Join(".gate.json.rollgate-tmp." + dead + ".short")));
  EXPECT_TRUE(FileExists(dir.Join("gate.json")));
  EXPECT_EQ(RemoveStaleTempFiles(dir.Join("no-such-dir")), 0u);
}

TEST(FileUtilSafetyTest, RemoveFirstGoesBeforeAnyRenameAndTempFilesAreHidden) {
  testing::TempDir dir;
  dir.Write("manifest.json", "old");
  dir.Write("gate.json", "old");
  AtomicWriteBatch batch(AtomicWriteBatch::Flush::kEachFile);
  ASSERT_OK(batch.Stage(dir.Join("gate.json"), "new"));
  EXPECT_EQ(FileUtilCountEntries(dir.path()), 3) << "one hidden temp file beside the two";
  batch.RemoveFirst(dir.Join("manifest.json"));
  batch.RemoveFirst(dir.Join("absent.json"));
  std::vector<std::string> seen;
  AtomicWriteBatch::TEST_SetAfterRenameHook([&](const std::string& target) {
    seen.push_back(target);
    EXPECT_FALSE(FileExists(dir.Join("manifest.json"))) << "removed before the first rename";
  });
  ASSERT_OK(batch.Commit());
  AtomicWriteBatch::TEST_SetAfterRenameHook(nullptr);
  EXPECT_EQ(seen, std::vector<std::string>{dir.Join("gate.json")});
  EXPECT_EQ(*ReadFileToString(dir.Join("gate.json")), "new");
  EXPECT_EQ(FileUtilCountEntries(dir.path()), 1);
}

TEST(FileUtilSafetyTest, DirectoriesAndEmptyNames) {
  testing::TempDir dir;
  EXPECT_TRUE(IsDirectory(dir.path()));
  EXPECT_FALSE(IsDirectory(dir.Write("f", "x")));
  EXPECT_FALSE(IsDirectory(dir.Join("missing")));
  EXPECT_EQ(MakeDirs("").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(AbsolutePath("/a/./b/../c"), "/a/c");
  EXPECT_EQ(AbsolutePath("x/y").front(), '/');
}

}  // namespace
}  // namespace rollgate::internal
