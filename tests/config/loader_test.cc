#include "config/loader.h"

#include <gtest/gtest.h>

#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

const char kValid[] = R"(service: checkout-assistant
contract: contract.yaml
releases:
  new:
    version: "2.4.0"
    base_url: {env: COMETAPI_BASE_URL}
    api_key: {file: /var/run/secrets/cometapi/key}
    model: {yaml: deploy/v2/app.yaml, key: llm.model}
    timeout_ms: 20000
    retry: {max_attempts: 2, backoff_ms: 500, retry_on: [408, 409, 429, 500, 502, 503, 504]}
    stream: true
  rollback:
    version: "2.3.1"
    base_url: "https://api.cometapi.com"
    api_key: {env: COMETAPI_KEY_ROLLBACK}
    model: "gpt-4o-mini"
negative_auth: {enabled: true}
thresholds: {max_latency_ms: 5000}
)";

TEST(ConfigLoaderTest, ParsesTheDesignExample) {
  Result<Config> cfg = ParseConfig(kValid, "/etc/rollgate/rollgate.yaml");
  ASSERT_OK(cfg);
  EXPECT_EQ(cfg->service, "checkout-assistant");
  EXPECT_EQ(cfg->contract_path, "/etc/rollgate/contract.yaml");
  ASSERT_EQ(cfg->releases.size(), 2u);
  const ReleaseConfig& n = cfg->releases[0];
  EXPECT_EQ(n.name, "new");
  EXPECT_EQ(n.base_url.kind, ValueSource::Kind::kEnv);
  EXPECT_EQ(n.base_url.name, "COMETAPI_BASE_URL");
  EXPECT_EQ(n.api_key.kind, ValueSource::Kind::kFile);
  EXPECT_EQ(n.model.value.kind, ValueSource::Kind::kYaml);
  EXPECT_EQ(n.model.value.key, "llm.model");
  EXPECT_EQ(n.retry.retry_on.size(), 7u);
  EXPECT_TRUE(n.stream);
  const ReleaseConfig& r = cfg->releases[1];
  EXPECT_EQ(r.base_url.literal, "https://api.cometapi.com");
  EXPECT_EQ(r.timeout_ms, 20000);
  EXPECT_EQ(r.retry.max_attempts, 2);
  EXPECT_EQ(cfg->thresholds.max_latency_ms, 5000);
}

