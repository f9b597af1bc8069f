// Reading a value source from YAML: a literal, or one of {env:}, {file:}, {env_file:},
// {dotenv:, key:}, {json|yaml|toml:, key:}, {command: [...]}, each with an optional default.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/yaml_reader.h"
#include "rollgate/config.h"

namespace rollgate::internal {

Status ParseValueSource(const YamlReader& r, const YAML::Node& node, const std::string& path,
                        ValueSource* out);

/// A model: any value source, or {alias: <source>, map: <source>}.
Status ParseModelSource(const YamlReader& r, const YAML::Node& node, const std::string& path,
                        ModelSource* out);

}  // namespace rollgate::internal
