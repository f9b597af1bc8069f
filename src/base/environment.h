// The seam between config resolution and the outside world: environment variables, files and
// commands. Tests use a FakeEnvironment (tests/testutil/fake_environment.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/subprocess.h"
#include "rollgate/status.h"

namespace rollgate::internal {

// The interface is public (rollgate/environment.h): embedders and `rollgate demo` give a run
// their own.
using ::rollgate::Environment;

/// Runs a command the config names (a `{command:}` source, an exec probe, `logs:`, a drill
/// switch): argv[0] goes through FindProgram against options.working_dir, the command runs by
/// that path, and `*program` (when given) receives it for the evidence.
Result<CommandResult> RunConfiguredCommand(const Environment& env, std::vector<std::string> argv,
                                           const CommandOptions& options,
                                           std::string* program = nullptr);

/// The real process environment, file system and process table.
class SystemEnvironment : public Environment {
 public:
  std::optional<std::string> GetEnv(const std::string& name) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<CommandResult> Run(const std::vector<std::string>& argv,
                            const CommandOptions& options) const override;
  /// A bare name: the first executable regular file of that name in PATH's absolute entries
  /// (an empty or relative entry such as "." is skipped, so a file in some working directory
  /// never stands in for a program). PATH unset: /usr/local/bin:/usr/bin:/bin.
  Result<std::string> FindProgram(const std::string& program,
                                  const std::string& base_dir) const override;
  static const SystemEnvironment& Get();
};

}  // namespace rollgate::internal
