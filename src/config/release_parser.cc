// Parsing one release: its settings (also inherited from `defaults:`), its probe kind and the
// app probe's keys, retry, fallback, logs and rehearse blocks, and its provider values.
#include "config/release_parser.h"

#include "base/strings.h"
#include "config/logs_parser.h"
#include "config/value_source_parser.h"

namespace rollgate::internal {

const std::vector<std::string>& ReleaseKeys() {
  static const std::vector<std::string> kKeys = {"version",
                                                 "base_url",
                                                 "api_key",
                                                 "model",
                                                 "path",
                                                 "method",
                                                 "timeout_ms",
                                                 "connect_timeout_ms",
                                                 "retry",
                                                 "stream",
                                                 "stream_idle_timeout_ms",
                                                 "prompt",
                                                 "max_body_bytes",
                                                 "ca_file",
                                                 "allow_insecure_http",
                                                 "headers",
                                                 "probe",
                                                 "command",
                                                 "command_timeout_ms",
                                                 "url",
                                                 "body",
                                                 "version_header",
                                                 "logs",
                                                 "fallback",
                                                 "rehearse"};
  return kKeys;
}

std::vector<std::string> DefaultsKeys() {
  std::vector<std::string> allowed;
  for (const auto& k : ReleaseKeys()) {
    if (k != "version" && k != "base_url" && k != "api_key" && k != "model" && k != "rehearse")
      allowed.push_back(k);
  }
  return allowed;
}

namespace {

const std::vector<std::string> kRetryKeys = {"max_attempts",   "backoff_ms",
                                             "max_backoff_ms", "retry_after_cap_ms",
                                             "retry_on",       "retry_on_connection_errors"};
// RFC 9110 token characters: anything else in a header name is refused before it reaches a
// request line (a CR or LF there would inject a header).
bool IsHeaderName(const std::string& name) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  if (name.empty()) return false;
  for (char c : name) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kExtra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

// `headers:`: a map of header name -> value, each value a literal or any value source.
Status ParseHeaders(const YamlReader& r, const YAML::Node& node, const std::string& path,
                    std::map<std::string, ValueSource>* out) {
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(node, path));
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string name = it->first.Scalar();
    if (!IsHeaderName(name)) {
      return r.Error(it->first, path,
                     "'" + SanitizeForDisplay(name, 60) +
                         "' is not a header name: use letters, digits and !#$%&'*+-.^_`|~ only");
    }
    ValueSource value;
    // Config loading, once per header: the expression reads as the key path it builds.
    // NOLINTNEXTLINE(performance-inefficient-string-concatenation)
    ROLLGATE_RETURN_IF_ERROR(ParseValueSource(r, it->second, path + "." + name, &value));
    (*out)[name] = std::move(value);
  }
  return Status::Ok();
}

namespace {

const std::vector<std::string> kPromptKeys = {"max_tokens", "token_field", "label", "system",
                                              "user"};

}  // namespace

Status ParsePrompt(const YamlReader& r, const YAML::Node& node, const std::string& path,
                   PromptOptions* out) {
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(node, path));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(node, path, kPromptKeys));
  ROLLGATE_RETURN_IF_ERROR(r.GetInt(node, "max_tokens", path, &out->max_tokens, 1, 100000));
  std::string field;
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "token_field", path, &field));
  if (field == "max_tokens") {
    out->token_field = PromptOptions::TokenField::kMaxTokens;
  } else if (field == "max_completion_tokens") {
    out->token_field = PromptOptions::TokenField::kMaxCompletionTokens;
  } else if (!field.empty()) {
    return r.Error(node["token_field"], path + ".token_field",
                   "'" + field + "' is not a token field; use max_tokens or max_completion_tokens");
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "label", path, &out->label));
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "system", path, &out->system));
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "user", path, &out->user));
  if (out->label.empty() || out->label.size() > 64 ||
      out->label.find_first_of("\"\\\n") != std::string::npos) {
    return r.Error(node["label"], path + ".label",
                   "use 1 to 64 characters without quotes or backslashes");
  }
  return Status::Ok();
}

