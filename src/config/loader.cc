#include "config/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>

#include "base/clock.h"
#include "base/file_util.h"
#include "base/strings.h"
#include "config/limits.h"
#include "config/logs_parser.h"
#include "config/value_source_parser.h"
#include "config/yaml_reader.h"
#include "store/history_location.h"

namespace rollgate::internal {

const std::vector<std::string>& ConsistencyFieldNames() {
  static const std::vector<std::string> kFields = {
      "endpoint_host", "path",  "method", "model", "key_fingerprint",
      "timeout_ms",    "retry", "stream", "probe",  "headers"};
  return kFields;
}

namespace {

const std::vector<std::string> kTopKeys = {"service",       "contract",          "releases",
                                           "negative_auth", "thresholds",        "prompt",
                                           "defaults",      "expect_differences", "history",
                                           "schedule",      "serve",         "drill"};
const std::vector<std::string> kReleaseKeys = {"version",
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
    ROLLGATE_RETURN_IF_ERROR(ParseValueSource(r, it->second, path + "." + name, &value));
    (*out)[name] = std::move(value);
  }
  return Status::Ok();
}

const std::vector<std::string> kPromptKeys = {"max_tokens", "token_field", "label", "system", "user"};

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
  const bool exec = rel->probe == "exec", http = rel->probe == "http";
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
  bool http = rel->probe == "http";
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "base_url_env", path, &app.base_url_env, /*required=*/!http));
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "api_key_env", path, &app.api_key_env, /*required=*/!http));
  if (http) {
    ROLLGATE_RETURN_IF_ERROR(r.GetStringList(node, "command", path, &app.command));
    if (app.command.empty() || app.command[0].empty()) {
      return r.Error(node, path + ".command",
                     "required for a `probe: http` release: the argv that starts a local instance, e.g. "
                     "[./app, serve, --listen, '127.0.0.1:{port}']");
    }
    if (app.base_url_env.empty() != app.api_key_env.empty()) {
      return r.Error(node, path, "give both base_url_env and api_key_env, or neither");
    }
  } else if (node["command"].IsDefined()) {
    return r.Error(node, path + ".command", "only a `probe: http` release takes it (an exec release runs its own "
                                            "command)");
  }
  if (rel->probe != "exec" && !http) {
    return r.Error(node, path, "only a `probe: exec` release takes it (rehearse runs its command with them set), "
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

Status ParseRelease(const YamlReader& r, const YAML::Node& node, const std::string& name,
                    const YAML::Node* defaults, ReleaseConfig* rel) {
  std::string path = "releases." + name;
  rel->name = name;
  rel->line = YamlReader::Line(node);
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(node, path));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(node, path, kReleaseKeys));
  if (defaults) ROLLGATE_RETURN_IF_ERROR(ParseReleaseSettings(r, *defaults, "defaults", rel));
  ROLLGATE_RETURN_IF_ERROR(ParseReleaseSettings(r, node, path, rel));
  for (const auto& key : kReleaseKeys) {  // where each setting came from, for `check --explain`
    if (defaults && (*defaults)[key].IsDefined())
      rel->setting_sources[key] = "defaults (line " + std::to_string(YamlReader::Line((*defaults)[key])) + ")";
    if (node[key].IsDefined())
      rel->setting_sources[key] = path + " (line " + std::to_string(YamlReader::Line(node[key])) + ")";
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "probe", path, &rel->probe));
  if (rel->probe != "direct" && rel->probe != "http" && rel->probe != "exec") {
    return r.Error(node["probe"], path + ".probe",
                   "'" + rel->probe + "' is not a probe kind; use direct, http or exec");
  }
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
  bool direct = rel->probe == "direct";
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

Status GetDuration(const YamlReader& r, const YAML::Node& map, const std::string& key, const std::string& path,
                   int64_t* out, int64_t lo_ms, int64_t hi_ms) {
  std::string text;
  ROLLGATE_RETURN_IF_ERROR(r.GetString(map, key, path, &text));
  if (text.empty()) return Status::Ok();
  int64_t ms = ParseDurationMs(text);
  if (ms < 0) return r.Error(map[key], path + "." + key, "'" + text + "' is not a duration; use e.g. 30s, 10m, 1h");
  if (ms < lo_ms || ms > hi_ms) {
    return r.Error(map[key], path + "." + key,
                   "'" + text + "' is out of range; use " + FormatDurationMs(lo_ms) + " to " + FormatDurationMs(hi_ms));
  }
  *out = ms;
  return Status::Ok();
}

