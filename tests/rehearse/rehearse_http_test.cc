// `rollgate rehearse` and `probe: http` releases (issue 13): with `rehearse: {command:}` the
// release's own server is started locally, its client pointed at the mode's mock, rehearsed
// through its smoke route and stopped; without it the release is probed directly and says what
// to add. A streaming http release is also hung up on mid-stream, and the mock tells whether
// the app stopped its own upstream call.
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "config/loader.h"
#include "rehearse/app_observe.h"
#include "rehearse/app_plan.h"
#include "rehearse/app_rows.h"
#include "rehearse/local_instance.h"
#include "rehearse/rehearse.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

// The app's `apps[]` entry, as `rollgate rehearse --json` writes it.
nlohmann::ordered_json AppEntry(const AppReport& app) {
  RehearseReport report;
  report.apps = {app};
  return nlohmann::ordered_json::parse(RenderRehearseJson(report))["apps"][0];
}

const char kHttpRehearseContract[] =
    "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
    "/v1/chat/completions}\n"
    "request_fields: [model, messages, temperature, max_tokens]\n";

// The sample app's config for one release: its client reads APP_BASE_URL and APP_KEY.
void WriteHttpSampleAppConfig(const rollgate::testing::TempDir& dir, const std::string& name,
                              const std::string& version, int timeout_ms) {
  dir.Write(
      name + ".json",
      "{\"version\": \"" + version +
          "\", \"base_url\": {\"env\": \"APP_BASE_URL\"}, \"api_key\": {\"env\": \"APP_KEY\"}, "
          "\"model_alias\": \"fast\", \"models\": {\"fast\": \"gpt-4o-mini\"}, "
          "\"timeout_ms\": " +
          std::to_string(timeout_ms) + "}\n");
}

// `new` is an http release of the sample app's serve mode started by `rehearse.command`
// (through sh, which records each instance's pid in pids.txt and execs the app, so the pid is
// the app's); `rollback` an exec release of the same app.
std::string WriteHttpSetup(const rollgate::testing::TempDir& dir, const std::string& new_extra,
                           bool with_command = true, const std::string& serve_flags = "",
                           int app_timeout_ms = 2500) {
  WriteHttpSampleAppConfig(dir, "new", "2.4.0", app_timeout_ms);
  WriteHttpSampleAppConfig(dir, "rollback", "2.3.1", 2500);
  dir.Write("contract.yaml", kHttpRehearseContract);
  std::string app = ROLLGATE_SAMPLE_APP;
  std::string serve = "echo $$ >> pids.txt; exec '" + app +
                      "' serve --config new.json --listen 127.0.0.1:{port}" + serve_flags;
  return dir.Write(
      "rollgate.yaml",
      "service: s\ncontract: contract.yaml\n"
      "defaults: {timeout_ms: 4000, connect_timeout_ms: 2000, stream_idle_timeout_ms: 3000,\n"
      "           retry: {max_attempts: 2, backoff_ms: 100}, command_timeout_ms: 60000}\n"
      "thresholds: {max_latency_ms: 120000}\n"
      "expect_differences: [probe, method]\n"
      "releases:\n"
      "  new: {version: '2.4.0', probe: http, url: 'http://127.0.0.1:1/smoke', model: "
      "gpt-4o-mini,\n"
      "        base_url: {env: APP_BASE_URL}, api_key: {env: APP_KEY}" +
          new_extra +
          (with_command ? ",\n        rehearse: {command: [sh, -c, \"" + serve + "\"]}" : "") +
          "}\n"
          "  rollback: {version: '2.3.1', probe: exec, command: ['" +
          app +
          "', smoke, --config, rollback.json],\n"
          "        base_url: {env: APP_BASE_URL}, api_key: {env: APP_KEY}, model: gpt-4o-mini}\n");
}

std::vector<pid_t> HttpInstancePids(const rollgate::testing::TempDir& dir) {
  std::vector<pid_t> pids;
  std::ifstream in(dir.Join("pids.txt"));
  for (long p = 0; in >> p;) pids.push_back(static_cast<pid_t>(p));
  return pids;
}

const AppReport* HttpAppOf(const RehearseReport& report, const std::string& release) {
  for (const auto& a : report.apps) {
    if (a.release == release) return &a;
  }
  return nullptr;
}

