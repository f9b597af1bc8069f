// How each release is reached in a rehearsal: through its app when its client's variables can be
// pointed at the mock, else directly, saying why.
#include "rehearse/app_plan.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "config/loader.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

ValueSource PlanEnv(const std::string& name, bool file = false) {
  ValueSource s;
  s.kind = file ? ValueSource::Kind::kEnvFile : ValueSource::Kind::kEnv;
  s.name = name;
  return s;
}

ReleaseConfig PlanExec(ValueSource base, ValueSource key) {
  ReleaseConfig r;
  r.name = "rollback";
  r.probe = ProbeKind::kExec;
  r.exec.command = {"app", "smoke"};
  r.base_url = std::move(base);
  r.api_key = std::move(key);
  return r;
}

TEST(RehearseAppPlanTest, EnvSourcesGoThroughTheApp) {
  AppPlan p =
      PlanApp(PlanExec(PlanEnv("APP_BASE_URL"), PlanEnv("APP_KEY")), "/v1/chat/completions");
  EXPECT_TRUE(p.through_app) << p.reason;
  EXPECT_EQ(p.base_url_env, "APP_BASE_URL");
  EXPECT_EQ(p.api_key_env, "APP_KEY");
  EXPECT_EQ(p.base_suffix, "");
  // Where the variable resolves, its value says whether the client wants /v1.
  EXPECT_EQ(PlanApp(PlanExec(PlanEnv("APP_BASE_URL"), PlanEnv("APP_KEY")), "/v1/chat/completions",
                    "https://gw.example/v1/")
                .base_suffix,
            "/v1");
  std::vector<std::string> vars =
      AppVariables(p, "http://127.0.0.1:9/_session/a-rollback", "sk-k", "/nonexistent");
  EXPECT_EQ(vars, (std::vector<std::string>{"APP_BASE_URL=http://127.0.0.1:9/_session/a-rollback",
                                            "APP_KEY=sk-k"}));
}

TEST(RehearseAppPlanTest, EnvFileSourcesGetAFileAndAV1SuffixFollowsThePath) {
  rollgate::testing::TempDir dir;
  ReleaseConfig rel = PlanExec(PlanEnv("OPENAI_BASE_URL"), PlanEnv("OPENAI_API_KEY_FILE", true));
  // OPENAI_BASE_URL ends in /v1, as the official SDKs want it.
  AppPlan p = PlanApp(rel, "/v1/chat/completions");
  ASSERT_TRUE(p.through_app) << p.reason;
  EXPECT_EQ(p.base_suffix, "/v1");
  EXPECT_NE(p.reason.find("{env_file:}"), std::string::npos) << p.reason;
  std::vector<std::string> vars = AppVariables(p, "http://m/_session/x", "sk-file-key", dir.path());
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[0], "OPENAI_BASE_URL=http://m/_session/x/v1");
  ASSERT_EQ(vars[1], "OPENAI_API_KEY_FILE=" + dir.Join("rollback.api_key"));
  Result<std::string> key = ReadFileToString(dir.Join("rollback.api_key"));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "sk-file-key\n");
}

TEST(RehearseAppPlanTest, OtherSourcesNeedARehearseBlockElseDirectWithTheReason) {
  ValueSource file;
  file.kind = ValueSource::Kind::kFile;
  file.path = "/run/secrets/key";
  ReleaseConfig rel = PlanExec(PlanEnv("APP_BASE_URL"), file);
  AppPlan p = PlanApp(rel, "/v1/chat/completions");
  EXPECT_FALSE(p.through_app);
  EXPECT_NE(p.reason.find("reads api_key from {file:}"), std::string::npos) << p.reason;
  EXPECT_NE(p.reason.find("rehearse: {base_url_env: NAME, api_key_env: NAME}"), std::string::npos)
      << p.reason;

  rel.rehearse = RehearseAppConfig{};
  rel.rehearse->base_url_env = "OPENAI_BASE_URL";
  rel.rehearse->api_key_env = "OPENAI_API_KEY";
  p = PlanApp(rel, "/v1/chat/completions");
  EXPECT_TRUE(p.through_app) << p.reason;
  EXPECT_EQ(p.api_key_env, "OPENAI_API_KEY");

  ReleaseConfig direct;
  direct.name = "new";
  EXPECT_FALSE(PlanApp(direct, "/v1/chat/completions").through_app);
  ReleaseConfig no_provider = PlanExec(ValueSource{}, ValueSource{});
  no_provider.has_base_url = false;
  EXPECT_NE(PlanApp(no_provider, "/v1/chat/completions").reason.find("has no base_url and api_key"),
            std::string::npos);
}

TEST(RehearseAppPlanTest, TheRehearseBlockIsParsedAndCheckedByTheLoader) {
  const std::string head =
      "service: s\nreleases:\n  new: {version: '1', base_url: http://127.0.0.1:1, api_key: k, "
      "model: m}\n"
      "  rollback: {version: '1', probe: exec, command: [app, smoke]";
  Result<Config> ok = ParseConfig(
      head + ", rehearse: {base_url_env: OPENAI_BASE_URL, api_key_env: OPENAI_API_KEY}}\n",
      "/tmp/rollgate.yaml");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  ASSERT_TRUE(ok->releases[1].rehearse.has_value());
  EXPECT_EQ(ok->releases[1].rehearse->api_key_env, "OPENAI_API_KEY");
  Result<Config> half =
      ParseConfig(head + ", rehearse: {base_url_env: OPENAI_BASE_URL}}\n", "/tmp/rollgate.yaml");
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.status().message().find("releases.rollback.rehearse"), std::string::npos)
      << half.status().message();
  Result<Config> direct = ParseConfig(
      "service: s\nreleases:\n  new: {version: '1', base_url: http://127.0.0.1:1, api_key: k, "
      "model: m,"
      " rehearse: {base_url_env: A, api_key_env: B}}\n  rollback: {version: '1', base_url: "
      "http://127.0.0.1:1,"
      " api_key: k, model: m}\n",
      "/tmp/rollgate.yaml");
  ASSERT_FALSE(direct.ok());
  EXPECT_NE(direct.status().message().find("only a `probe: exec` release"), std::string::npos)
      << direct.status().message();
}

TEST(RehearseAppPlanTest, TheEnvironmentAddsARelease_sVariablesOnlyToItsCommands) {
  RehearsalEnvironment env(SystemEnvironment::Get(), {{"rollback", {"APP_MARK=rolled"}}});
  CommandOptions o;
  o.extra_env = {"ROLLGATE_RELEASE=rollback"};
  Result<CommandResult> r = env.Run({"/bin/sh", "-c", "printf %s \"$APP_MARK\""}, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "rolled");
  o.extra_env = {"ROLLGATE_RELEASE=new"};
  r = env.Run({"/bin/sh", "-c", "printf %s \"${APP_MARK:-unset}\""}, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "unset");
}

}  // namespace
}  // namespace rollgate::internal
