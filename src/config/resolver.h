// Resolving value sources at run time, the way the app does, remembering where each value
// came from. A source that cannot be resolved is not a Status: it is a finding the
// `configuration` check reports (DESIGN.md), so the result carries the error as data.
#pragma once

#include <map>
#include <string>

#include "base/environment.h"
#include "rollgate/config.h"

namespace rollgate::internal {

/// How a source is written, for messages and provenance: "env COMETAPI_KEY",
/// "file /run/secrets/key", "yaml deploy/app.yaml key llm.model", "command kubectl get ...".
std::string DescribeSource(const ValueSource& source);

struct ResolvedValue {
  bool ok = false;
  std::string value;       // when ok
  std::string provenance;  // "env COMETAPI_KEY", "yaml deploy/app.yaml:llm.model (line 12)"
  std::string error;       // when !ok: "env COMETAPI_KEY_ROLLBACK is not set"
  bool used_default = false;
};

struct ResolvedMap {
  bool ok = false;
  std::map<std::string, std::string> entries;
  std::string provenance;
  std::string error;
};

class Resolver {
 public:
  /// `base_dir`: relative paths in sources resolve against it (the config file's directory).
  Resolver(const Environment& env, std::string base_dir)
      : env_(env), base_dir_(std::move(base_dir)) {}

  /// `secret`: the value is a credential; a failing command's stdout is then never quoted.
  ResolvedValue Resolve(const ValueSource& source, bool secret) const;

  /// A source whose value is a mapping (model alias maps): json/yaml/toml with a key.
  ResolvedMap ResolveMap(const ValueSource& source) const;

  /// Where a command's program is (Environment::FindProgram against the config's directory).
  Result<std::string> FindProgram(const std::string& program) const {
    return env_.FindProgram(program, base_dir_);
  }

 private:
  ResolvedValue ResolveOnce(const ValueSource& source, bool secret) const;
  ResolvedValue ReadFileSource(const std::string& path, const std::string& label) const;
  // One per source kind; ResolveOnce picks the one `source.kind` names.
  ResolvedValue ResolveEnv(const ValueSource& source) const;
  ResolvedValue ResolveDotenv(const ValueSource& source) const;
  ResolvedValue ResolveDocument(const ValueSource& source) const;  // json, yaml, toml
  ResolvedValue ResolveCommand(const ValueSource& source, bool secret) const;

  const Environment& env_;
  std::string base_dir_;
};

/// Parses .env text: KEY=VALUE lines, `export` prefixes, # comments, single and double quotes
/// (double quotes understand \n, \t, \" and \\). Returns nullopt when `key` is absent.
std::optional<std::string> DotenvLookup(std::string_view text, const std::string& key, int* line);

}  // namespace rollgate::internal
