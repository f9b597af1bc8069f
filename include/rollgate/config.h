// The configuration model: what `rollgate.yaml` says, as plain structs with defaults.
// The loader (src/config/) fills these from YAML and validates them; it never resolves a value
// source (that happens at run time, and a value that cannot be resolved is a finding).
// docs/config.md is the user-facing reference for every key.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rollgate/vocabulary.h"

namespace rollgate {

/// Where one configured value comes from (DESIGN.md "Value sources").
struct ValueSource {
  enum class Kind {
    kLiteral,  // a plain string in the YAML
    kEnv,      // {env: NAME}
    kFile,     // {file: PATH}: whole file, trailing newline trimmed
    kEnvFile,  // {env_file: NAME}: the path is in env NAME (the *_FILE convention)
    kDotenv,   // {dotenv: PATH, key: NAME}
    kJson,     // {json: PATH, key: a.b.0.c}
    kYaml,     // {yaml: PATH, key: a.b.0.c}
    kToml,     // {toml: PATH, key: a.b.c}
    kCommand,  // {command: [argv...]}: no shell, bounded, stdout trimmed
  };
  Kind kind = Kind::kLiteral;
  std::string literal;            // kLiteral
  std::string name;               // kEnv / kEnvFile: the variable
  std::string path;               // file-based kinds, as written in the config
  std::string key;                // kDotenv: variable; kJson/kYaml/kToml: dotted key path
  std::vector<std::string> argv;  // kCommand
  int timeout_ms = 5000;          // kCommand: bound on the run
  std::optional<std::string> default_value;  // used when the source cannot be resolved
  int line = 0;                              // 1-based line in the config file, for messages
};

/// A model reference: a plain source, or an alias looked up in a map (issue: model aliases).
struct ModelSource {
  ValueSource value;               // the model, or the alias when `map` is set
  std::optional<ValueSource> map;  // a source whose value is a YAML/JSON mapping alias->model
};

struct RetryPolicy {
  int max_attempts = 2;       // total attempts including the first (1 = no retries)
  int backoff_ms = 500;       // first backoff; doubles each retry, with jitter in (0.75, 1]
  int max_backoff_ms = 8000;  // cap on one backoff
  int retry_after_cap_ms =
      60000;  // honour Retry-After / retry-after-ms up to this; above: no retry
  std::vector<int> retry_on = {408, 409, 429, 500, 502, 503, 504, 524};
  bool retry_on_connection_errors = true;  // connection refused/reset and timeouts
};

struct PromptOptions {
  enum class TokenField { kMaxTokens, kMaxCompletionTokens };
  int max_tokens = 40;  // the smoke answer needs ~10 tokens; reasoning models need far more
  TokenField token_field = TokenField::kMaxTokens;
  std::string system;  // overrides the built-in system message when set
  std::string user;    // overrides the built-in user message when set (it should still ask for
                       // {"ok":true,"label":"<label>"}, or content_sanity fails)
  std::string label = "rollback-smoke";  // the label the model must echo back
};

struct Thresholds {
  int max_latency_ms = 5000;   // end-to-end latency of the smoke call, retries included
  int max_ttft_ms = 0;         // time to first token on the streaming path; 0 = not checked
  int max_smoke_tokens = 500;  // usage tokens one smoke call may cost (token_budget check)
};

/// probe: exec - the release's own smoke entrypoint (docs/app-probes.md).
struct ExecProbeConfig {
  std::vector<std::string> command;  // argv, run without a shell
  int timeout_ms = 30000;
};

/// probe: http - the app's own user-facing smoke route (docs/app-probes.md).
struct HttpProbeConfig {
  std::string url;
  std::string method = "GET";
  std::string body;
  std::string version_header = "X-Release-Version";  // proves which release answered
};

/// The app's own log line for each probe, found by the correlation id rollgate sent
/// (docs/config.md "Logs"). Exactly one of `command` and `file` is set.
struct LogsConfig {
  std::vector<std::string> command;  // prints recent log lines, e.g. kubectl logs --since=2m
  /// The app's log file, as written (relative: to the config's directory). Only what was
  /// written to it after the probes started is read, at most `max_bytes`.
  std::string file;
  std::vector<std::string> require = {"version", "route", "status", "request_id"};
  /// Required field -> the JSON key that carries it in the app's lines: a dotted path from the
  /// top (`http.status`), or one key name found at any depth. Unlisted fields use their own name.
  std::map<std::string, std::string> fields;
  /// Required field -> a POSIX extended regular expression (as `grep -E`) a plain-text line
  /// must match to carry it. Unlisted fields are `name=value` tokens.
  std::map<std::string, std::string> patterns;
  std::size_t max_bytes = 8u << 20;  // file: the most bytes read (and a command's output)
  int timeout_ms = 10000;            // command: bound on its run
};

/// The app falls back to another model on some failures; rollgate reproduces and records it.
struct FallbackConfig {
  ValueSource model;
  std::vector<int> on_status;         // e.g. 503
  std::vector<std::string> on_codes;  // e.g. model_not_found
  bool block_on_fallback = false;     // true: a fallback taken fails the `model` check (blocks)
};

/// How `rollgate rehearse` points the release's own client at its mock (docs/rehearse.md), for
/// releases whose base URL and key do not come from `{env:}` / `{env_file:}` sources, and how it
/// starts a local instance of a `probe: http` release.
struct RehearseAppConfig {
  std::string base_url_env;  // the variable the app's client reads its base URL from
  std::string api_key_env;   // ... and its key (e.g. OPENAI_BASE_URL, OPENAI_API_KEY)
  /// probe: http: starts a local instance of the release (argv, no shell; `{port}` becomes its
  /// listen port, also in ROLLGATE_REHEARSE_PORT); empty: the release is rehearsed directly.
  std::vector<std::string> command;
};

struct ReleaseConfig {
  std::string name;  // the key under `releases:`; "new" and "rollback" are the gate's roles
  int line = 0;
  ValueSource version;
  ValueSource base_url;
  ValueSource api_key;
  ModelSource model;
  std::string path;               // empty: the contract's path
  std::string method;             // empty: the contract's method
  int timeout_ms = 20000;         // per attempt, whole request
  int connect_timeout_ms = 5000;  // per attempt, TCP + TLS handshake
  RetryPolicy retry;
  bool stream = false;                 // production streams: probe the streaming path too
  int stream_idle_timeout_ms = 10000;  // longest silence allowed between stream events
  PromptOptions prompt;
  std::size_t max_body_bytes = 1u << 20;
  std::string ca_file;  // extra CA bundle for TLS verification (private gateways)
  bool allow_insecure_http =
      false;  // allow http:// to a non-loopback host (the key travels in clear)
  /// Extra request headers the app sends, each value from any source. A value that comes from
  /// a source other than a literal, or whose header name looks like a credential (X-Api-Key),
  /// is a secret: scrubbed from every output, fingerprinted in the diff, and replaced on the
  /// invalid-token call.
  std::map<std::string, ValueSource> headers;
  ProbeKind probe = ProbeKind::kDirect;  // direct | http | exec (how the smoke call is made)
  ExecProbeConfig exec;                  // probe: exec
  HttpProbeConfig http;                  // probe: http
  std::optional<LogsConfig> logs;
  std::optional<FallbackConfig> fallback;
  bool has_base_url = true;  // true: base_url and api_key both given (always so for direct)
  /// Where each setting the config sets came from: key (`timeout_ms`, `retry`, `prompt`, ...)
  /// -> "releases.new (line 12)", "defaults (line 4)" or "prompt (line 3)". A key that is
  /// absent has its built-in default (`rollgate check --explain` shows both).
  std::map<std::string, std::string> setting_sources;
  std::optional<RehearseAppConfig> rehearse;  // rehearse: only `rollgate rehearse` reads it
};

struct NegativeAuthConfig {
  bool enabled = true;
  std::vector<int> expect_status = {401, 403};
};

/// One route switch of the drill: a command (no shell) or an HTTP call.
struct DrillAction {
  std::vector<std::string> command;  // argv; empty when this is an HTTP call
  std::string method = "POST";
  std::string url;
  std::map<std::string, ValueSource> headers;  // values from any source, secrets as for a release
  std::string body;
  bool is_http() const { return command.empty(); }
};

/// The rollback switch drill (DESIGN.md: the order of operations; docs/drill.md).
struct DrillConfig {
  DrillAction to_new;
  DrillAction to_rollback;
  std::string user_facing_url;  // the app's smoke route behind the switched route
  std::string version_header = "X-Release-Version";
  std::map<std::string, std::string> user_facing_headers;
  std::string settle_url;         // polled for the version after a switch; default user_facing_url
  int settle_timeout_ms = 30000;  // how long the route may take to converge
  int settle_poll_ms = 500;
  int action_timeout_ms = 30000;  // bound on each switch action
};

/// Run history: every gate, check and drill appends when configured; serve replicas share it.
struct HistoryConfig {
  std::string db;  // an SQLite file (resolved against the config's directory), or a
                   // postgresql://user@host:port/dbname URI (never with a password in it)
  std::optional<ValueSource> password;  // PostgreSQL only; unset: PGPASSWORD, PGPASSFILE
};

/// `rollgate serve`'s scheduled gates, capped so smoke traffic can never run up a bill.
struct ScheduleConfig {
  int64_t every_ms = 600000;  // 10m
  int64_t jitter_ms = 30000;  // up to this much is added to each wait
  int max_runs_per_day = 144;
  int64_t max_tokens_per_day = 20000;  // usage tokens the provider reported
};

struct ServeConfig {
  std::optional<ValueSource> token;    // bearer token webhooks and run triggers require
  int64_t max_result_age_ms = 300000;  // a webhook reuses a result younger than this
  std::string listen = "127.0.0.1:9464";
  int run_timeout_ms = 120000;  // SIGTERM waits at most this long for the run in flight
  // Slow and idle HTTP clients (docs/serve.md "Slow clients").
  int request_timeout_ms = 10000;       // a request's head and body arrive within this, or close
  int max_connections = 256;            // HTTP connections served at once, a thread each
  int max_connections_per_client = 32;  // open connections per client address; 0: no limit
};

struct Config {
  std::string file;  // the config file as given
  std::string dir;   // its directory: relative paths resolve against it
  std::string service;
  std::string contract_path;  // resolved against dir; empty when no contract is configured
  int contract_line = 0;
  std::vector<ReleaseConfig> releases;  // in file order
  NegativeAuthConfig negative_auth;
  Thresholds thresholds;
  std::vector<std::string> expect_differences;  // new vs rollback fields allowed to differ
  std::optional<HistoryConfig> history;
  std::optional<ScheduleConfig> schedule;
  std::optional<ServeConfig> serve;
  std::optional<DrillConfig> drill;

  const ReleaseConfig* FindRelease(const std::string& name) const {
    for (const auto& r : releases) {
      if (r.name == name) return &r;
    }
    return nullptr;
  }
};

/// The pinned, dated API contract the releases are held against (DESIGN.md "Contract file").
struct Contract {
  std::string file;
  std::string reviewed_on;  // YYYY-MM-DD
  int max_age_days = 30;
  std::vector<std::string> sources;
  std::string method = "POST";
  std::string path = "/v1/chat/completions";
  std::vector<std::string> request_headers = {"Authorization", "Content-Type"};
  std::vector<std::string> request_fields = {"model", "messages"};
  std::vector<std::string> response_fields = {"choices.0.message.content",
                                              "choices.0.finish_reason"};
  std::vector<std::string> error_fields = {"error.message"};
};

}  // namespace rollgate
