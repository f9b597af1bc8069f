// Loading rollgate.yaml and the contract file: strict YAML to the structs of
// include/rollgate/config.h. A file that cannot be understood (bad YAML, unknown key, wrong
// type, missing required key, value out of range) is a Status naming file, line, key and what
// to do. Value sources are NOT resolved here: an unresolvable one is a finding at run time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rollgate/config.h"
#include "rollgate/status.h"

namespace rollgate::internal {

Result<Config> LoadConfig(const std::string& path);

/// Parses config text; `file` names it in messages and anchors relative paths.
Result<Config> ParseConfig(const std::string& text, const std::string& file);

/// Validation that spans keys (roles present, names unique, ...). ParseConfig calls it.
Status ValidateConfig(const Config& config);

/// The fields `expect_differences:` may name (the release diff compares these); "headers"
/// covers every header row, and `headers.NAME` (not listed) one of them.
const std::vector<std::string>& ConsistencyFieldNames();

Result<Contract> LoadContract(const std::string& path);
Result<Contract> ParseContract(const std::string& text, const std::string& file);

/// The contract a config names, for the commands that read only its endpoint and fields
/// (diff, drill, check --explain).
struct ConfiguredContract {
  Contract contract;       // the built-in defaults when there is no `contract:` or no file
  std::string unreadable;  // non-empty: why the named file could not be read (the gate's
                           // contract_reviewed check fails on it; callers warn)
  /// For a command that goes on with the built-in contract: "" when the file was read, else
  /// "contract <path>: <why>; <then>", the warning it shows.
  std::string UnreadableWarning(const Config& config, std::string_view then) const;
};
/// No `contract:` key: the defaults. A file that cannot be understood: InvalidArgument naming
/// file and line, as the gate fails on it (exit 2). A file that cannot be read: `unreadable`.
Result<ConfiguredContract> LoadConfiguredContract(const Config& config);

}  // namespace rollgate::internal
