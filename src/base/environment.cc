#include "base/environment.h"

#include <cstdlib>

#include "base/file_util.h"

namespace rollgate::internal {

std::optional<std::string> SystemEnvironment::GetEnv(const std::string& name) const {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

Result<std::string> SystemEnvironment::ReadFile(const std::string& path) const {
  return ReadFileToString(path, 1u << 20);
}

Result<CommandResult> SystemEnvironment::Run(const std::vector<std::string>& argv,
                                             const CommandOptions& options) const {
  return RunCommand(argv, options);
}

const SystemEnvironment& SystemEnvironment::Get() {
  static const SystemEnvironment env;
  return env;
}

}  // namespace rollgate::internal