Status ParseOperations(const YamlReader& r, const YAML::Node& root, Config* cfg) {
  const YAML::Node h = root["history"];
  if (h.IsDefined() && !h.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(h, "history"));
    ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(h, "history", {"db", "password"}));
    HistoryConfig history;
    ROLLGATE_RETURN_IF_ERROR(r.GetString(h, "db", "history", &history.db, /*required=*/true));
    // A file path, or a postgresql:// URI without a password; any other scheme is refused
    // rather than becoming a directory named after the URI.
    Result<HistoryLocation::Kind> kind = ClassifyHistoryDb(history.db, "");
    if (!kind.ok()) return r.Error(h["db"], "history.db", kind.status().message());
    if (*kind == HistoryLocation::Kind::kSqlite) {
      history.db = ResolveRelative(cfg->dir, history.db);
      if (IsDirectory(history.db)) {
        return r.Error(h["db"], "history.db",
                       history.db + " is a directory; name the database file, e.g. " + history.db +
                           "/rollgate-history.db");
      }
    }
    if (h["password"].IsDefined()) {
      if (*kind != HistoryLocation::Kind::kPostgres) {
        return r.Error(h["password"], "history.password",
                       "applies only to a postgresql:// history.db; an SQLite file needs none");
      }
      ValueSource password;
      ROLLGATE_RETURN_IF_ERROR(ParseValueSource(r, h["password"], "history.password", &password));
      history.password = password;
    }
    cfg->history = history;
  }
  const YAML::Node sc = root["schedule"];
  if (sc.IsDefined() && !sc.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(sc, "schedule"));
    ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(sc, "schedule", {"every", "jitter", "max_runs_per_day", "max_tokens_per_day"}));
    ScheduleConfig s;
    ROLLGATE_RETURN_IF_ERROR(GetDuration(r, sc, "every", "schedule", &s.every_ms, 2000, 7 * 86400000LL));
    ROLLGATE_RETURN_IF_ERROR(GetDuration(r, sc, "jitter", "schedule", &s.jitter_ms, 0, 86400000LL));
    ROLLGATE_RETURN_IF_ERROR(r.GetInt(sc, "max_runs_per_day", "schedule", &s.max_runs_per_day, 1, 100000));
    int tokens = static_cast<int>(s.max_tokens_per_day);
    ROLLGATE_RETURN_IF_ERROR(r.GetInt(sc, "max_tokens_per_day", "schedule", &tokens, 1, 2000000000));
    s.max_tokens_per_day = tokens;
    cfg->schedule = s;
  }
  const YAML::Node sv = root["serve"];
  if (sv.IsDefined() && !sv.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(sv, "serve"));
    ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(sv, "serve", {"token", "max_result_age", "listen", "run_timeout",
                                                       "request_timeout", "max_connections",
                                                       "max_connections_per_client"}));
    ServeConfig s;
    if (sv["token"].IsDefined()) {
      ValueSource token;
      ROLLGATE_RETURN_IF_ERROR(ParseValueSource(r, sv["token"], "serve.token", &token));
      s.token = token;
    }
    ROLLGATE_RETURN_IF_ERROR(GetDuration(r, sv, "max_result_age", "serve", &s.max_result_age_ms, 0, 86400000LL));
    ROLLGATE_RETURN_IF_ERROR(r.GetString(sv, "listen", "serve", &s.listen));
    int64_t run_timeout = s.run_timeout_ms;
    ROLLGATE_RETURN_IF_ERROR(GetDuration(r, sv, "run_timeout", "serve", &run_timeout, 1000, 3600000));
    s.run_timeout_ms = static_cast<int>(run_timeout);
    int64_t request_timeout = s.request_timeout_ms;
    ROLLGATE_RETURN_IF_ERROR(GetDuration(r, sv, "request_timeout", "serve", &request_timeout, 1000, 600000));
    s.request_timeout_ms = static_cast<int>(request_timeout);
    ROLLGATE_RETURN_IF_ERROR(r.GetInt(sv, "max_connections", "serve", &s.max_connections, 1, 4096));
    ROLLGATE_RETURN_IF_ERROR(
        r.GetInt(sv, "max_connections_per_client", "serve", &s.max_connections_per_client, 0, 4096));
    cfg->serve = s;
  }
  return Status::Ok();
}