void ExpectError(const std::string& yaml, const std::string& fragment) {
  Result<Config> cfg = ParseConfig(yaml, "rollgate.yaml");
  ASSERT_FALSE(cfg.ok()) << "accepted: " << yaml;
  EXPECT_EQ(cfg.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(cfg.status().message().find(fragment), std::string::npos) << cfg.status().message();
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  std::size_t pos = s.find(from);
  return pos == std::string::npos ? s : s.replace(pos, from.size(), to);
}

std::string WithRelease(const std::string& extra) {
  return "service: s\nreleases:\n  new:\n    version: '1'\n    base_url: http://127.0.0.1:1\n    "
         "api_key: k\n"
         "    model: m\n" +
         extra +
         "  rollback:\n    version: '0'\n    base_url: http://127.0.0.1:1\n    api_key: k\n    "
         "model: m\n";
}

TEST(ConfigLoaderTest, ErrorsNameFileLineKeyAndWhatToDo) {
  ExpectError("service: [unclosed", "rollgate.yaml:1: not valid YAML");
  ExpectError(std::string("service: s\nreleases:\n  x\0y\n", 27),
              "rollgate.yaml:3: a NUL byte (byte 24): not a text file; is it the right file?");
  ExpectError(WithRelease("    timout_ms: 5\n"),
              "rollgate.yaml:8: releases.new.timout_ms: unknown key; did you mean 'timeout_ms'?");
  ExpectError(WithRelease("    timeout_ms: fast\n"),
              "rollgate.yaml:8: releases.new.timeout_ms: expected a whole number");
  ExpectError(WithRelease("    timeout_ms: 0\n"), "out of range; use 100 to 600000");
  ExpectError(WithRelease("    stream: maybe\n"), "releases.new.stream: expected true or false");
  ExpectError(WithRelease("    retry: {max_attempts: 2, retry_on: 503}\n"),
              "releases.new.retry.retry_on: expected a list");
  ExpectError(Replace(WithRelease("    ca_file: x\n"), "model: m\n    ca_file",
                      "model: {env: A, file: b}\n    ca_file"),
              "releases.new.model: names two sources (env and file); keep one");
  ExpectError(WithRelease("    headers: {Authorization: x}\n"),
              "rollgate sets Authorization from api_key");
  ExpectError(
      "service: s\nreleases:\n  new:\n    version: '1'\n    base_url: x\n    model: m\n    "
      "api_key: k\n",
      "needs both a `new` and a `rollback`");
  ExpectError("releases: {}\n", "service: required");
  ExpectError(
      "service: s\nreleases:\n  new:\n    version: '1'\n    base_url: x\n    model: m\n  rollback: "
      "{}\n",
      "releases.new.api_key: required");
  ExpectError(Replace(WithRelease(""),
                      "base_url: http://127.0.0.1:1\n    api_key: k\n    model: m\n  rollback",
                      "base_url: {json: app.json}\n    api_key: k\n    model: m\n  rollback"),
              "releases.new.base_url.key: required");
  ExpectError(WithRelease("    prompt: {token_field: max_toks}\n"),
              "use max_tokens or max_completion_tokens");
  ExpectError("", "the file is empty");
  ExpectError("- a\n- b\n", "expected a mapping");
}

TEST(ConfigLoaderTest, HeaderValuesTakeAnySourceAndNamesMustBeTokens) {
  Result<Config> cfg = ParseConfig(
      WithRelease("    headers: {X-Api-Key: {env: GW_KEY}, OpenAI-Organization: org-1}\n"),
      "/etc/r/rollgate.yaml");
  ASSERT_OK(cfg);
  const ReleaseConfig& n = cfg->releases[0];
  ASSERT_EQ(n.headers.size(), 2u);
  EXPECT_EQ(n.headers.at("X-Api-Key").kind, ValueSource::Kind::kEnv);
  EXPECT_EQ(n.headers.at("X-Api-Key").name, "GW_KEY");
  EXPECT_EQ(n.headers.at("OpenAI-Organization").literal, "org-1");
  ExpectError(WithRelease("    headers: {\"X-Bad Name\": v}\n"), "is not a header name");
  ExpectError(WithRelease("    headers: {X-Two: {env: A, file: b}}\n"),
              "releases.new.headers.X-Two: names two sources (env and file); keep one");
  ExpectError(WithRelease("    headers: [a, b]\n"), "releases.new.headers");
  Result<Config> drill =
      ParseConfig(WithRelease("") +
                      "drill:\n  switch:\n    to_new: {url: 'http://127.0.0.1:1/n', headers: "
                      "{X-Token: {env: T}}}\n"
                      "    to_rollback: [\"true\"]\n  user_facing: {url: 'http://127.0.0.1:1/s'}\n",
                  "/etc/r/rollgate.yaml");
  ASSERT_OK(drill);
  EXPECT_EQ(drill->drill->to_new.headers.at("X-Token").kind, ValueSource::Kind::kEnv);
  Result<Config> expected =
      ParseConfig(WithRelease("") + "expect_differences: [headers, headers.X-Api-Key]\n",
                  "/etc/r/rollgate.yaml");
  EXPECT_OK(expected);
}

TEST(ConfigLoaderTest, DefaultsApplyToEveryReleaseAndReleasesOverride) {
  std::string yaml =
      "service: s\ndefaults:\n  timeout_ms: 3000\n  retry: {max_attempts: 3}\n" +
      WithRelease("    timeout_ms: 9000\n").substr(std::string("service: s\n").size());
  Result<Config> cfg = ParseConfig(yaml, "rollgate.yaml");
  ASSERT_OK(cfg);
  EXPECT_EQ(cfg->FindRelease("new")->timeout_ms, 9000);
  EXPECT_EQ(cfg->FindRelease("rollback")->timeout_ms, 3000);
  EXPECT_EQ(cfg->FindRelease("rollback")->retry.max_attempts, 3);
}

TEST(ContractLoaderTest, ParsesAndRejectsBadDates) {
  Result<Contract> c = ParseContract(
      "reviewed_on: 2026-11-20\nmax_age_days: 30\nsources: [https://x]\nendpoint: {method: POST, "
      "path: "
      "/v1/chat/completions}\nresponse_fields: [choices.0.message.content]\n",
      "contract.yaml");
  ASSERT_OK(c);
  EXPECT_EQ(c->reviewed_on, "2026-11-20");
  EXPECT_EQ(c->response_fields.size(), 1u);
  Result<Contract> bad = ParseContract("reviewed_on: 2026-02-30\n", "contract.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("contract.yaml:1: reviewed_on: '2026-02-30' is not a date"),
            std::string::npos);
}

TEST(ContractLoaderTest, ConfiguredContractFailsOnlyWhenTheFileCannotBeUnderstood) {
  testing::TempDir dir;
  Config config;
  config.file = dir.Join("rollgate.yaml");
  Result<ConfiguredContract> none = LoadConfiguredContract(config);
  ASSERT_OK(none);
  EXPECT_TRUE(none->unreadable.empty());
  EXPECT_EQ(none->contract.path, Contract{}.path);

  config.contract_path =
      dir.Write("contract.yaml", "reviewed_on: 2026-11-20\nendpoint: {path: /v2/chat}\n");
  Result<ConfiguredContract> good = LoadConfiguredContract(config);
  ASSERT_OK(good);
  EXPECT_EQ(good->contract.path, "/v2/chat");

  dir.Write("contract.yaml", "reviewed_on: 2026-11-20\nendpoint: {path: v2}\n");
  Result<ConfiguredContract> bad = LoadConfiguredContract(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind(config.contract_path + ":2: endpoint.path", 0), 0u)
      << bad.status().message();

  config.contract_path = dir.Join("gone.yaml");
  Result<ConfiguredContract> gone = LoadConfiguredContract(config);
  ASSERT_OK(gone);
  EXPECT_NE(gone->unreadable.find("gone.yaml"), std::string::npos) << gone->unreadable;
  // diff and check --explain go on with the built-in contract and say so.
  const std::string warning = gone->UnreadableWarning(config, "the built-in path is shown");
  EXPECT_EQ(warning.rfind("contract " + dir.Join("gone.yaml") + ": ", 0), 0u) << warning;
  EXPECT_EQ(warning.substr(warning.size() - 28), "; the built-in path is shown") << warning;
  EXPECT_EQ(good->UnreadableWarning(config, "unused"), "");
}

TEST(ConfigLoaderTest, ShippedExamplesLoad) {
  for (const char* f : {"/examples/demo/rollgate.yaml", "/examples/cometapi/rollgate.yaml"}) {
    Result<Config> cfg = LoadConfig(std::string(ROLLGATE_SOURCE_DIR) + f);
    EXPECT_OK(cfg);
    if (cfg.ok()) {
      EXPECT_OK(LoadContract(cfg->contract_path));
    }
  }
}

}  // namespace
}  // namespace rollgate::internal

