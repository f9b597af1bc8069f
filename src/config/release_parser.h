// Parsing one release of rollgate.yaml (`releases.NAME`, over `defaults:`) and the blocks a
// release shares with the rest of the file (`headers:`, `prompt:`). Internal to config/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "config/yaml_reader.h"
#include "rollgate/config.h"

namespace rollgate::internal {

/// Every key a release may set.
const std::vector<std::string>& ReleaseKeys();

/// The keys `defaults:` may set: a release's keys but its identity (version, base_url, api_key,
/// model, rehearse).
std::vector<std::string> DefaultsKeys();

/// `headers:`: a map of header name -> value, each value a literal or any value source.
Status ParseHeaders(const YamlReader& r, const YAML::Node& node, const std::string& path,
                    std::map<std::string, ValueSource>* out);

/// `prompt:` (top level, `defaults.prompt` or a release's own); fills only the keys given.
Status ParsePrompt(const YamlReader& r, const YAML::Node& node, const std::string& path,
                   PromptOptions* out);

/// `releases.NAME`: `defaults` (may be null) first, then the release's own keys over them.
Status ParseRelease(const YamlReader& r, const YAML::Node& node, const std::string& name,
                    const YAML::Node* defaults, ReleaseConfig* rel);

}  // namespace rollgate::internal
