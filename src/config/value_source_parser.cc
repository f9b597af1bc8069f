#include "config/value_source_parser.h"

#include "base/secret.h"
#include "base/strings.h"

namespace rollgate::internal {

namespace {

const char kSourceHelp[] =
    "expected a string or a source: {env: NAME}, {file: PATH}, {env_file: NAME}, "
    "{dotenv: PATH, key: NAME}, {json|yaml|toml: PATH, key: a.b.c}, {command: [argv...]}";

}  // namespace

Status ParseValueSource(const YamlReader& r, const YAML::Node& node, const std::string& path,
                        ValueSource* out) {
  out->line = YamlReader::Line(node);
  if (node.IsNull()) return r.Error(node, path, std::string("is empty; ") + kSourceHelp);
  if (node.IsScalar()) {
    out->kind = ValueSource::Kind::kLiteral;
    out->literal = node.Scalar();
    return Status::Ok();
  }
  if (!node.IsMap()) return r.Error(node, path, kSourceHelp);
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(node, path,
                                       {"env", "file", "env_file", "dotenv", "json", "yaml", "toml",
                                        "command", "key", "default", "timeout_ms"}));
  struct Kind {
    const char* key;
    ValueSource::Kind kind;
    bool needs_key;
  } kinds[] = {
      {"env", ValueSource::Kind::kEnv, false},
      {"file", ValueSource::Kind::kFile, false},
      {"env_file", ValueSource::Kind::kEnvFile, false},
      {"dotenv", ValueSource::Kind::kDotenv, true},
      {"json", ValueSource::Kind::kJson, true},
      {"yaml", ValueSource::Kind::kYaml, true},
      {"toml", ValueSource::Kind::kToml, true},
      {"command", ValueSource::Kind::kCommand, false},
  };
  const Kind* found = nullptr;
  for (const auto& k : kinds) {
    if (!node[k.key].IsDefined()) continue;
    if (found) {
      return r.Error(
          node, path,
          std::string("names two sources (") + found->key + " and " + k.key + "); keep one");
    }
    found = &k;
  }
  if (!found) return r.Error(node, path, kSourceHelp);
  out->kind = found->kind;
  std::string sub = path + "." + found->key;
  const YAML::Node v = node[found->key];
  if (found->kind == ValueSource::Kind::kCommand) {
    ROLLGATE_RETURN_IF_ERROR(r.GetStringList(node, "command", path, &out->argv));
    if (out->argv.empty() || out->argv[0].empty()) {
      return r.Error(v, sub,
                     "expected a non-empty list: [program, arg, ...] (run without a shell)");
    }
    ROLLGATE_RETURN_IF_ERROR(r.GetInt(node, "timeout_ms", path, &out->timeout_ms, 100, 120000));
  } else {
    if (node["timeout_ms"].IsDefined()) {
      return r.Error(node["timeout_ms"], path + ".timeout_ms",
                     "only a {command:} source takes timeout_ms");
    }
    if (!v.IsScalar() || v.Scalar().empty()) return r.Error(v, sub, "expected a non-empty string");
    if (found->kind == ValueSource::Kind::kEnv || found->kind == ValueSource::Kind::kEnvFile) {
      out->name = v.Scalar();
    } else {
      out->path = v.Scalar();
    }
  }
  if (found->needs_key) {
    ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "key", path, &out->key, /*required=*/true));
    if (out->key.empty()) return r.Error(node["key"], path + ".key", "must not be empty");
  } else if (node["key"].IsDefined()) {
    return r.Error(node["key"], path + ".key",
                   std::string("a {") + found->key + ":} source takes no key; remove it");
  }
  const YAML::Node def = node["default"];
  if (def.IsDefined()) {
    if (!def.IsScalar()) return r.Error(def, path + ".default", "expected a string");
    out->default_value = def.Scalar();
  }
  return Status::Ok();
}

Status ParseModelSource(const YamlReader& r, const YAML::Node& node, const std::string& path,
                        ModelSource* out) {
  if (node.IsMap() && node["alias"].IsDefined()) {
    ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(node, path, {"alias", "map"}));
    ROLLGATE_RETURN_IF_ERROR(ParseValueSource(r, node["alias"], path + ".alias", &out->value));
    if (!node["map"].IsDefined()) {
      return r.Error(node, path + ".map",
                     "an alias needs a map: a source of an alias -> model mapping");
    }
    ValueSource map;
    ROLLGATE_RETURN_IF_ERROR(ParseValueSource(r, node["map"], path + ".map", &map));
    out->map = map;
    return Status::Ok();
  }
  return ParseValueSource(r, node, path, &out->value);
}

}  // namespace rollgate::internal