Status ParseDrillAction(const YamlReader& r, const YAML::Node& node, const std::string& path, DrillAction* out) {
  if (!node.IsDefined() || node.IsNull()) {
    return r.Error(node, path, "required: a command [argv...] or an HTTP call {method, url, headers, body}");
  }
  if (node.IsSequence()) {
    YAML::Node holder;
    holder["command"] = node;
    ROLLGATE_RETURN_IF_ERROR(r.GetStringList(holder, "command", "", &out->command));
    if (out->command.empty() || out->command[0].empty()) return r.Error(node, path, "the command is empty");
    return Status::Ok();
  }
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(node, path));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(node, path, {"method", "url", "headers", "body"}));
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "url", path, &out->url, /*required=*/true));
  if (out->url.rfind("http://", 0) != 0 && out->url.rfind("https://", 0) != 0) {
    return r.Error(node["url"], path + ".url", "expected an http:// or https:// URL");
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "method", path, &out->method));
  ROLLGATE_RETURN_IF_ERROR(r.GetString(node, "body", path, &out->body));
  const YAML::Node headers = node["headers"];
  if (headers.IsDefined() && !headers.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(ParseHeaders(r, headers, path + ".headers", &out->headers));
  }
  return Status::Ok();
}

Status ParseDrill(const YamlReader& r, const YAML::Node& d, Config* cfg) {
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(d, "drill"));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(d, "drill", {"switch", "user_facing", "settle", "action_timeout_ms"}));
  DrillConfig drill;
  const YAML::Node sw = d["switch"];
  if (!sw.IsDefined()) return r.Error(d, "drill.switch", "required: {to_new: <action>, to_rollback: <action>}");
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(sw, "drill.switch"));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(sw, "drill.switch", {"to_new", "to_rollback"}));
  ROLLGATE_RETURN_IF_ERROR(ParseDrillAction(r, sw["to_new"], "drill.switch.to_new", &drill.to_new));
  ROLLGATE_RETURN_IF_ERROR(ParseDrillAction(r, sw["to_rollback"], "drill.switch.to_rollback", &drill.to_rollback));
  const YAML::Node uf = d["user_facing"];
  if (!uf.IsDefined()) return r.Error(d, "drill.user_facing", "required: {url: <the app's smoke route behind the route>}");
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(uf, "drill.user_facing"));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(uf, "drill.user_facing", {"url", "version_header", "headers"}));
  ROLLGATE_RETURN_IF_ERROR(r.GetString(uf, "url", "drill.user_facing", &drill.user_facing_url, /*required=*/true));
  if (drill.user_facing_url.rfind("http://", 0) != 0 && drill.user_facing_url.rfind("https://", 0) != 0) {
    return r.Error(uf["url"], "drill.user_facing.url", "expected an http:// or https:// URL");
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetString(uf, "version_header", "drill.user_facing", &drill.version_header));
  const YAML::Node uh = uf["headers"];
  if (uh.IsDefined() && !uh.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(uh, "drill.user_facing.headers"));
    for (auto it = uh.begin(); it != uh.end(); ++it) drill.user_facing_headers[it->first.Scalar()] = it->second.Scalar();
  }
  const YAML::Node st = d["settle"];
  if (st.IsDefined() && !st.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(st, "drill.settle"));
    ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(st, "drill.settle", {"timeout_ms", "poll_ms", "url"}));
    ROLLGATE_RETURN_IF_ERROR(r.GetInt(st, "timeout_ms", "drill.settle", &drill.settle_timeout_ms, 100, 3600000));
    ROLLGATE_RETURN_IF_ERROR(r.GetInt(st, "poll_ms", "drill.settle", &drill.settle_poll_ms, 10, 60000));
    ROLLGATE_RETURN_IF_ERROR(r.GetString(st, "url", "drill.settle", &drill.settle_url));
  }
  if (drill.settle_url.empty()) drill.settle_url = drill.user_facing_url;
  ROLLGATE_RETURN_IF_ERROR(r.GetInt(d, "action_timeout_ms", "drill", &drill.action_timeout_ms, 100, 3600000));
  cfg->drill = drill;
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
    ROLLGATE_RETURN_IF_ERROR(
        r.GetInt(th, "max_smoke_tokens", "thresholds", &cfg->thresholds.max_smoke_tokens, 1, 1000000));
    ROLLGATE_RETURN_IF_ERROR(
        r.GetInt(th, "max_latency_ms", "thresholds", &cfg->thresholds.max_latency_ms, 1, 600000));
    ROLLGATE_RETURN_IF_ERROR(
        r.GetInt(th, "max_ttft_ms", "thresholds", &cfg->thresholds.max_ttft_ms, 0, 600000));
  }
  // yaml-cpp nodes are references: keep the lookup const and point at it, never assign to it.
  const YAML::Node defaults_node = root["defaults"];
  const YAML::Node* defaults = nullptr;
  if (defaults_node.IsDefined() && !defaults_node.IsNull()) {
    defaults = &defaults_node;
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(defaults_node, "defaults"));
    std::vector<std::string> allowed;
    for (const auto& k : kReleaseKeys) {
      if (k != "version" && k != "base_url" && k != "api_key" && k != "model" && k != "rehearse")
        allowed.push_back(k);
    }
    ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(defaults_node, "defaults", allowed));
  }
  ROLLGATE_RETURN_IF_ERROR(ParseOperations(r, root, cfg));
  if (root["drill"].IsDefined() && !root["drill"].IsNull()) ROLLGATE_RETURN_IF_ERROR(ParseDrill(r, root["drill"], cfg));
  ROLLGATE_RETURN_IF_ERROR(
      r.GetStringList(root, "expect_differences", "", &cfg->expect_differences));
  for (const auto& field : cfg->expect_differences) {
    if (field.rfind("headers.", 0) == 0 && field.size() > 8) continue;  // one header: headers.X-Api-Key
    if (std::find(ConsistencyFieldNames().begin(), ConsistencyFieldNames().end(), field) ==
        ConsistencyFieldNames().end()) {
      return r.Error(
          root["expect_differences"], "expect_differences",
          "'" + field + "' is not a compared field; use " + Join(ConsistencyFieldNames(), ", "));
    }
  }
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
      rel.setting_sources["prompt"] = "prompt (line " + std::to_string(YamlReader::Line(root["prompt"])) + ")";
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

}  // namespace