TEST(RehearseHttpTest, AnHttpReleaseIsRehearsedThroughALocalInstanceThatIsStoppedAfterwards) {
  rollgate::testing::TempDir dir;
  RehearseOptions options;
  options.config_path = WriteHttpSetup(dir, "");
  options.sample_app = ROLLGATE_SAMPLE_APP;
  options.parallel = 8;
  RehearseReport report;
  ASSERT_OK(Rehearse(options, &report));
  const AppReport* app = HttpAppOf(report, "new");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->through, "app") << app->reason;
  EXPECT_NE(app->reason.find("local instance"), std::string::npos) << app->reason;
  ASSERT_TRUE(app->observed) << ::testing::PrintToString(app->notes);
  // The mock saw the app's own client (the sample app's libcurl), not rollgate's probe.
  EXPECT_EQ(app->client.sdk, "libcurl") << app->client.user_agent;
  EXPECT_NE(app->client.user_agent.find("libcurl"), std::string::npos) << app->client.user_agent;
  EXPECT_EQ(app->attempts.at("401"), 1);
  for (const auto& r : report.rows) {
    EXPECT_EQ(r.detail.find("not rehearsed"), std::string::npos) << r.mode << ": " << r.detail;
    if (r.mode == "ok") {
      EXPECT_EQ(r.result, RehearseResult::kCaught) << r.detail;
    }
  }
  std::string json = RenderRehearseJson(report);
  EXPECT_NE(json.find("\"through\": \"app\""), std::string::npos);
  // Every instance it started (one per mode and per observed case) is gone: stopped and reaped.
  std::vector<pid_t> pids = HttpInstancePids(dir);
  EXPECT_GT(pids.size(), 5u);
  for (pid_t pid : pids) {
    errno = 0;
    EXPECT_EQ(::kill(pid, 0), -1) << "instance pid " << pid << " still exists";
    EXPECT_EQ(errno, ESRCH) << pid;
  }
}

TEST(RehearseHttpTest, AnHttpReleaseWithoutACommandIsDirectAndSaysWhatToAdd) {
  rollgate::testing::TempDir dir;
  Result<Config> config = LoadConfig(WriteHttpSetup(dir, "", /*with_command=*/false));
  ASSERT_OK(config.status());
  AppPlan plan = PlanApp(*config->FindRelease("new"), "/v1/chat/completions");
  EXPECT_FALSE(plan.through_app);
  EXPECT_NE(plan.reason.find("probe: http rehearsed as direct"), std::string::npos) << plan.reason;
  EXPECT_NE(plan.reason.find("add rehearse: {command: [argv...]} to releases.new"),
            std::string::npos)
      << plan.reason;
  EXPECT_NE(plan.reason.find("ROLLGATE_REHEARSE_PORT"), std::string::npos) << plan.reason;
  AppReport report;
  report.release = "new";
  report.reason = plan.reason;
  EXPECT_EQ(AppEntry(report)["through"], "direct");
}

