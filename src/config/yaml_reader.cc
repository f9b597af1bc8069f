#include "config/yaml_reader.h"

#include <algorithm>
#include <set>

#include "base/strings.h"

namespace rollgate::internal {

int YamlReader::Line(const YAML::Node& node) {
  if (!node.IsDefined()) return 0;
  YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

Status YamlReader::Error(const YAML::Node& node, const std::string& key_path,
                         const std::string& message) const {
  int line = Line(node);
  std::string where = file_ + (line > 0 ? ":" + std::to_string(line) : std::string());
  return Status::InvalidArgument(where + ": " + key_path + ": " + message);
}

Status YamlReader::RequireMap(const YAML::Node& node, const std::string& key_path) const {
  if (!node.IsMap()) {
    return Error(node, key_path,
                 "expected a mapping of keys (key: value), found " +
                     std::string(node.IsSequence() ? "a list" : "a single value"));
  }
  return Status::Ok();
}

Status YamlReader::CheckKeys(const YAML::Node& node, const std::string& key_path,
                             const std::vector<std::string>& allowed) const {
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) return Error(it->first, key_path, "keys must be plain strings");
    std::string key = it->first.Scalar();
    std::string path = Join(key_path, key);
    if (!seen.insert(key).second) return Error(it->first, path, "given twice; keep one");
    bool known = false;
    for (const auto& a : allowed) known = known || a == key;
    if (!known) {
      std::string suggestion = ClosestMatch(key, allowed);
      std::string msg = "unknown key";
      msg += suggestion.empty() ? "; allowed here: " + internal::Join(allowed, ", ")
                                : "; did you mean '" + suggestion + "'?";
      return Error(it->first, path, msg);
    }
  }
  return Status::Ok();
}

Status YamlReader::GetString(const YAML::Node& map, const std::string& key, const std::string& path,
                             std::string* out, bool required) const {
  const YAML::Node n = map[key];
  std::string p = Join(path, key);
  if (!n.IsDefined() || n.IsNull()) {
    if (required) return Error(map, p, "required; add it");
    return Status::Ok();
  }
  if (!n.IsScalar()) return Error(n, p, "expected a string");
  *out = n.Scalar();
  return Status::Ok();
}

namespace {

bool ParseLong(const std::string& s, long* out) {
  if (s.empty()) return false;
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size() || s.size() > 15) return false;
  long v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] == '_') continue;
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = s[0] == '-' ? -v : v;
  return true;
}

}  // namespace

Status YamlReader::GetInt(const YAML::Node& map, const std::string& key, const std::string& path,
                          int* out, long lo, long hi) const {
  const YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) return Status::Ok();
  long parsed = 0;
  std::string p = Join(path, key);
  if (!n.IsScalar() || !ParseLong(n.Scalar(), &parsed)) {
    return Error(n, p,
                 "expected a whole number, found '" +
                     SanitizeForDisplay(n.IsScalar() ? n.Scalar() : "?", 40) + "'");
  }
  if (parsed < lo || parsed > hi) {
    return Error(n, p,
                 std::to_string(parsed) + " is out of range; use " + std::to_string(lo) + " to " +
                     std::to_string(hi));
  }
  *out = static_cast<int>(parsed);
  return Status::Ok();
}

Status YamlReader::GetSize(const YAML::Node& map, const std::string& key, const std::string& path,
                           std::size_t* out, long lo, long hi) const {
  int v = -1;
  ROLLGATE_RETURN_IF_ERROR(GetInt(map, key, path, &v, lo, hi));
  if (v >= 0 && map[key].IsDefined()) *out = static_cast<std::size_t>(v);
  return Status::Ok();
}

Status YamlReader::GetBool(const YAML::Node& map, const std::string& key, const std::string& path,
                           bool* out) const {
  const YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) return Status::Ok();
  std::string p = Join(path, key);
  if (n.IsScalar()) {
    std::string s = ToLower(n.Scalar());
    if (s == "true" || s == "yes" || s == "on") {
      *out = true;
      return Status::Ok();
    }
    if (s == "false" || s == "no" || s == "off") {
      *out = false;
      return Status::Ok();
    }
  }
  return Error(n, p, "expected true or false");
}

Status YamlReader::GetIntList(const YAML::Node& map, const std::string& key,
                              const std::string& path, std::vector<int>* out, long lo,
                              long hi) const {
  const YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) return Status::Ok();
  std::string p = Join(path, key);
  if (!n.IsSequence()) return Error(n, p, "expected a list of whole numbers, e.g. [429, 503]");
  std::vector<int> values;
  for (std::size_t i = 0; i < n.size(); ++i) {
    long v = 0;
    const YAML::Node item = n[i];
    if (!item.IsScalar() || !ParseLong(item.Scalar(), &v)) {
      return Error(item, p + "[" + std::to_string(i) + "]", "expected a whole number");
    }
    if (v < lo || v > hi) {
      return Error(item, p + "[" + std::to_string(i) + "]",
                   std::to_string(v) + " is out of range; use " + std::to_string(lo) + " to " +
                       std::to_string(hi));
    }
    values.push_back(static_cast<int>(v));
  }
  *out = std::move(values);
  return Status::Ok();
}

Status YamlReader::GetStringList(const YAML::Node& map, const std::string& key,
                                 const std::string& path, std::vector<std::string>* out) const {
  const YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) return Status::Ok();
  std::string p = Join(path, key);
  if (!n.IsSequence()) return Error(n, p, "expected a list of strings");
  std::vector<std::string> values;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const YAML::Node item = n[i];
    if (!item.IsScalar())
      return Error(item, p + "[" + std::to_string(i) + "]", "expected a string");
    values.push_back(item.Scalar());
  }
  *out = std::move(values);
  return Status::Ok();
}

Status WithYamlRoot(const std::string& text, const std::string& file,
                    const std::function<Status(const YAML::Node&)>& fn) {
  // yaml-cpp reads a NUL byte as a bad escape ("unknown escape character: y"); no YAML file
  // holds one, so it is named for what it is: the wrong file, or a damaged one.
  if (std::size_t nul = text.find('\0'); nul != std::string::npos) {
    const auto line =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n');
    return Status::InvalidArgument(file + ":" + std::to_string(line) + ": a NUL byte (byte " +
                                   std::to_string(nul) +
                                   "): not a text file; is it the right file?");
  }
  try {
    YAML::Node root = YAML::Load(text);
    return fn(root);
  } catch (const YAML::ParserException& e) {
    return Status::InvalidArgument(file + ":" + std::to_string(e.mark.line + 1) +
                                   ": not valid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace rollgate::internal
