// Files: bounded reads and atomic writes (temp file + fsync + rename), so an interrupted run
// never leaves a torn evidence file and never destroys the previous one.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "rollgate/status.h"

namespace rollgate::internal {

/// Reads a whole file. Fails (naming the path and the reason) when it is missing, unreadable,
/// a directory, or larger than `max_bytes`.
Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes = 16u << 20);

/// Writes `content` to `path` atomically: a temp file in the same directory, fsync, rename.
Status WriteFileAtomic(const std::string& path, const std::string& content);

/// Several atomic writes made durable together. Stage() writes each temp file; Commit() puts
/// them on disk, renames every temp file over its target and puts the renames on disk, so each
/// target is either its old content or the complete new one, as with WriteFileAtomic.
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
  Status Commit();

 private:
  Status RenameStaged();  // REQUIRES: mu_ held

  const Flush flush_;
  std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> staged_;  // temp path, target; guarded by mu_
};

/// mkdir -p.
Status MakeDirs(const std::string& path);

/// `path` if absolute, else `base_dir`/`path`, lexically normalised.
std::string ResolveRelative(const std::string& base_dir, const std::string& path);

/// The directory part of `path` ("." when there is none).
std::string DirName(const std::string& path);

bool FileExists(const std::string& path);

}  // namespace rollgate::internal
