// The observation pass (app_observe.h) as an embedder runs it: each app's smoke command is found
// and started through the rehearsal's Environment, with the variables that point its client at
// the mock added.
#include "rehearse/app_observe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

// The process's environment, counting the commands started with a mock URL in APP_BASE_URL.
class ObserveCountingEnvironment : public Environment {
 public:
  std::optional<std::string> GetEnv(const std::string& name) const override {
    return ProcessEnvironment().GetEnv(name);
  }
  Result<std::string> ReadFile(const std::string& path) const override {
    return ProcessEnvironment().ReadFile(path);
  }
  Result<CommandResult> Run(const std::vector<std::string>& argv,
                            const CommandOptions& options) const override {
    const std::string prefix = "APP_BASE_URL=http://127.0.0.1:";
    if (std::any_of(options.extra_env.begin(), options.extra_env.end(),
                    [&](const std::string& e) { return e.rfind(prefix, 0) == 0; })) {
      ++app_runs;
    }
    return ProcessEnvironment().Run(argv, options);
  }
  Result<std::string> FindProgram(const std::string& program,
                                  const std::string& base_dir) const override {
    return ProcessEnvironment().FindProgram(program, base_dir);
  }
  mutable std::atomic<int> app_runs{0};
};

ValueSource ObserveEnvSource(const std::string& name) {
  ValueSource s;
  s.kind = ValueSource::Kind::kEnv;
  s.name = name;
  return s;
}

TEST(RehearseObserveTest, EachAppIsStartedThroughTheRehearsalsEnvironment) {
  rollgate::testing::TempDir dir;
  Config config;
  config.dir = dir.path();
  ReleaseConfig rel;
  rel.name = "new";
  rel.probe = ProbeKind::kExec;
  rel.exec.command = {"sh", "-c", "exit 0"};  // answers nothing: only how it was started counts
  rel.has_base_url = true;
  rel.base_url = ObserveEnvSource("APP_BASE_URL");
  rel.api_key = ObserveEnvSource("APP_KEY");
  rel.timeout_ms = 1000;
  config.releases.push_back(rel);
  ObserveCountingEnvironment env;
  ObserveContext ctx;
  ctx.config = &config;
  ctx.plans["new"] = PlanApp(rel, "/v1/chat/completions");
  ASSERT_TRUE(ctx.plans["new"].through_app) << ctx.plans["new"].reason;
  ctx.keys["new"] = "sk-rehearse-observe-3b9d";
  ctx.work_dir = dir.path();
  ctx.env = &env;
  std::vector<AppReport> reports;
  ASSERT_OK(ObserveApps(ctx, 4, &reports));
  EXPECT_EQ(env.app_runs.load(), static_cast<int>(ObserveCases(rel, ctx.plans["new"]).size()));
}

}  // namespace
}  // namespace rollgate::internal
