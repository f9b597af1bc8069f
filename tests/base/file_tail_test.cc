#include "base/file_tail.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

void FileTailAppend(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

TEST(FileTailTest, OnlyWhatWasWrittenAfterTheMarkIsRead) {
  testing::TempDir dir;
  const std::string log = dir.Write("app.log", "old line rg-1\n");
  Result<FileMark> mark = MarkFileEnd(log);
  ASSERT_OK(mark);
  EXPECT_TRUE(mark->existed);
  FileTailAppend(log, "new line rg-2\n");
  Result<FileTail> tail = ReadSinceMark(log, *mark, 1 << 20);
  ASSERT_OK(tail);
  EXPECT_EQ(tail->text, "new line rg-2\n");
  EXPECT_EQ(tail->written, 14u);
  EXPECT_FALSE(tail->restarted);
  EXPECT_FALSE(tail->capped);
}

TEST(FileTailTest, TruncationAndRotationStartOver) {
  testing::TempDir dir;
  const std::string log = dir.Write("app.log", "a long line written before the probe\n");
  Result<FileMark> mark = MarkFileEnd(log);
  ASSERT_OK(mark);
  // Truncated (copytruncate) and written again: shorter than the mark, so read from 0.
  dir.Write("app.log", "after truncate\n");
  Result<FileTail> truncated = ReadSinceMark(log, *mark, 1 << 20);
  ASSERT_OK(truncated);
  EXPECT_TRUE(truncated->restarted);
  EXPECT_EQ(truncated->text, "after truncate\n");
  // Rotated: a new file at the path (another inode), even if longer than the mark.
  mark = MarkFileEnd(log);
  ASSERT_OK(mark);
  std::filesystem::rename(log, log + ".1");
  dir.Write("app.log", "first line of the new file, longer than the old one was\n");
  Result<FileTail> rotated = ReadSinceMark(log, *mark, 1 << 20);
  ASSERT_OK(rotated);
  EXPECT_TRUE(rotated->restarted);
  EXPECT_EQ(rotated->text, "first line of the new file, longer than the old one was\n");
}

TEST(FileTailTest, AFileAbsentAtTheMarkIsReadWhole) {
  testing::TempDir dir;
  const std::string log = dir.Join("later.log");
  Result<FileMark> mark = MarkFileEnd(log);
  ASSERT_OK(mark);
  EXPECT_FALSE(mark->existed);
  dir.Write("later.log", "x\n");
  Result<FileTail> tail = ReadSinceMark(log, *mark, 1 << 20);
  ASSERT_OK(tail);
  EXPECT_EQ(tail->text, "x\n");
  std::filesystem::remove(log);
  EXPECT_FALSE(ReadSinceMark(log, *mark, 1 << 20).ok());
}

TEST(FileTailTest, TheReadIsCappedAtALineEnd) {
  testing::TempDir dir;
  const std::string log = dir.Write("app.log", "");
  Result<FileMark> mark = MarkFileEnd(log);
  ASSERT_OK(mark);
  FileTailAppend(log, "line one\nline two\nline three\n");
  Result<FileTail> tail = ReadSinceMark(log, *mark, 20);
  ASSERT_OK(tail);
  EXPECT_TRUE(tail->capped);
  EXPECT_EQ(tail->text, "line one\nline two\n");
  EXPECT_EQ(tail->written, 29u);
}

TEST(FileTailTest, NonRegularFilesAreRefusedWithoutBlocking) {
  testing::TempDir dir;
  const std::string fifo = dir.Join("app.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Result<FileMark> mark = MarkFileEnd(fifo);  // no writer: an open without O_NONBLOCK would hang
  ASSERT_FALSE(mark.ok());
  EXPECT_NE(mark.status().message().find("FIFO"), std::string::npos) << mark.status().message();
  EXPECT_NE(mark.status().message().find(fifo), std::string::npos);
  // A symlink to one is refused the same way; a symlink to a regular file is followed.
  const std::string link = dir.Join("app.log");
  std::filesystem::create_symlink(fifo, link);
  EXPECT_FALSE(MarkFileEnd(link).ok());
  EXPECT_FALSE(ReadSinceMark(link, FileMark{}, 1024).ok());
  const std::string real = dir.Write("real.log", "x\n");
  const std::string link2 = dir.Join("current.log");
  std::filesystem::create_symlink(real, link2);
  EXPECT_OK(MarkFileEnd(link2));
  Result<FileMark> directory = MarkFileEnd(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find("directory"), std::string::npos);
  EXPECT_FALSE(MarkFileEnd("/dev/null").ok());
}

}  // namespace
}  // namespace rollgate::internal