namespace rollgate::internal {
namespace {

TEST(ConfigLoaderTest, AppProbesLogsFallbackAndExpectedDifferences) {
  const char* yaml = R"(service: s
expect_differences: [model, timeout_ms]
releases:
  new:
    version: '2'
    probe: exec
    command: [kubectl, exec, deploy/app-v2, --, app, smoke]
    command_timeout_ms: 9000
    logs: {command: [kubectl, logs, deploy/app-v2, --since=2m], require: [version, route]}
  rollback:
    version: '1'
    probe: http
    url: http://127.0.0.1:8080/smoke
    method: POST
    body: '{}'
    base_url: https://api.cometapi.com
    api_key: {env: KEY}
    model: gpt-4o-mini
    fallback: {model: gpt-4o, on: [503, model_not_found]}
)";
  Result<Config> cfg = ParseConfig(yaml, "rollgate.yaml");
  ASSERT_OK(cfg);
  const ReleaseConfig& n = *cfg->FindRelease("new");
  EXPECT_EQ(n.probe, ProbeKind::kExec);
  EXPECT_EQ(n.exec.command.size(), 6u);
  EXPECT_EQ(n.exec.timeout_ms, 9000);
  EXPECT_FALSE(n.has_base_url);
  ASSERT_TRUE(n.logs.has_value());
  EXPECT_EQ(n.logs->require, (std::vector<std::string>{"version", "route"}));
  const ReleaseConfig& r = *cfg->FindRelease("rollback");
  EXPECT_EQ(r.http.url, "http://127.0.0.1:8080/smoke");
  EXPECT_EQ(r.http.method, "POST");
  EXPECT_TRUE(r.has_base_url);
  ASSERT_TRUE(r.fallback.has_value());
  EXPECT_EQ(r.fallback->on_status, std::vector<int>{503});
  EXPECT_EQ(r.fallback->on_codes, std::vector<std::string>{"model_not_found"});
  EXPECT_FALSE(r.fallback->block_on_fallback);
  EXPECT_EQ(cfg->expect_differences.size(), 2u);
}

TEST(ConfigLoaderTest, AppProbeKeysAreCheckedPerKind) {
  auto error = [](const std::string& yaml) {
    Result<Config> cfg = ParseConfig(yaml, "rollgate.yaml");
    return cfg.ok() ? std::string("accepted") : cfg.status().message();
  };
  std::string base =
      "service: s\nreleases:\n  rollback: {version: '1', base_url: 'http://127.0.0.1:1', api_key: "
      "k, model: m}\n";
  EXPECT_NE(error(base + "  new: {version: '2', probe: exec}\n").find("needs command"),
            std::string::npos);
  EXPECT_NE(error(base + "  new: {version: '2', probe: ssh}\n").find("use direct, http or exec"),
            std::string::npos);
  EXPECT_NE(error(base + "  new: {version: '2', probe: http, url: ftp://x}\n")
                .find("http:// or https://"),
            std::string::npos);
  EXPECT_NE(
      error(base + "  new: {version: '2', url: http://x, base_url: y, api_key: k, model: m}\n")
          .find("only a `probe: http` release takes it"),
      std::string::npos);
  EXPECT_NE(
      error(base +
            "  new: {version: '2', probe: exec, command: [x]}\nexpect_differences: [colour]\n")
          .find("'colour' is not a compared field"),
      std::string::npos);
}

}  // namespace
}  // namespace rollgate::internal

