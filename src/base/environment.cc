#include "base/environment.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "base/file_util.h"
#include "base/strings.h"

namespace rollgate {

Result<std::string> Environment::FindProgram(const std::string& program,
                                             const std::string& base_dir) const {
  if (program.empty()) return Status::InvalidArgument("empty command");
  if (program.find('/') == std::string::npos) return program;
  return internal::ResolveRelative(internal::AbsolutePath(base_dir.empty() ? "." : base_dir),
                                   program);
}

const Environment& ProcessEnvironment() { return internal::SystemEnvironment::Get(); }

std::optional<std::string> EnvironmentWithVars::GetEnv(const std::string& name) const {
  auto it = vars.find(name);
  if (it != vars.end()) return it->second;
  return base_.GetEnv(name);
}
Result<std::string> EnvironmentWithVars::ReadFile(const std::string& path) const {
  return base_.ReadFile(path);
}
Result<CommandResult> EnvironmentWithVars::Run(const std::vector<std::string>& argv,
                                               const CommandOptions& options) const {
  // A child's environment takes the first of two same-named entries (getenv), so a name the
  // caller sets is left out of `vars`' entries rather than added twice.
  CommandOptions with_vars = options;
  with_vars.extra_env.clear();
  for (const auto& [name, value] : vars) {
    const std::string prefix = name + "=";
    bool set_by_caller = std::any_of(options.extra_env.begin(), options.extra_env.end(),
                                     [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
    if (!set_by_caller) with_vars.extra_env.push_back(prefix + value);
  }
  with_vars.extra_env.insert(with_vars.extra_env.end(), options.extra_env.begin(),
                             options.extra_env.end());
  return base_.Run(argv, with_vars);
}
Result<std::string> EnvironmentWithVars::FindProgram(const std::string& program,
                                                     const std::string& base_dir) const {
  return base_.FindProgram(program, base_dir);
}

}  // namespace rollgate

namespace rollgate::internal {

Result<CommandResult> RunConfiguredCommand(const Environment& env, std::vector<std::string> argv,
                                           const CommandOptions& options, std::string* program) {
  if (argv.empty() || argv[0].empty()) return Status::InvalidArgument("empty command");
  if (program) *program = argv[0];  // what the caller names when it cannot be found
  ROLLGATE_ASSIGN_OR_RETURN(argv[0], env.FindProgram(argv[0], options.working_dir));
  if (program) *program = argv[0];
  return env.Run(argv, options);
}

std::optional<std::string> SystemEnvironment::GetEnv(const std::string& name) const {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

Result<std::string> SystemEnvironment::ReadFile(const std::string& path) const {
  return ReadFileToString(path, 1u << 20, ReadKind::kRegularFile);
}

Result<CommandResult> SystemEnvironment::Run(const std::vector<std::string>& argv,
                                             const CommandOptions& options) const {
  return RunCommand(argv, options);
}

Result<std::string> SystemEnvironment::FindProgram(const std::string& program,
                                                   const std::string& base_dir) const {
  if (program.empty() || program.find('/') != std::string::npos) {
    return Environment::FindProgram(program, base_dir);
  }
  std::optional<std::string> path = GetEnv("PATH");
  for (const std::string& dir : Split(path ? *path : "/usr/local/bin:/usr/bin:/bin", ':')) {
    if (dir.empty() || dir[0] != '/') continue;
    std::string candidate = ResolveRelative(dir, program);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return Status::NotFound("cannot run '" + program + "': no executable of that name on PATH " +
                          "(relative PATH entries are skipped; give a path such as ./" + program +
                          " for a program beside the config)");
}

const SystemEnvironment& SystemEnvironment::Get() {
  static const SystemEnvironment env;
  return env;
}

}  // namespace rollgate::internal
