// Rehearsing through the app's own client. An exec release whose base URL and key come from
// environment variables ({env:} / {env_file:}) is already told where the provider is by the
// variables its client reads, so the rehearsal runs the release's own command with those
// variables pointed at the mock (a file for {env_file:}). `rehearse: {base_url_env,
// api_key_env}` names the variables for a release whose config reads them another way. Any
// other release is probed directly, and the plan says why.
#include "rehearse/app_plan.h"

#include "base/file_util.h"
#include "base/strings.h"

namespace rollgate::internal {

namespace {

// The variable behind an {env:} or {env_file:} source, "" for any other source.
std::string EnvName(const ValueSource& s, bool* is_file) {
  *is_file = s.kind == ValueSource::Kind::kEnvFile;
  if (s.kind == ValueSource::Kind::kEnv || s.kind == ValueSource::Kind::kEnvFile) return s.name;
  return "";
}

std::string SourceKind(const ValueSource& s) {
  switch (s.kind) {
    case ValueSource::Kind::kLiteral:
      return "a literal";
    case ValueSource::Kind::kFile:
      return "{file:}";
    case ValueSource::Kind::kDotenv:
      return "{dotenv:}";
    case ValueSource::Kind::kJson:
      return "{json:}";
    case ValueSource::Kind::kYaml:
      return "{yaml:}";
    case ValueSource::Kind::kToml:
      return "{toml:}";
    case ValueSource::Kind::kCommand:
      return "{command:}";
    case ValueSource::Kind::kEnv:
      return "{env:}";
    case ValueSource::Kind::kEnvFile:
      return "{env_file:}";
  }
  return "a source";
}

}  // namespace

namespace {

// Whether the app's client expects its base URL to end in /v1 (the official SDKs do, and
// OPENAI_BASE_URL always carries it) rather than appending /v1/chat/completions itself.
bool WantsV1(const ReleaseConfig& rel, const std::string& contract_path,
             const std::string& resolved, const std::string& base_var) {
  std::string url = resolved;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() >= 3 && url.compare(url.size() - 3, 3, "/v1") == 0) return true;
  if (!resolved.empty()) return false;
  if (base_var == "OPENAI_BASE_URL") return true;
  std::string path = rel.path.empty() ? contract_path : rel.path;
  return path == "/chat/completions";
}

}  // namespace

AppPlan PlanApp(const ReleaseConfig& rel, const std::string& contract_path,
                const std::string& resolved_base_url) {
  AppPlan plan;
  plan.release = rel.name;
  if (rel.probe == ProbeKind::kDirect) {
    plan.reason = "probe: direct (rollgate's own client is the release's client)";
    return plan;
  }
  bool http = rel.probe == ProbeKind::kHttp;
  if (http && (!rel.rehearse || rel.rehearse->command.empty())) {
    plan.reason =
        "probe: http rehearsed as direct: its route is a running deployment, not one pointed at "
        "the mock; "
        "to rehearse through the app's own client add rehearse: {command: [argv...]} to releases." +
        rel.name +
        ", a command that starts a local instance listening on 127.0.0.1 at the port in "
        "ROLLGATE_REHEARSE_PORT (or at {port} in its arguments)";
    return plan;
  }
  const std::string kind = http ? "http, a local instance from rehearse.command" : "exec";
  if (http) plan.instance_command = rel.rehearse->command;
  if (rel.rehearse && !rel.rehearse->base_url_env.empty()) {
    plan.base_url_env = rel.rehearse->base_url_env;
    plan.api_key_env = rel.rehearse->api_key_env;
    plan.through_app = true;
    if (WantsV1(rel, contract_path, resolved_base_url, plan.base_url_env)) plan.base_suffix = "/v1";
    plan.reason = kind + ", " + plan.base_url_env + " and " + plan.api_key_env + " from rehearse:";
    return plan;
  }
  std::string base = rel.has_base_url ? EnvName(rel.base_url, &plan.base_url_env_file) : "";
  std::string key = rel.has_base_url ? EnvName(rel.api_key, &plan.api_key_env_file) : "";
  if (base.empty() || key.empty()) {
    std::string what = !rel.has_base_url ? "has no base_url and api_key"
                       : base.empty()    ? "reads base_url from " + SourceKind(rel.base_url)
                                         : "reads api_key from " + SourceKind(rel.api_key);
    plan.instance_command.clear();
    plan.reason =
        "probe: " + std::string(ToString(rel.probe)) + " rehearsed as direct: the release " + what +
        ", so rollgate cannot point its client at the mock; name the variables its client "
        "honours with rehearse: {" +
        (http ? "command: [...], " : "") + "base_url_env: NAME, api_key_env: NAME}";
    return plan;
  }
  plan.base_url_env = base;
  plan.api_key_env = key;
  plan.through_app = true;
  if (WantsV1(rel, contract_path, resolved_base_url, base)) plan.base_suffix = "/v1";
  plan.reason = kind + ", " + base + " and " + key + " from " +
                (plan.base_url_env_file ? "{env_file:}" : "{env:}") +
                (plan.base_url_env_file != plan.api_key_env_file
                     ? std::string(" and ") + (plan.api_key_env_file ? "{env_file:}" : "{env:}")
                     : "");
  return plan;
}

std::vector<std::string> AppVariables(const AppPlan& plan, const std::string& session_url,
                                      const std::string& key, const std::string& dir) {
  std::vector<std::string> vars;
  if (!plan.through_app) return vars;
  auto add = [&](const std::string& name, bool as_file, const std::string& value,
                 const std::string& file) {
    if (!as_file) {
      vars.push_back(name + "=" + value);
      return;
    }
    std::string path = dir + "/" + file;
    // A failed write shows as the app's own error (it cannot read the file it was given).
    (void)WriteFileAtomic(path, value + "\n");
    vars.push_back(name + "=" + path);
  };
  add(plan.base_url_env, plan.base_url_env_file, session_url + plan.base_suffix,
      plan.release + ".base_url");
  add(plan.api_key_env, plan.api_key_env_file, key, plan.release + ".api_key");
  return vars;
}

Result<CommandResult> RehearsalEnvironment::Run(const std::vector<std::string>& argv,
                                                const CommandOptions& options) const {
  const std::string prefix = "ROLLGATE_RELEASE=";
  for (const auto& e : options.extra_env) {
    if (e.rfind(prefix, 0) != 0) continue;
    auto it = by_release_.find(e.substr(prefix.size()));
    if (it == by_release_.end()) break;
    CommandOptions with = options;
    // Ahead of the runner's own variables: a later entry of the same name would be shadowed.
    with.extra_env.insert(with.extra_env.begin(), it->second.begin(), it->second.end());
    return base_.Run(argv, with);
  }
  return base_.Run(argv, options);
}

}  // namespace rollgate::internal