namespace {

Status ParseRetry(const YamlReader& r, const YAML::Node& node, const std::string& path,
                  RetryPolicy* out) {
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(node, path));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(node, path, kRetryKeys));
  ROLLGATE_RETURN_IF_ERROR(r.GetInt(node, "max_attempts", path, &out->max_attempts, 1, 10));
  ROLLGATE_RETURN_IF_ERROR(r.GetInt(node, "backoff_ms", path, &out->backoff_ms, 0, 60000));
  ROLLGATE_RETURN_IF_ERROR(r.GetInt(node, "max_backoff_ms", path, &out->max_backoff_ms, 0, 300000));
  ROLLGATE_RETURN_IF_ERROR(
      r.GetInt(node, "retry_after_cap_ms", path, &out->retry_after_cap_ms, 0, 600000));
  ROLLGATE_RETURN_IF_ERROR(r.GetIntList(node, "retry_on", path, &out->retry_on, 100, 599));
  ROLLGATE_RETURN_IF_ERROR(
      r.GetBool(node, "retry_on_connection_errors", path, &out->retry_on_connection_errors));
  return Status::Ok();
}

// Keys a release may inherit from `defaults:` (the ones that are not per-release identity).
Status ParseReleaseSettings(const YamlReader& r, const YAML::Node& node, const std::string& path,
                            ReleaseConfig* rel) {
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "path", path, &rel->path));
  if (!rel->path.empty() && rel->path[0] != '/') {
    return r.Error(node["path"], path + ".path", "must start with '/', e.g. /v1/chat/completions");
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "method", path, &rel->method));
  ROLLGATE_RETURN_IF_ERROR(r.GetInt(node, "timeout_ms", path, &rel->timeout_ms, 100, 600000));
  ROLLGATE_RETURN_IF_ERROR(
      r.GetInt(node, "connect_timeout_ms", path, &rel->connect_timeout_ms, 100, 600000));
  if (node["retry"].IsDefined()) {
    ROLLGATE_RETURN_IF_ERROR(ParseRetry(r, node["retry"], path + ".retry", &rel->retry));
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetBool(node, "stream", path, &rel->stream));
  ROLLGATE_RETURN_IF_ERROR(
      r.GetInt(node, "stream_idle_timeout_ms", path, &rel->stream_idle_timeout_ms, 100, 600000));
  if (node["prompt"].IsDefined()) {
    ROLLGATE_RETURN_IF_ERROR(ParsePrompt(r, node["prompt"], path + ".prompt", &rel->prompt));
  }
  ROLLGATE_RETURN_IF_ERROR(
      r.GetSize(node, "max_body_bytes", path, &rel->max_body_bytes, 1024, 64 << 20));
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "ca_file", path, &rel->ca_file));
  ROLLGATE_RETURN_IF_ERROR(r.GetBool(node, "allow_insecure_http", path, &rel->allow_insecure_http));
  const YAML::Node headers = node["headers"];
  if (headers.IsDefined() && !headers.IsNull()) {
    std::string hpath = path + ".headers";
    for (auto it = headers.begin(); headers.IsMap() && it != headers.end(); ++it) {
      if (EqualsIgnoreCase(it->first.Scalar(), "authorization")) {
        return r.Error(it->first, hpath + "." + it->first.Scalar(),
                       "rollgate sets Authorization from api_key; remove it");
      }
    }
    ROLLGATE_RETURN_IF_ERROR(ParseHeaders(r, headers, hpath, &rel->headers));
  }
  return Status::Ok();
}

