// Parsing the operational blocks of rollgate.yaml: `history:`, `schedule:`, `serve:` and
// `drill:`. Internal to config/.
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.h"
#include "rollgate/config.h"

namespace rollgate::internal {

/// `history:`, `schedule:` and `serve:` of `root`, each when present.
Status ParseOperations(const YamlReader& r, const YAML::Node& root, Config* cfg);

/// `drill:` (`node` is that block): the route switch, the user-facing path and the settle poll.
Status ParseDrill(const YamlReader& r, const YAML::Node& node, Config* cfg);

}  // namespace rollgate::internal
