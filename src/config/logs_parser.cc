#include "config/logs_parser.h"

#include <regex.h>

#include <algorithm>

#include "base/strings.h"

namespace rollgate::internal {

// glibc's POSIX regex rather than std::regex: libstdc++'s matcher recurses once per input
// character and can overflow the stack on a long log line; regexec does not.
Status CheckRegex(const std::string& pattern) {
  regex_t re;
  int rc = ::regcomp(&re, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
  if (rc == 0) {
    ::regfree(&re);
    return Status::Ok();
  }
  char buf[256];
  ::regerror(rc, &re, buf, sizeof buf);
  ::regfree(&re);
  return Status::InvalidArgument(buf);
}

namespace {

// A `fields:` or `patterns:` map: required field -> string.
Status GetStringMap(const YamlReader& r, const YAML::Node& node, const std::string& key,
                    const std::string& path, std::map<std::string, std::string>* out) {
  const YAML::Node map = node[key];
  if (!map.IsDefined() || map.IsNull()) return Status::Ok();
  const std::string p = path + "." + key;
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(map, p));
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string name = it->first.Scalar();
    if (!it->second.IsScalar() || it->second.Scalar().empty()) {
      // Error path: built once, then returned.
      // NOLINTNEXTLINE(performance-inefficient-string-concatenation)
      return r.Error(it->second, p + "." + name, "expected a non-empty string");
    }
    (*out)[name] = it->second.Scalar();
  }
  return Status::Ok();
}

}  // namespace

Status ParseLogs(const YamlReader& r, const YAML::Node& node, const std::string& path,
                 LogsConfig* out) {
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(node, path));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(
      node, path, {"command", "file", "require", "fields", "patterns", "max_bytes", "timeout_ms"}));
  LogsConfig logs;
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(node, "command", path, &logs.command));
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "file", path, &logs.file));
  const bool has_command = node["command"].IsDefined(), has_file = node["file"].IsDefined();
  if (has_command && has_file) {
    return r.Error(node["file"], path + ".file", "give either command or file, not both");
  }
  if (!has_command && !has_file) {
    return r.Error(node, path + ".command",
                   "required: the command that prints the app's recent log lines (or file: the "
                   "app's log file)");
  }
  if (has_command && (logs.command.empty() || logs.command[0].empty())) {
    return r.Error(node["command"], path + ".command", "the command is empty: [program, args...]");
  }
  if (has_file && logs.file.empty()) {
    return r.Error(node["file"], path + ".file", "the path is empty; name the app's log file");
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(node, "require", path, &logs.require));
  ROLLGATE_RETURN_IF_ERROR(GetStringMap(r, node, "fields", path, &logs.fields));
  ROLLGATE_RETURN_IF_ERROR(GetStringMap(r, node, "patterns", path, &logs.patterns));
  for (const auto* map : {&logs.fields, &logs.patterns}) {
    const std::string which = map == &logs.fields ? "fields" : "patterns";
    for (const auto& [field, value] : *map) {
      if (std::find(logs.require.begin(), logs.require.end(), field) == logs.require.end()) {
        // Error path: built once, then returned.
        // NOLINTNEXTLINE(performance-inefficient-string-concatenation)
        return r.Error(node[which][field], path + "." + which + "." + field,
                       "'" + SanitizeForDisplay(field, 60) + "' is not in require: [" +
                           Join(logs.require, ", ") + "]; add it there or remove it here");
      }
    }
  }
  for (const auto& [field, pattern] : logs.patterns) {
    Status compiled = CheckRegex(pattern);
    if (!compiled.ok()) {
      // Error path: built once, then returned.
      // NOLINTNEXTLINE(performance-inefficient-string-concatenation)
      return r.Error(node["patterns"][field], path + ".patterns." + field,
                     "'" + SanitizeForDisplay(pattern, 80) +
                         "' is not a valid regular expression (" + compiled.message() +
                         "): use POSIX extended syntax, as grep -E");
    }
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetSize(node, "max_bytes", path, &logs.max_bytes, 1024, 64 << 20));
  ROLLGATE_RETURN_IF_ERROR(r.GetInt(node, "timeout_ms", path, &logs.timeout_ms, 100, 120000));
  *out = std::move(logs);
  return Status::Ok();
}

}  // namespace rollgate::internal
