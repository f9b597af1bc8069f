// rollgate.yaml's top level: the keys every run reads (service, contract, negative_auth,
// thresholds, prompt, defaults, expect_differences, releases), the size limits checked before
// yaml-cpp parses, and the checks that span keys. Releases are parsed in release_parser.cc,
// history/schedule/serve/drill in operations_parser.cc, the contract file in contract_loader.cc.
#include "config/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "base/file_util.h"
#include "base/strings.h"
#include "config/limits.h"
#include "config/operations_parser.h"
#include "config/release_parser.h"
#include "config/yaml_reader.h"

namespace rollgate::internal {

const std::vector<std::string>& ConsistencyFieldNames() {
  static const std::vector<std::string> kFields = {
      "endpoint_host", "path",  "method", "model", "key_fingerprint",
      "timeout_ms",    "retry", "stream", "probe", "headers"};
  return kFields;
}

namespace {

const std::vector<std::string> kTopKeys = {
    "service",  "contract",           "releases", "negative_auth", "thresholds", "prompt",
    "defaults", "expect_differences", "history",  "schedule",      "serve",      "drill"};

// `negative_auth:` and `thresholds:`.
Status ParseGateSettings(const YamlReader& r, const YAML::Node& root, Config* cfg) {
  const YAML::Node neg = root["negative_auth"];
  if (neg.IsDefined() && !neg.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(neg, "negative_auth"));
    ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(neg, "negative_auth", {"enabled", "expect_status"}));
    ROLLGATE_RETURN_IF_ERROR(
        r.GetBool(neg, "enabled", "negative_auth", &cfg->negative_auth.enabled));
    ROLLGATE_RETURN_IF_ERROR(r.GetIntList(neg, "expect_status", "negative_auth",
                                          &cfg->negative_auth.expect_status, 400, 499));
  }
  const YAML::Node th = root["thresholds"];
  if (th.IsDefined() && !th.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(th, "thresholds"));
    ROLLGATE_RETURN_IF_ERROR(
        r.CheckKeys(th, "thresholds", {"max_latency_ms", "max_ttft_ms", "max_smoke_tokens"}));
    ROLLGATE_RETURN_IF_ERROR(r.GetInt(th, "max_smoke_tokens", "thresholds",
                                      &cfg->thresholds.max_smoke_tokens, 1, 1000000));
    ROLLGATE_RETURN_IF_ERROR(
        r.GetInt(th, "max_latency_ms", "thresholds", &cfg->thresholds.max_latency_ms, 1, 600000));
    ROLLGATE_RETURN_IF_ERROR(
        r.GetInt(th, "max_ttft_ms", "thresholds", &cfg->thresholds.max_ttft_ms, 0, 600000));
  }
  return Status::Ok();
}

Status ParseExpectDifferences(const YamlReader& r, const YAML::Node& root, Config* cfg) {
  ROLLGATE_RETURN_IF_ERROR(
      r.GetStringList(root, "expect_differences", "", &cfg->expect_differences));
  for (const auto& field : cfg->expect_differences) {
    if (field.rfind("headers.", 0) == 0 && field.size() > 8)
      continue;  // one header: headers.X-Api-Key
    if (std::find(ConsistencyFieldNames().begin(), ConsistencyFieldNames().end(), field) ==
        ConsistencyFieldNames().end()) {
      return r.Error(
          root["expect_differences"], "expect_differences",
          "'" + field + "' is not a compared field; use " + Join(ConsistencyFieldNames(), ", "));
    }
  }
  return Status::Ok();
}