Status ParseAppProbe(const YamlReader& r, const YAML::Node& node, const std::string& path,
                     ReleaseConfig* rel) {
  const bool exec = rel->probe == ProbeKind::kExec, http = rel->probe == ProbeKind::kHttp;
  for (const char* key : {"command", "command_timeout_ms"}) {
    if (!exec && node[key].IsDefined())
      return r.Error(node[key], path + "." + key, "only a `probe: exec` release takes it");
  }
  for (const char* key : {"url", "body", "version_header"}) {
    if (!http && node[key].IsDefined())
      return r.Error(node[key], path + "." + key, "only a `probe: http` release takes it");
  }
  if (exec) {
    ROLLGATE_RETURN_IF_ERROR(r.GetStringList(node, "command", path, &rel->exec.command));
    if (rel->exec.command.empty() || rel->exec.command[0].empty()) {
      return r.Error(node, path + ".command",
                     "a `probe: exec` release needs command: [program, args...]");
    }
    ROLLGATE_RETURN_IF_ERROR(
        r.GetInt(node, "command_timeout_ms", path, &rel->exec.timeout_ms, 100, 600000));
  }
  if (http) {
    ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "url", path, &rel->http.url, /*required=*/true));
    if (rel->http.url.rfind("http://", 0) != 0 && rel->http.url.rfind("https://", 0) != 0) {
      return r.Error(node["url"], path + ".url",
                     "expected an http:// or https:// URL of the app's smoke route");
    }
    ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "body", path, &rel->http.body));
    ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "version_header", path, &rel->http.version_header));
    rel->http.method = rel->method.empty() ? "GET" : rel->method;
  }
  return Status::Ok();
}

Status ParseFallback(const YamlReader& r, const YAML::Node& node, const std::string& path,
                     ReleaseConfig* rel) {
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(node, path));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(node, path, {"model", "on", "block_on_fallback"}));
  FallbackConfig fb;
  if (!node["model"].IsDefined())
    return r.Error(node, path + ".model", "required: the model production falls back to");
  ROLLGATE_RETURN_IF_ERROR(ParseValueSource(r, node["model"], path + ".model", &fb.model));
  std::vector<std::string> triggers;
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(node, "on", path, &triggers));
  if (triggers.empty())
    return r.Error(node, path + ".on",
                   "required: statuses and error codes, e.g. [503, model_not_found]");
  for (const auto& t : triggers) {
    if (!t.empty() && t.find_first_not_of("0123456789") == std::string::npos && t.size() == 3) {
      fb.on_status.push_back(std::stoi(t));
    } else {
      fb.on_codes.push_back(t);
    }
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetBool(node, "block_on_fallback", path, &fb.block_on_fallback));
  rel->fallback = fb;
  return Status::Ok();
}

Status ParseRehearseApp(const YamlReader& r, const YAML::Node& node, const std::string& path,
                        ReleaseConfig* rel) {
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(node, path));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(node, path, {"base_url_env", "api_key_env", "command"}));
  RehearseAppConfig app;
  // probe: http takes a command (its local instance) and, optionally, the two variables.
  bool http = rel->probe == ProbeKind::kHttp;
  ROLLGATE_RETURN_IF_ERROR(
      r.GetString(node, "base_url_env", path, &app.base_url_env, /*required=*/!http));
  ROLLGATE_RETURN_IF_ERROR(
      r.GetString(node, "api_key_env", path, &app.api_key_env, /*required=*/!http));
  if (http) {
    ROLLGATE_RETURN_IF_ERROR(r.GetStringList(node, "command", path, &app.command));
    if (app.command.empty() || app.command[0].empty()) {
      return r.Error(
          node, path + ".command",
          "required for a `probe: http` release: the argv that starts a local instance, e.g. "
          "[./app, serve, --listen, '127.0.0.1:{port}']");
    }
    if (app.base_url_env.empty() != app.api_key_env.empty()) {
      return r.Error(node, path, "give both base_url_env and api_key_env, or neither");
    }
  } else if (node["command"].IsDefined()) {
    return r.Error(node, path + ".command",
                   "only a `probe: http` release takes it (an exec release runs its own "
                   "command)");
  }
  if (rel->probe != ProbeKind::kExec && !http) {
    return r.Error(
        node, path,
        "only a `probe: exec` release takes it (rehearse runs its command with them set), "
        "or a `probe: http` one with rehearse.command");
  }
  for (const std::string* name : {&app.base_url_env, &app.api_key_env}) {
    if (http && name->empty()) continue;
    if (name->empty() || name->find_first_of("= \t\n\r") != std::string::npos) {
      return r.Error(node, path, "'" + *name + "' is not an environment variable name");
    }
  }
  rel->rehearse = app;
  return Status::Ok();
}

}  // namespace

