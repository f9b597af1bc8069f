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

/// A run stopped by signal N exits 128 + N (130 SIGINT, 143 SIGTERM, 129 SIGHUP), after its
/// evidence is written, as shells report a process killed by that signal.
inline int ExitCodeForSignal(int signal) { return 128 + signal; }

}  // namespace rollgate
