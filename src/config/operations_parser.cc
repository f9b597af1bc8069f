// history/schedule/serve/drill: durations as "30s", "10m", "1h"; URLs of drill actions and the
// user-facing path checked for a scheme; a history location classified before it is resolved.
#include "config/operations_parser.h"

#include "base/file_util.h"
#include "base/strings.h"
#include "config/release_parser.h"
#include "config/value_source_parser.h"
#include "store/history_location.h"

namespace rollgate::internal {

namespace {

Status GetDuration(const YamlReader& r, const YAML::Node& map, const std::string& key,
                   const std::string& path, int64_t* out, int64_t lo_ms, int64_t hi_ms) {
  std::string text;
  ROLLGATE_RETURN_IF_ERROR(r.GetString(map, key, path, &text));
  if (text.empty()) return Status::Ok();
  int64_t ms = ParseDurationMs(text);
  if (ms < 0)
    return r.Error(map[key], path + "." + key,
                   "'" + text + "' is not a duration; use e.g. 30s, 10m, 1h");
  if (ms < lo_ms || ms > hi_ms) {
    return r.Error(map[key], path + "." + key,
                   "'" + text + "' is out of range; use " + FormatDurationMs(lo_ms) + " to " +
                       FormatDurationMs(hi_ms));
  }
  *out = ms;
  return Status::Ok();
}

}  // namespace

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
    ROLLGATE_RETURN_IF_ERROR(
        r.CheckKeys(sc, "schedule", {"every", "jitter", "max_runs_per_day", "max_tokens_per_day"}));
    ScheduleConfig s;
    ROLLGATE_RETURN_IF_ERROR(
        GetDuration(r, sc, "every", "schedule", &s.every_ms, 2000, 7 * 86400000LL));
    ROLLGATE_RETURN_IF_ERROR(GetDuration(r, sc, "jitter", "schedule", &s.jitter_ms, 0, 86400000LL));
    ROLLGATE_RETURN_IF_ERROR(
        r.GetInt(sc, "max_runs_per_day", "schedule", &s.max_runs_per_day, 1, 100000));
    int tokens = static_cast<int>(s.max_tokens_per_day);
    ROLLGATE_RETURN_IF_ERROR(
        r.GetInt(sc, "max_tokens_per_day", "schedule", &tokens, 1, 2000000000));
    s.max_tokens_per_day = tokens;
    cfg->schedule = s;
  }
  const YAML::Node sv = root["serve"];
  if (sv.IsDefined() && !sv.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(sv, "serve"));
    ROLLGATE_RETURN_IF_ERROR(
        r.CheckKeys(sv, "serve",
                    {"token", "max_result_age", "listen", "run_timeout", "request_timeout",
                     "max_connections", "max_connections_per_client"}));
    ServeConfig s;
    if (sv["token"].IsDefined()) {
      ValueSource token;
      ROLLGATE_RETURN_IF_ERROR(ParseValueSource(r, sv["token"], "serve.token", &token));
      s.token = token;
    }
    ROLLGATE_RETURN_IF_ERROR(
        GetDuration(r, sv, "max_result_age", "serve", &s.max_result_age_ms, 0, 86400000LL));
    ROLLGATE_RETURN_IF_ERROR(r.GetString(sv, "listen", "serve", &s.listen));
    int64_t run_timeout = s.run_timeout_ms;
    ROLLGATE_RETURN_IF_ERROR(
        GetDuration(r, sv, "run_timeout", "serve", &run_timeout, 1000, 3600000));
    s.run_timeout_ms = static_cast<int>(run_timeout);
    int64_t request_timeout = s.request_timeout_ms;
    ROLLGATE_RETURN_IF_ERROR(
        GetDuration(r, sv, "request_timeout", "serve", &request_timeout, 1000, 600000));
    s.request_timeout_ms = static_cast<int>(request_timeout);
    ROLLGATE_RETURN_IF_ERROR(r.GetInt(sv, "max_connections", "serve", &s.max_connections, 1, 4096));
    ROLLGATE_RETURN_IF_ERROR(r.GetInt(sv, "max_connections_per_client", "serve",
                                      &s.max_connections_per_client, 0, 4096));
    cfg->serve = s;
  }
  return Status::Ok();
}