// `releases:`, each over `defaults` (null when absent) and the top-level prompt.
Status ParseReleases(const YamlReader& r, const YAML::Node& root, const YAML::Node* defaults,
                     Config* cfg) {
  // A top-level prompt is the default for every release; `defaults.prompt` and a release's own
  // prompt override it.
  PromptOptions top_prompt;
  if (root["prompt"].IsDefined())
    ROLLGATE_RETURN_IF_ERROR(ParsePrompt(r, root["prompt"], "prompt", &top_prompt));
  const YAML::Node releases = root["releases"];
  if (!releases.IsDefined() || releases.IsNull()) {
    return r.Error(root, "releases", "required; add a mapping with at least `new` and `rollback`");
  }
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(releases, "releases"));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(releases, "releases", [&] {
    std::vector<std::string> names;
    for (auto it = releases.begin(); it != releases.end(); ++it)
      names.push_back(it->first.Scalar());
    return names;
  }()));
  for (auto it = releases.begin(); it != releases.end(); ++it) {
    ReleaseConfig rel;
    rel.prompt = top_prompt;
    if (root["prompt"].IsDefined())
      rel.setting_sources["prompt"] =
          "prompt (line " + std::to_string(YamlReader::Line(root["prompt"])) + ")";
    std::string name = it->first.Scalar();
    if (name.empty() ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
      return r.Error(it->first, "releases." + name, "release names use a-z, 0-9, '-' and '_'");
    }
    ROLLGATE_RETURN_IF_ERROR(ParseRelease(r, it->second, name, defaults, &rel));
    cfg->releases.push_back(std::move(rel));
  }
  if (cfg->releases.size() < 2 || !cfg->FindRelease("new") || !cfg->FindRelease("rollback")) {
    return r.Error(releases, "releases",
                   "needs both a `new` and a `rollback` release (the gate's two roles)");
  }
  return Status::Ok();
}

Status ParseTop(const YamlReader& r, const YAML::Node& root, Config* cfg) {
  if (!root.IsDefined() || root.IsNull()) {
    return Status::InvalidArgument(r.file() +
                                   ": the file is empty; see examples/demo/rollgate.yaml");
  }
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(root, "(top level)"));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(root, "", kTopKeys));
  ROLLGATE_RETURN_IF_ERROR(r.GetString(root, "service", "", &cfg->service, /*required=*/true));
  if (Trim(cfg->service).empty()) return r.Error(root["service"], "service", "must not be empty");
  std::string contract;
  ROLLGATE_RETURN_IF_ERROR(r.GetString(root, "contract", "", &contract));
  if (!contract.empty()) {
    cfg->contract_path = ResolveRelative(cfg->dir, contract);
    cfg->contract_line = YamlReader::Line(root["contract"]);
  }
  ROLLGATE_RETURN_IF_ERROR(ParseGateSettings(r, root, cfg));
  // yaml-cpp nodes are references: keep the lookup const and point at it, never assign to it.
  const YAML::Node defaults_node = root["defaults"];
  const YAML::Node* defaults = nullptr;
  if (defaults_node.IsDefined() && !defaults_node.IsNull()) {
    defaults = &defaults_node;
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(defaults_node, "defaults"));
    ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(defaults_node, "defaults", DefaultsKeys()));
  }
  ROLLGATE_RETURN_IF_ERROR(ParseOperations(r, root, cfg));
  if (root["drill"].IsDefined() && !root["drill"].IsNull())
    ROLLGATE_RETURN_IF_ERROR(ParseDrill(r, root["drill"], cfg));
  ROLLGATE_RETURN_IF_ERROR(ParseExpectDifferences(r, root, cfg));
  return ParseReleases(r, root, defaults, cfg);
}

}  // namespace

Result<Config> ParseConfig(const std::string& text, const std::string& file) {
  Config cfg;
  cfg.file = file;
  cfg.dir = DirName(file);
  YamlReader reader(file);
  ROLLGATE_RETURN_IF_ERROR(
      CheckConfigLimits(reader, text));  // before yaml-cpp builds a tree of any size
  ROLLGATE_RETURN_IF_ERROR(WithYamlRoot(
      text, file, [&](const YAML::Node& root) { return ParseTop(reader, root, &cfg); }));
  ROLLGATE_RETURN_IF_ERROR(ValidateConfig(cfg));
  return cfg;
}

Status ValidateConfig(const Config& config) {
  for (const auto& rel : config.releases) {
    if (rel.retry.max_backoff_ms < rel.retry.backoff_ms) {
      return Status::InvalidArgument(config.file + ":" + std::to_string(rel.line) + ": releases." +
                                     rel.name +
                                     ".retry: max_backoff_ms is below backoff_ms; raise it");
    }
  }
  return Status::Ok();
}

Result<Config> LoadConfig(const std::string& path) {
  // A pipe is fine for the file the operator hands us (`--config <(envsubst < rollgate.yaml)`).
  Result<std::string> text =
      ReadFileToString(path, DefaultConfigLimits().max_file_bytes, ReadKind::kAnyReadable);
  if (!text.ok()) {
    return Status::InvalidArgument(
        text.status().message() +
        (text.status().code() == Status::Code::kNotFound
             ? " (pass the config with --config; see examples/demo/rollgate.yaml)"
             : ""));
  }
  return ParseConfig(*text, path);
}

}  // namespace rollgate::internal
