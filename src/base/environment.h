// The seam between config resolution and the outside world: environment variables, files and
// commands. Tests use a FakeEnvironment (tests/testutil/fake_environment.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/subprocess.h"
#include "rollgate/status.h"

namespace rollgate::internal {

class Environment {
 public:
  virtual ~Environment() = default;
  virtual std::optional<std::string> GetEnv(const std::string& name) const = 0;
  virtual Result<std::string> ReadFile(const std::string& path) const = 0;
  virtual Result<CommandResult> Run(const std::vector<std::string>& argv,
                                    const CommandOptions& options) const = 0;
};

/// The real process environment, file system and process table.
class SystemEnvironment : public Environment {
 public:
  std::optional<std::string> GetEnv(const std::string& name) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<CommandResult> Run(const std::vector<std::string>& argv,
                            const CommandOptions& options) const override;
  static const SystemEnvironment& Get();
};

}  // namespace rollgate::internal