namespace {

// Parses `text` as YAML and hands the root to `fn`; yaml-cpp's exceptions become a Status that
// names the file and line (the only place that catches them for whole documents).
Status WithYamlRoot(const std::string& text, const std::string& file,
                    const std::function<Status(const YAML::Node&)>& fn) {
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

}  // namespace

Result<Config> ParseConfig(const std::string& text, const std::string& file) {
  Config cfg;
  cfg.file = file;
  cfg.dir = DirName(file);
  YamlReader reader(file);
  ROLLGATE_RETURN_IF_ERROR(
      CheckConfigLimits(reader, text));  // before yaml-cpp builds a tree of any size
  ROLLGATE_RETURN_IF_ERROR(
      WithYamlRoot(text, file, [&](const YAML::Node& root) { return ParseTop(reader, root, &cfg); }));
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

namespace {

Status ParseContractTop(const YamlReader& r, const YAML::Node& root, Contract* c) {
  if (!root.IsDefined() || root.IsNull())
    return Status::InvalidArgument(r.file() + ": the contract file is empty");
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(root, "(top level)"));
  ROLLGATE_RETURN_IF_ERROR(
      r.CheckKeys(root, "",
                  {"reviewed_on", "max_age_days", "sources", "endpoint", "request_headers",
                   "request_fields", "response_fields", "error_fields"}));
  ROLLGATE_RETURN_IF_ERROR(
      r.GetString(root, "reviewed_on", "", &c->reviewed_on, /*required=*/true));
  if (!ParseIsoDate(c->reviewed_on)) {
    return r.Error(root["reviewed_on"], "reviewed_on",
                   "'" + c->reviewed_on + "' is not a date; use YYYY-MM-DD");
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetInt(root, "max_age_days", "", &c->max_age_days, 1, 3650000));
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(root, "sources", "", &c->sources));
  const YAML::Node ep = root["endpoint"];
  if (ep.IsDefined() && !ep.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(ep, "endpoint"));
    ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(ep, "endpoint", {"method", "path"}));
    ROLLGATE_RETURN_IF_ERROR(r.GetString(ep, "method", "endpoint", &c->method));
    ROLLGATE_RETURN_IF_ERROR(r.GetString(ep, "path", "endpoint", &c->path));
    if (c->path.empty() || c->path[0] != '/')
      return r.Error(ep["path"], "endpoint.path", "must start with '/'");
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(root, "request_headers", "", &c->request_headers));
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(root, "request_fields", "", &c->request_fields));
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(root, "response_fields", "", &c->response_fields));
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(root, "error_fields", "", &c->error_fields));
  return Status::Ok();
}

}  // namespace

Result<Contract> ParseContract(const std::string& text, const std::string& file) {
  Contract c;
  c.file = file;
  YamlReader reader(file);
  ROLLGATE_RETURN_IF_ERROR(CheckConfigLimits(reader, text));
  ROLLGATE_RETURN_IF_ERROR(WithYamlRoot(
      text, file, [&](const YAML::Node& root) { return ParseContractTop(reader, root, &c); }));
  return c;
}

Result<Contract> LoadContract(const std::string& path) {
  Result<std::string> text = ReadFileToString(path, 1u << 20);
  if (!text.ok()) return text.status();
  return ParseContract(*text, path);
}

}  // namespace rollgate::internal
