// An Environment that hands a run's CancelToken to every command it starts, so `{command:}`
// value sources, exec probes, `logs:` commands and drill switch commands all stop when the run
// is cancelled, without each caller threading the token through.
#pragma once

#include "base/environment.h"
#include "rollgate/cancel.h"

namespace rollgate::internal {

class CancellableEnvironment : public Environment {
 public:
  /// `base` and `cancel` (may be null: then this only forwards) must outlive this object.
  CancellableEnvironment(const Environment& base, CancelToken* cancel)
      : base_(base), cancel_(cancel) {}

  std::optional<std::string> GetEnv(const std::string& name) const override {
    return base_.GetEnv(name);
  }
  Result<std::string> ReadFile(const std::string& path) const override {
    return base_.ReadFile(path);
  }
  Result<CommandResult> Run(const std::vector<std::string>& argv,
                            const CommandOptions& options) const override {
    if (!cancel_ || options.cancel) return base_.Run(argv, options);
    CommandOptions with_cancel = options;
    with_cancel.cancel = cancel_;
    return base_.Run(argv, with_cancel);
  }
  Result<std::string> FindProgram(const std::string& program,
                                  const std::string& base_dir) const override {
    return base_.FindProgram(program, base_dir);
  }

 private:
  const Environment& base_;
  CancelToken* cancel_;
};

}  // namespace rollgate::internal
