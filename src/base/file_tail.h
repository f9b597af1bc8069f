// Reading only what was appended to a file since a moment: the app's log file, from where it
// ended when the probes started to now (release `logs: {file:}`), bounded in size, and
// starting over when the file was rotated or truncated in between.
#pragma once

#include <cstdint>
#include <string>

#include "rollgate/status.h"

namespace rollgate::internal {

/// Where a file ended at one moment.
struct FileMark {
  bool existed = false;  // false: the file was absent; everything it holds later is new
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t size = 0;
};

/// Marks where `path` ends now. A missing file is a mark at 0. Fails (naming the path) for a
/// FIFO, socket, device or directory, or a symlink to one, as `{file:}` value sources do; a
/// symlink to a regular file is followed. Never blocks in open().
Result<FileMark> MarkFileEnd(const std::string& path);

struct FileTail {
  std::string text;        // the bytes written since the mark (at most max_bytes)
  uint64_t written = 0;    // how many bytes were written since the mark
  bool restarted = false;  // rotated (another inode) or truncated since the mark: read from 0
  bool capped = false;     // more than max_bytes were written: `text` holds the first
                           // max_bytes, cut back to the last complete line
};

/// What `path` gained since `mark`, at most `max_bytes`. Fails as MarkFileEnd does, and when
/// the file is gone.
Result<FileTail> ReadSinceMark(const std::string& path, const FileMark& mark,
                               std::size_t max_bytes);

}  // namespace rollgate::internal