namespace rollgate::internal {
namespace {

TEST(ConfigLoaderTest, HistoryScheduleAndServe) {
  std::string base =
      "service: s\nreleases:\n  new: {version: '2', base_url: 'http://127.0.0.1:1', api_key: k, "
      "model: m}\n"
      "  rollback: {version: '1', base_url: 'http://127.0.0.1:1', api_key: k, model: m}\n";
  Result<Config> cfg = ParseConfig(
      base +
          "history: {db: state/history.db}\n"
          "schedule: {every: 10m, jitter: 30s, max_runs_per_day: 144, max_tokens_per_day: 20000}\n"
          "serve: {token: {env: SERVE_TOKEN}, max_result_age: 5m, listen: 127.0.0.1:9464}\n",
      "/etc/rollgate/rollgate.yaml");
  ASSERT_OK(cfg);
  EXPECT_EQ(cfg->history->db, "/etc/rollgate/state/history.db");
  EXPECT_EQ(cfg->schedule->every_ms, 600000);
  EXPECT_EQ(cfg->schedule->jitter_ms, 30000);
  EXPECT_EQ(cfg->schedule->max_tokens_per_day, 20000);
  EXPECT_EQ(cfg->serve->max_result_age_ms, 300000);
  EXPECT_EQ(cfg->serve->token->name, "SERVE_TOKEN");
  Result<Config> bad = ParseConfig(base + "schedule: {every: often}\n", "rollgate.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("schedule.every: 'often' is not a duration"),
            std::string::npos);
  Result<Config> fast = ParseConfig(base + "schedule: {every: 1s}\n", "rollgate.yaml");
  ASSERT_FALSE(fast.ok());
  EXPECT_NE(fast.status().message().find("out of range"), std::string::npos);
}

TEST(ConfigLoaderTest, LogsFromAFileWithFieldsAndPatterns) {
  auto parse = [](const std::string& logs) {
    return ParseConfig(
        "service: s\nreleases:\n  rollback: {version: '1', base_url: 'http://127.0.0.1:1', "
        "api_key: k, "
        "model: m}\n  new:\n    version: '2'\n    base_url: 'http://127.0.0.1:1'\n    api_key: k\n"
        "    model: m\n    logs: " +
            logs + "\n",
        "rollgate.yaml");
  };
  Result<Config> cfg = parse(
      "{file: logs/app.log, require: [version, status], fields: {version: app.ver}, "
      "patterns: {status: 'status=[0-9]{3}'}, max_bytes: 65536}");
  ASSERT_OK(cfg);
  const LogsConfig& logs = *cfg->FindRelease("new")->logs;
  EXPECT_EQ(logs.file, "logs/app.log");
  EXPECT_TRUE(logs.command.empty());
  EXPECT_EQ(logs.fields.at("version"), "app.ver");
  EXPECT_EQ(logs.patterns.at("status"), "status=[0-9]{3}");
  EXPECT_EQ(logs.max_bytes, 65536u);

  auto error = [&](const std::string& logs_yaml) {
    Result<Config> c = parse(logs_yaml);
    return c.ok() ? std::string("accepted") : c.status().message();
  };
  // A bad regular expression is a configuration error naming the key.
  std::string bad = error("{file: app.log, require: [status], patterns: {status: 'status=([0-9'}}");
  EXPECT_NE(bad.find("releases.new.logs.patterns.status"), std::string::npos) << bad;
  EXPECT_NE(bad.find("not a valid regular expression"), std::string::npos) << bad;
  EXPECT_NE(error("{file: app.log, command: [tail, app.log]}").find("either command or file"),
            std::string::npos);
  EXPECT_NE(error("{require: [version]}").find("releases.new.logs.command"), std::string::npos);
  EXPECT_NE(error("{file: ''}").find("the path is empty"), std::string::npos);
  std::string stray = error("{file: app.log, require: [version], fields: {route: path}}");
  EXPECT_NE(stray.find("releases.new.logs.fields.route"), std::string::npos) << stray;
  EXPECT_NE(stray.find("not in require"), std::string::npos) << stray;
  EXPECT_NE(error("{file: app.log, max_bytes: 10}").find("max_bytes"), std::string::npos);
}

TEST(ConfigLoaderTest, SettingSourcesSayWhereEachSettingCameFrom) {
  Result<Config> cfg = ParseConfig(
      "service: s\nprompt: {max_tokens: 64}\ndefaults:\n  timeout_ms: 9000\n  retry: "
      "{max_attempts: 3}\n"
      "releases:\n  rollback: {version: '1', base_url: 'http://127.0.0.1:1', api_key: k, model: "
      "m}\n"
      "  new:\n    version: '2'\n    base_url: 'http://127.0.0.1:1'\n    api_key: k\n    model: m\n"
      "    timeout_ms: 5000\n    fallback: {model: m2, on: [503], block_on_fallback: true}\n",
      "rollgate.yaml");
  ASSERT_OK(cfg);
  const ReleaseConfig& n = *cfg->FindRelease("new");
  EXPECT_EQ(n.setting_sources.at("timeout_ms"), "releases.new (line 13)");
  EXPECT_EQ(n.setting_sources.at("retry"), "defaults (line 5)");
  EXPECT_EQ(n.setting_sources.at("prompt"), "prompt (line 2)");
  EXPECT_EQ(n.setting_sources.count("stream"), 0u);  // the built-in default
  EXPECT_TRUE(n.fallback->block_on_fallback);
  EXPECT_EQ(cfg->FindRelease("rollback")->setting_sources.at("timeout_ms"), "defaults (line 4)");
}

}  // namespace
}  // namespace rollgate::internal
