// Reading a release's `logs:` block: where the app's log lines come from (a command, or a file
// read from where it stood when the probes started) and how a line carries each required field
// (JSON keys, configurable, or a regular expression per field for plain-text lines).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/yaml_reader.h"
#include "rollgate/config.h"

namespace rollgate::internal {

/// Fills `*out` from `node` (at `path`, e.g. "releases.new.logs"). A pattern that is not a
/// valid POSIX extended regular expression is an error naming its key.
Status ParseLogs(const YamlReader& r, const YAML::Node& node, const std::string& path,
                 LogsConfig* out);

/// OK when `pattern` compiles as a POSIX extended regular expression, else InvalidArgument
/// saying why not (regerror's text, without the pattern or its key: the caller names them).
Status CheckRegex(const std::string& pattern);

}  // namespace rollgate::internal
