// How `rollgate rehearse` reaches each release: through the app's own client (its smoke command
// run with the variables its client reads pointed at the mode's mock session) or, when that is
// not possible, through rollgate's direct probe, saying why. Internal to rehearse/.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/environment.h"
#include "rollgate/config.h"

namespace rollgate::internal {

/// One release's way into the rehearsal.
struct AppPlan {
  std::string release;
  bool through_app = false;
  /// through_app: how ("exec, OPENAI_BASE_URL and OPENAI_API_KEY from {env:}"); else why not.
  std::string reason;
  std::string base_url_env;        // the variable the app reads its base URL from
  std::string api_key_env;         // ... and its key
  bool base_url_env_file = false;  // {env_file:}: the variable names a file holding the value
  bool api_key_env_file = false;
  /// Appended to the mock session's URL so that the app's client reaches the mock's
  /// /v1/chat/completions: "/v1" for a client whose base URL carries it.
  std::string base_suffix;
  /// probe: http through its app: the argv (rehearse.command) that starts a local instance of
  /// the release with the variables above set; the rehearsal calls its smoke route there.
  std::vector<std::string> instance_command;
};

/// Decides how `release` is rehearsed. `contract_path` is the contract's endpoint path;
/// `resolved_base_url` the release's base URL as it resolves where rollgate runs ("" when it
/// does not): an app configured with a base URL ending in /v1 (the official SDKs' convention,
/// and always so for OPENAI_BASE_URL) gets the mock's URL with /v1.
AppPlan PlanApp(const ReleaseConfig& release, const std::string& contract_path,
                const std::string& resolved_base_url = "");

/// The variables one release's app gets in one session: NAME=value, with a file written under
/// `dir` for an {env_file:} variable. `session_url` is the mock session's base URL.
std::vector<std::string> AppVariables(const AppPlan& plan, const std::string& session_url,
                                      const std::string& key, const std::string& dir);

/// The process environment with, for each command rollgate runs for a release (the exec probe
/// and its invalid-token call; the runner names the release in ROLLGATE_RELEASE), that
/// release's variables added. Commands that name no release (value sources) are untouched.
/// Everything else goes to `base`, which must outlive this.
class RehearsalEnvironment : public Environment {
 public:
  RehearsalEnvironment(const Environment& base,
                       std::map<std::string, std::vector<std::string>> by_release)
      : base_(base), by_release_(std::move(by_release)) {}
  std::optional<std::string> GetEnv(const std::string& name) const override {
    return base_.GetEnv(name);
  }
  Result<std::string> ReadFile(const std::string& path) const override {
    return base_.ReadFile(path);
  }
  Result<CommandResult> Run(const std::vector<std::string>& argv,
                            const CommandOptions& options) const override;
  Result<std::string> FindProgram(const std::string& program,
                                  const std::string& base_dir) const override {
    return base_.FindProgram(program, base_dir);
  }

 private:
  const Environment& base_;
  std::map<std::string, std::vector<std::string>> by_release_;
};

}  // namespace rollgate::internal
