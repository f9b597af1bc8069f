// EnvironmentWithVars: what it reads and what the commands it starts see.
#include "rollgate/environment.h"

#include <gtest/gtest.h>

#include "testutil/status_matchers.h"

namespace rollgate {
namespace {

TEST(EnvironmentWithVarsTest, ACommandSeesTheVarsAndTheCallersOwnSettingsWin) {
  EnvironmentWithVars env;
  env.vars["RG_EWV_ONLY_HERE"] = "from-vars";
  env.vars["RG_EWV_BOTH"] = "vars-loses";
  EXPECT_EQ(env.GetEnv("RG_EWV_ONLY_HERE").value_or(""), "from-vars");
  EXPECT_EQ(env.GetEnv("PATH"), ProcessEnvironment().GetEnv("PATH"));

  CommandOptions options;
  options.extra_env = {"RG_EWV_BOTH=caller-wins"};
  Result<CommandResult> r =
      env.Run({"/bin/sh", "-c",
               "printf '%s|%s|%s' \"$RG_EWV_ONLY_HERE\" \"$RG_EWV_BOTH\" \"${PATH:+path}\""},
              options);
  ASSERT_OK(r);
  EXPECT_TRUE(r->succeeded()) << r->err;
  EXPECT_EQ(r->out, "from-vars|caller-wins|path");
}

}  // namespace
}  // namespace rollgate