Status ParseRelease(const YamlReader& r, const YAML::Node& node, const std::string& name,
                    const YAML::Node* defaults, ReleaseConfig* rel) {
  std::string path = "releases." + name;
  rel->name = name;
  rel->line = YamlReader::Line(node);
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(node, path));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(node, path, ReleaseKeys()));
  if (defaults) ROLLGATE_RETURN_IF_ERROR(ParseReleaseSettings(r, *defaults, "defaults", rel));
  ROLLGATE_RETURN_IF_ERROR(ParseReleaseSettings(r, node, path, rel));
  for (const auto& key : ReleaseKeys()) {  // where each setting came from, for `check --explain`
    if (defaults && (*defaults)[key].IsDefined())
      rel->setting_sources[key] =
          "defaults (line " + std::to_string(YamlReader::Line((*defaults)[key])) + ")";
    if (node[key].IsDefined())
      rel->setting_sources[key] =
          path + " (line " + std::to_string(YamlReader::Line(node[key])) + ")";
  }
  std::string probe = ToString(rel->probe);
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "probe", path, &probe));
  std::optional<ProbeKind> kind = ParseProbeKind(probe);
  if (!kind) {
    return r.Error(node["probe"], path + ".probe",
                   "'" + probe + "' is not a probe kind; use direct, http or exec");
  }
  rel->probe = *kind;
  ROLLGATE_RETURN_IF_ERROR(ParseAppProbe(r, node, path, rel));
  if (node["logs"].IsDefined()) {
    LogsConfig logs;
    ROLLGATE_RETURN_IF_ERROR(ParseLogs(r, node["logs"], path + ".logs", &logs));
    rel->logs = std::move(logs);
  }
  if (node["fallback"].IsDefined())
    ROLLGATE_RETURN_IF_ERROR(ParseFallback(r, node["fallback"], path + ".fallback", rel));
  if (node["rehearse"].IsDefined())
    ROLLGATE_RETURN_IF_ERROR(ParseRehearseApp(r, node["rehearse"], path + ".rehearse", rel));

  // A direct probe calls the provider itself and needs all four; exec and http probes let the
  // app call it, and use base_url/api_key/model (when given) for the invalid-token call and the
  // release diff.
  bool direct = rel->probe == ProbeKind::kDirect;
  if (!node["version"].IsDefined())
    return r.Error(node, path + ".version", "required; add it (a string or a source)");
  ROLLGATE_RETURN_IF_ERROR(ParseValueSource(r, node["version"], path + ".version", &rel->version));
  struct Provider {
    const char* key;
    ValueSource* out;
  } provider[] = {{"base_url", &rel->base_url}, {"api_key", &rel->api_key}};
  for (const auto& p : provider) {
    if (!node[p.key].IsDefined()) {
      if (direct)
        return r.Error(node, path + "." + p.key, "required; add it (a string or a source)");
      continue;
    }
    ROLLGATE_RETURN_IF_ERROR(ParseValueSource(r, node[p.key], path + "." + p.key, p.out));
  }
  rel->has_base_url = node["base_url"].IsDefined() && node["api_key"].IsDefined();
  if (!node["model"].IsDefined()) {
    if (direct) return r.Error(node, path + ".model", "required; add it (a string or a source)");
  } else {
    ROLLGATE_RETURN_IF_ERROR(ParseModelSource(r, node["model"], path + ".model", &rel->model));
  }
  return Status::Ok();
}

}  // namespace rollgate::internal
