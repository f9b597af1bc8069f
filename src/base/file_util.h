// Files: bounded reads and atomic writes (temp file + fsync + rename), so an interrupted run
// never leaves a torn evidence file.
//
// Temp files are created next to their target with O_CREAT|O_EXCL|O_NOFOLLOW under a name with
// 64 random bits (".gate.json.rollgate-tmp.<pid>.<random>"), so nobody can predict the name and
// plant a symlink there, and a planted file or symlink makes the create fail instead of being
// written through. The final rename(2) replaces whatever sits at the target, a symlink
// included, without following it. A run killed between creating and renaming leaves temp files
// behind; RemoveStaleTempFiles() removes those of processes that are gone.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "rollgate/status.h"

namespace rollgate::internal {

enum class ReadKind {
  /// Only a regular file (a symlink to one is fine: Kubernetes mounts secrets that way). A
  /// FIFO, socket or device is refused at once, without blocking on it.
  kRegularFile,
  /// Also a pipe or device the caller was handed on purpose (`--config <(envsubst < x)`).
  kAnyReadable,
};

/// Reads a whole file. Fails (naming the path and the reason) when it is missing, unreadable,
/// a directory, not the kind asked for, or larger than `max_bytes`. Never blocks in open().
Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes = 16u << 20,
                                     ReadKind kind = ReadKind::kRegularFile);

/// Writes `content` to `path` atomically: a temp file in the same directory, fsync, rename.
Status WriteFileAtomic(const std::string& path, const std::string& content);

/// Several atomic writes made durable together. Stage() writes each temp file; Commit() puts
/// them on disk, removes the paths given to RemoveFirst(), renames every temp file over its
/// target in the order staged and puts the renames on disk. Each target is either its old
/// content or the complete new one, as with WriteFileAtomic; with RemoveFirst() a set of files
/// can be replaced so that no mix of an old and a new set is ever on disk (evidence/writer.cc).
/// Thread-safe. Temp files that were staged but never committed are removed by the destructor.
class AtomicWriteBatch {
 public:
  enum class Flush {
    /// syncfs before and after the renames: two flushes for any number of files (the fleet's
    /// evidence, four files per service, hundreds of services).
    kFileSystem,
    /// Each file's writeback starts when it is staged; Commit() fsyncs each file (the disk
    /// writes are already in flight together), renames, and fsyncs each target directory once.
    /// For a handful of files (one run's evidence): no wait on whatever else is dirty on the
    /// file system, and the waits overlap instead of queueing one file after another.
    kEachFile,
  };
  explicit AtomicWriteBatch(Flush flush = Flush::kFileSystem) : flush_(flush) {}
  ~AtomicWriteBatch();
  AtomicWriteBatch(const AtomicWriteBatch&) = delete;
  AtomicWriteBatch& operator=(const AtomicWriteBatch&) = delete;

  Status Stage(const std::string& path, const std::string& content);
  /// `path` is unlinked at Commit(), after every staged file is on disk and before the first
  /// rename. A path that does not exist is fine.
  void RemoveFirst(const std::string& path);
  Status Commit();

  /// Test hook: called after each rename in Commit() with the target just replaced (a test
  /// kills the process there to check what a kill -9 mid-commit leaves behind).
  static void TEST_SetAfterRenameHook(std::function<void(const std::string&)> hook);

 private:
  Status RenameStaged();  // REQUIRES: mu_ held

  const Flush flush_;
  std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> staged_;  // temp path, target; guarded by mu_
  std::vector<std::string> remove_first_;                    // guarded by mu_
};

/// Removes temp files WriteFileAtomic/AtomicWriteBatch left in `dir` when their process was
/// killed: names that match the temp pattern and whose process is gone (or that are older than
/// a day, for a process id reused since). Files of live processes, ours included, stay.
/// Returns how many were removed; a directory that cannot be read removes nothing.
std::size_t RemoveStaleTempFiles(const std::string& dir);

/// mkdir -p.
Status MakeDirs(const std::string& path);

/// `path` if absolute, else `base_dir`/`path`, lexically normalised.
std::string ResolveRelative(const std::string& base_dir, const std::string& path);

/// `path` made absolute against the current directory (lexically, no symlinks resolved).
std::string AbsolutePath(const std::string& path);

/// The directory part of `path` ("." when there is none).
std::string DirName(const std::string& path);

bool FileExists(const std::string& path);

/// True when `path` exists and is a directory (following symlinks).
bool IsDirectory(const std::string& path);

}  // namespace rollgate::internal
