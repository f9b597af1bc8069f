// Reading one key path ("llm.model", "models.0.name") out of a JSON, YAML or TOML document,
// as the app's own config loader would. Internal to config/.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace rollgate::internal {

enum class DocFormat { kJson, kYaml, kToml };

struct DocLookup {
  enum class Kind { kParseError, kMissing, kScalar, kMap, kOther } kind = Kind::kMissing;
  std::string scalar;                      // kScalar (numbers and booleans as written)
  std::map<std::string, std::string> map;  // kMap: scalar entries only
  std::string error;                       // kParseError / kMissing / kOther: what went wrong
  int line = 0;                            // where the value is, when the format tells (YAML, TOML)
};

/// Follows `key_path` (dot-separated; numeric segments index lists) in `text`.
DocLookup LookupDocument(DocFormat format, std::string_view text, const std::string& key_path);

}  // namespace rollgate::internal
