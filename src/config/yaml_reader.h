// Typed, strict reading of YAML nodes with messages that say file:line: key.path: what to do.
// Internal to config/ (the only folder that includes yaml-cpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "rollgate/status.h"

namespace rollgate::internal {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  /// "<file>:<line>: <key_path>: <message>"
  Status Error(const YAML::Node& node, const std::string& key_path,
               const std::string& message) const;

  /// Fails on a key not in `allowed` (with a "did you mean" when one is close) and on a key
  /// given twice. REQUIRES: node.IsMap().
  Status CheckKeys(const YAML::Node& node, const std::string& key_path,
                   const std::vector<std::string>& allowed) const;

  /// Fails unless `node` is a mapping (or, with allow_null, absent/null).
  Status RequireMap(const YAML::Node& node, const std::string& key_path) const;

  // Each getter leaves *out untouched when the key is absent and not required.
  Status GetString(const YAML::Node& map, const std::string& key, const std::string& path,
                   std::string* out, bool required = false) const;
  Status GetInt(const YAML::Node& map, const std::string& key, const std::string& path, int* out,
                long lo, long hi) const;
  Status GetSize(const YAML::Node& map, const std::string& key, const std::string& path,
                 std::size_t* out, long lo, long hi) const;
  Status GetBool(const YAML::Node& map, const std::string& key, const std::string& path,
                 bool* out) const;
  Status GetIntList(const YAML::Node& map, const std::string& key, const std::string& path,
                    std::vector<int>* out, long lo, long hi) const;
  Status GetStringList(const YAML::Node& map, const std::string& key, const std::string& path,
                       std::vector<std::string>* out) const;

  /// Line (1-based) of a node, 0 when unknown.
  static int Line(const YAML::Node& node);
  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  std::string file_;
};

/// Parses `text` as one YAML document and hands its root to `fn`; yaml-cpp's exceptions become
/// an InvalidArgument naming `file` and the line (the only place that catches them for whole
/// documents).
Status WithYamlRoot(const std::string& text, const std::string& file,
                    const std::function<Status(const YAML::Node&)>& fn);

}  // namespace rollgate::internal
