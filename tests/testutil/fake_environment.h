// An Environment with a map of variables, an in-memory file system and scripted commands.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "base/environment.h"

namespace rollgate::testing {

class FakeEnvironment : public internal::Environment {
 public:
  std::map<std::string, std::string> vars;
  std::map<std::string, std::string> files;  // absolute path -> content
  std::function<Result<internal::CommandResult>(const std::vector<std::string>&)> command;

  std::optional<std::string> GetEnv(const std::string& name) const override {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  }
  Result<std::string> ReadFile(const std::string& path) const override {
    auto it = files.find(path);
    if (it == files.end()) return Status::NotFound(path + ": no such file");
    return it->second;
  }
  Result<internal::CommandResult> Run(const std::vector<std::string>& argv,
                                      const internal::CommandOptions&) const override {
    if (!command) return Status::NotFound("cannot run '" + argv[0] + "': no such file");
    return command(argv);
  }
};

}  // namespace rollgate::testing
