// The seams between a run and the outside world: environment variables, files, commands and
// the time. Every entry point takes them in its options (null: the process's own), so a program
// embedding rollgate (or its tests, or `rollgate demo`) can give a run values without touching
// the process environment, and time without sleeping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rollgate/cancel.h"
#include "rollgate/status.h"

namespace rollgate {

/// How a command the config names is run (a `{command:}` source, an exec probe, `logs:`, a
/// drill switch).
struct CommandOptions {
  int timeout_ms = 5000;  // the child (and its process group) is stopped after this
  std::size_t max_output_bytes = 1 << 20;  // per stream; more is read and dropped, flagged below
  std::string working_dir;                 // empty: inherit
  std::vector<std::string> extra_env;      // NAME=VALUE added to (or replacing) the environment
  /// Not owned; may be null. Once cancelled, the child's process group is stopped at once
  /// (SIGTERM, a short grace, SIGKILL) and reaped, and the result says `cancelled`.
  CancelToken* cancel = nullptr;
};

struct CommandResult {
  int exit_code = -1;      // when exited normally
  int term_signal = 0;     // when killed by a signal
  bool timed_out = false;  // we stopped it at the deadline
  bool cancelled = false;  // we stopped it because the run was cancelled (SIGINT, ...)
  bool output_truncated = false;
  std::string out;
  std::string err;
  double duration_ms = 0;

  bool succeeded() const { return !timed_out && !cancelled && term_signal == 0 && exit_code == 0; }
  /// "exit code 3", "killed by signal 9", "timed out after 5 s", "stopped: rollgate was
  /// interrupted".
  std::string Describe(int timeout_ms) const;
};

/// Where a config's values come from: `{env:}`, `{file:}` and `{command:}` sources, and the
/// commands a run starts.
class Environment {
 public:
  virtual ~Environment() = default;
  virtual std::optional<std::string> GetEnv(const std::string& name) const = 0;
  virtual Result<std::string> ReadFile(const std::string& path) const = 0;
  virtual Result<CommandResult> Run(const std::vector<std::string>& argv,
                                    const CommandOptions& options) const = 0;

  /// Where the program a command names (its argv[0]) is, as the config means it: a path with a
  /// '/' ("./x", "bin/x", "/usr/bin/x") is taken relative to `base_dir` (the config file's
  /// directory), made absolute; a bare name ("vault") is looked up on PATH. This default runs
  /// a bare name as given; the process environment searches PATH itself, so that the path that
  /// ran is known and recorded.
  virtual Result<std::string> FindProgram(const std::string& program,
                                          const std::string& base_dir) const;
};

/// The real process environment, file system and process table (one for the process).
const Environment& ProcessEnvironment();

/// `base` with `vars` in front of it: a name in `vars` is read from there, any other from
/// `base`, and a command started through it sees the same (`vars` over the environment `base`
/// gives it; a name the caller sets in CommandOptions::extra_env wins over both). Files and
/// program lookup are `base`'s. How a caller hands a run values without writing the process
/// environment (`rollgate demo`: the mock's URL and keys).
class EnvironmentWithVars : public Environment {
 public:
  explicit EnvironmentWithVars(const Environment& base = ProcessEnvironment()) : base_(base) {}
  std::map<std::string, std::string> vars;

  std::optional<std::string> GetEnv(const std::string& name) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<CommandResult> Run(const std::vector<std::string>& argv,
                            const CommandOptions& options) const override;
  Result<std::string> FindProgram(const std::string& program,
                                  const std::string& base_dir) const override;

 private:
  const Environment& base_;
};

class Clock {
 public:
  virtual ~Clock() = default;
  /// Milliseconds since the Unix epoch (UTC), for timestamps in evidence.
  virtual int64_t NowUnixMs() const = 0;
  /// Milliseconds on a monotonic clock, for durations. Never goes backwards.
  virtual double NowMonoMs() const = 0;
};

/// The process clock (std::chrono::system_clock / steady_clock).
const Clock& ProcessClock();

}  // namespace rollgate