TEST(RehearseHttpTest, AnInstanceThatExitsAtOnceIsAClearErrorNamingTheCommand) {
  rollgate::testing::TempDir dir;
  LocalInstance instance;
  LocalInstanceOptions o;
  o.release = "releases.new";
  o.command = {"sh", "-c", "echo cannot bind >&2; exit 3"};
  o.dir = dir.path();
  Status st = instance.Start(o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(
      st.message().find("releases.new's rehearse.command (sh -c echo cannot bind >&2; exit 3)"),
      std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("exited before it accepted connections (exit code 3)"),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("cannot bind"), std::string::npos) << st.message();

  // In a rehearsal: every row says it was not rehearsed, and why.
  std::string path = dir.Write(
      "cfg/rollgate.yaml",
      "service: s\nreleases:\n"
      "  new: {version: '1', probe: http, url: 'http://127.0.0.1:1/smoke', model: m,\n"
      "        base_url: {env: APP_BASE_URL}, api_key: {env: APP_KEY},\n"
      "        rehearse: {command: [sh, -c, 'exit 3']}}\n"
      "  rollback: {version: '0', base_url: 'http://127.0.0.1:1', api_key: k, model: m}\n");
  RehearseOptions options;
  options.config_path = path;
  options.parallel = 4;
  RehearseReport report;
  ASSERT_OK(Rehearse(options, &report));
  int not_rehearsed = 0;
  for (const auto& r : report.rows) {
    if (r.result == RehearseResult::kNotApplicable) continue;
    EXPECT_EQ(r.result, RehearseResult::kMissed) << r.mode;
    EXPECT_NE(r.detail.find("not rehearsed: releases.new's rehearse.command (sh -c exit 3) exited"),
              std::string::npos)
        << r.mode << ": " << r.detail;
    ++not_rehearsed;
  }
  EXPECT_GT(not_rehearsed, 5);
}

TEST(RehearseHttpTest, TheLoaderValidatesTheRehearseCommand) {
  rollgate::testing::TempDir dir;
  auto load = [&](const std::string& rehearse,
                  const std::string& probe = "probe: http, url: 'http://h/smoke'") {
    return ParseConfig("service: s\nreleases:\n  new: {version: '1', " + probe +
                           ", base_url: {env: B}, api_key: {env: K},\n    rehearse: " + rehearse +
                           "}\n  rollback: {version: '0', base_url: 'http://127.0.0.1:1', api_key: "
                           "k, model: m}\n",
                       dir.Join("rollgate.yaml"))
        .status();
  };
  EXPECT_OK(load("{command: [./app, serve]}"));
  EXPECT_OK(load("{command: [./app], base_url_env: X, api_key_env: Y}"));
  Status unknown = load("{command: [./app], comand: [x]}");
  EXPECT_NE(unknown.message().find("rollgate.yaml"), std::string::npos) << unknown.message();
  EXPECT_NE(unknown.message().find("comand"), std::string::npos) << unknown.message();
  Status wrong_type = load("{command: ./app serve}");
  EXPECT_NE(wrong_type.message().find("releases.new.rehearse.command"), std::string::npos)
      << wrong_type.message();
  EXPECT_NE(wrong_type.message().find("list"), std::string::npos) << wrong_type.message();
  Status missing = load("{base_url_env: X, api_key_env: Y}");
  EXPECT_NE(missing.message().find("releases.new.rehearse.command: required"), std::string::npos)
      << missing.message();
  Status half = load("{command: [./app], base_url_env: X}");
  EXPECT_NE(half.message().find("both base_url_env and api_key_env"), std::string::npos)
      << half.message();
  Status on_exec =
      load("{command: [./app], base_url_env: X, api_key_env: Y}", "probe: exec, command: [./app]");
  EXPECT_NE(on_exec.message().find("only a `probe: http` release"), std::string::npos)
      << on_exec.message();
}

// The observation pass alone for a streaming http release: the disconnect case.
AppReport ObserveHttpDisconnect(const rollgate::testing::TempDir& dir,
                                const std::string& serve_flags) {
  Result<Config> config =
      LoadConfig(WriteHttpSetup(dir, ", stream: true", true, serve_flags, 8000));
  EXPECT_OK(config.status());
  if (!config.ok()) return {};
  config->releases.erase(config->releases.begin() + 1);  // rollback: not needed here
  ObserveContext ctx;
  ctx.config = &*config;
  ctx.plans["new"] = PlanApp(config->releases[0], "/v1/chat/completions");
  EXPECT_TRUE(ctx.plans["new"].through_app) << ctx.plans["new"].reason;
  ctx.keys["new"] = "sk-rehearse-http-7c1d2e3f";
  ctx.work_dir = dir.path();
  std::vector<AppReport> reports;
  EXPECT_OK(ObserveApps(ctx, 6, &reports));
  return reports.empty() ? AppReport{} : reports[0];
}

TEST(RehearseHttpTest, AnAppThatStopsItsUpstreamCallWhenItsUserLeavesPropagatesTheDisconnect) {
  rollgate::testing::TempDir dir;
  AppReport app = ObserveHttpDisconnect(dir, "");
  ASSERT_TRUE(app.disconnect.has_value()) << ::testing::PrintToString(app.notes);
  EXPECT_TRUE(app.disconnect->propagated);
  ASSERT_TRUE(app.disconnect->upstream_closed_ms.has_value());
  EXPECT_LT(*app.disconnect->upstream_closed_ms, kDisconnectWindowMs);
  nlohmann::ordered_json j = AppEntry(app);
  EXPECT_EQ(j["disconnect"]["propagated"], true);
  EXPECT_TRUE(j["disconnect"]["upstream_closed_ms"].is_number());
  RehearseReport report;
  report.apps = {app};
  EXPECT_NE(RenderRehearseTable(report, false)
                .find("disconnect      propagated: the app closed its upstream call"),
            std::string::npos)
      << RenderRehearseTable(report, false);
}

TEST(RehearseHttpTest, AnAppThatKeepsItsUpstreamCallOpenGetsANote) {
  rollgate::testing::TempDir dir;
  AppReport app = ObserveHttpDisconnect(dir, " --keep-upstream-on-disconnect");
  ASSERT_TRUE(app.disconnect.has_value()) << ::testing::PrintToString(app.notes);
  EXPECT_FALSE(app.disconnect->propagated);
  EXPECT_FALSE(app.disconnect->upstream_closed_ms.has_value());
  nlohmann::ordered_json j = AppEntry(app);
  EXPECT_EQ(j["disconnect"]["propagated"], false);
  EXPECT_TRUE(j["disconnect"]["upstream_closed_ms"].is_null());
  bool noted = false;
  for (const auto& n : app.notes)
    noted = noted || n.find("kept its upstream call to the provider open") != std::string::npos;
  EXPECT_TRUE(noted) << ::testing::PrintToString(app.notes);
  RehearseReport report;
  report.apps = {app};
  EXPECT_NE(RenderRehearseTable(report, false).find("NOT propagated"), std::string::npos);
}

}  // namespace
}  // namespace rollgate::internal
