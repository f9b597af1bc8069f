// The process exit codes of every rollgate command (DESIGN.md; docs/exit-codes.md).
#pragma once

namespace rollgate {

enum class ExitCode : int {
  kPass = 0,      // every gate passed (or: the command did what was asked)
  kBlock = 1,     // a gate or check failed: do not move traffic
  kUsage = 2,     // usage or config error; the message names the file, key and what to do
  kInternal = 3,  // rollgate itself failed (cannot write evidence, cannot bind, a bug)
};

inline int ToInt(ExitCode code) { return static_cast<int>(code); }

}  // namespace rollgate