namespace {

Status ParseDrillAction(const YamlReader& r, const YAML::Node& node, const std::string& path,
                        DrillAction* out) {
  if (!node.IsDefined() || node.IsNull()) {
    return r.Error(node, path,
                   "required: a command [argv...] or an HTTP call {method, url, headers, body}");
  }
  if (node.IsSequence()) {
    YAML::Node holder;
    holder["command"] = node;
    ROLLGATE_RETURN_IF_ERROR(r.GetStringList(holder, "command", "", &out->command));
    if (out->command.empty() || out->command[0].empty())
      return r.Error(node, path, "the command is empty");
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

}  // namespace

Status ParseDrill(const YamlReader& r, const YAML::Node& d, Config* cfg) {
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(d, "drill"));
  ROLLGATE_RETURN_IF_ERROR(
      r.CheckKeys(d, "drill", {"switch", "user_facing", "settle", "action_timeout_ms"}));
  DrillConfig drill;
  const YAML::Node sw = d["switch"];
  if (!sw.IsDefined())
    return r.Error(d, "drill.switch", "required: {to_new: <action>, to_rollback: <action>}");
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(sw, "drill.switch"));
  ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(sw, "drill.switch", {"to_new", "to_rollback"}));
  ROLLGATE_RETURN_IF_ERROR(ParseDrillAction(r, sw["to_new"], "drill.switch.to_new", &drill.to_new));
  ROLLGATE_RETURN_IF_ERROR(
      ParseDrillAction(r, sw["to_rollback"], "drill.switch.to_rollback", &drill.to_rollback));
  const YAML::Node uf = d["user_facing"];
  if (!uf.IsDefined())
    return r.Error(d, "drill.user_facing",
                   "required: {url: <the app's smoke route behind the route>}");
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(uf, "drill.user_facing"));
  ROLLGATE_RETURN_IF_ERROR(
      r.CheckKeys(uf, "drill.user_facing", {"url", "version_header", "headers"}));
  ROLLGATE_RETURN_IF_ERROR(
      r.GetString(uf, "url", "drill.user_facing", &drill.user_facing_url, /*required=*/true));
  if (drill.user_facing_url.rfind("http://", 0) != 0 &&
      drill.user_facing_url.rfind("https://", 0) != 0) {
    return r.Error(uf["url"], "drill.user_facing.url", "expected an http:// or https:// URL");
  }
  ROLLGATE_RETURN_IF_ERROR(
      r.GetString(uf, "version_header", "drill.user_facing", &drill.version_header));
  const YAML::Node uh = uf["headers"];
  if (uh.IsDefined() && !uh.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(uh, "drill.user_facing.headers"));
    for (auto it = uh.begin(); it != uh.end(); ++it)
      drill.user_facing_headers[it->first.Scalar()] = it->second.Scalar();
  }
  const YAML::Node st = d["settle"];
  if (st.IsDefined() && !st.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(st, "drill.settle"));
    ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(st, "drill.settle", {"timeout_ms", "poll_ms", "url"}));
    ROLLGATE_RETURN_IF_ERROR(
        r.GetInt(st, "timeout_ms", "drill.settle", &drill.settle_timeout_ms, 100, 3600000));
    ROLLGATE_RETURN_IF_ERROR(
        r.GetInt(st, "poll_ms", "drill.settle", &drill.settle_poll_ms, 10, 60000));
    ROLLGATE_RETURN_IF_ERROR(r.GetString(st, "url", "drill.settle", &drill.settle_url));
  }
  if (drill.settle_url.empty()) drill.settle_url = drill.user_facing_url;
  ROLLGATE_RETURN_IF_ERROR(
      r.GetInt(d, "action_timeout_ms", "drill", &drill.action_timeout_ms, 100, 3600000));
  cfg->drill = drill;
  return Status::Ok();
}

}  // namespace rollgate::internal
