// The two binaries: `rollgate` hands mock, demo, rehearse and serve to the `rollgate-server`
// beside it (src/cli/server_commands.h). These tests hold the hand-over (help and errors as if
// rollgate answered), the clear error when rollgate-server is missing, and what the hand-over
// is for: `rollgate` loads no HTTP server, YAML, TOML or SQLite shared library.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "base/subprocess.h"
#include "e2e/e2e_util.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

TEST(ServerForwardTest, ServerCommandHelpComesFromRollgateServerUnderRollgatesName) {
  CliRun run = RunRollgate({"mock", "--help"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  // mock's own options, which only rollgate-server registers, under the name the user typed.
  EXPECT_NE(run.out.find("--scenario-for-key"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(std::string(ROLLGATE_BINARY) + " mock [OPTIONS]"), std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("rollgate-server"), std::string::npos) << run.out;
}

TEST(ServerForwardTest, ServerCommandArgumentsReachRollgateServerUnparsed) {
  // rollgate-server parses them: a bad scenario is refused with mock's own message, exit 2.
  CliRun run = RunRollgate({"mock", "--listen", "127.0.0.1:0", "--scenario", "no-such-scenario"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--scenario: no-such-scenario not in {ok,rotated-key"), std::string::npos)
      << run.err;
}

TEST(ServerForwardTest, MissingRollgateServerIsAClearErrorAndTheProbePathStillWorks) {
  TempDir dir;
  const std::string alone = dir.Join("rollgate");
  std::filesystem::copy_file(ROLLGATE_BINARY, alone);
  std::filesystem::permissions(alone, std::filesystem::perms::owner_all);

  internal::CommandOptions opts;
  opts.timeout_ms = 30000;
  Result<internal::CommandResult> mock =
      internal::RunCommand({alone, "mock", "--listen", "127.0.0.1:0"}, opts);
  ASSERT_TRUE(mock.ok()) << mock.status().message();
  EXPECT_EQ(mock->exit_code, 2) << mock->Describe(opts.timeout_ms);
  EXPECT_NE(mock->err.find("`rollgate mock` runs in rollgate-server"), std::string::npos)
      << mock->err;
  EXPECT_NE(mock->err.find(dir.Join("rollgate-server")), std::string::npos) << mock->err;
  EXPECT_NE(mock->err.find("No such file or directory"), std::string::npos) << mock->err;
  EXPECT_NE(mock->err.find("docs/install.md"), std::string::npos) << mock->err;

  // The probe path needs nothing beside the binary.
  Result<internal::CommandResult> diff =
      internal::RunCommand({alone, "diff", "--config", dir.Join("missing.yaml")}, opts);
  ASSERT_TRUE(diff.ok());
  EXPECT_EQ(diff->exit_code, 2);
  EXPECT_NE(diff->err.find("missing.yaml"), std::string::npos) << diff->err;
  EXPECT_EQ(diff->err.find("rollgate-server"), std::string::npos) << diff->err;
}

TEST(ServerForwardTest, ASymlinkedRollgateFindsRollgateServerBesideTheRealFile) {
  TempDir dir;
  const std::string link = dir.Join("rollgate");
  std::filesystem::create_symlink(ROLLGATE_BINARY, link);
  internal::CommandOptions opts;
  opts.timeout_ms = 30000;
  Result<internal::CommandResult> run = internal::RunCommand({link, "mock", "--help"}, opts);
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->exit_code, 0) << run->err;
  EXPECT_NE(run->out.find(link + " mock [OPTIONS]"), std::string::npos) << run->out;
}

// The layout of the Debian package and `make install` (docs/install.md): rollgate in
// <prefix>/bin, rollgate-server in <prefix>/lib/rollgate.
TEST(ServerForwardTest, AnInstalledRollgateFindsRollgateServerInLibRollgate) {
  TempDir dir;
  std::filesystem::create_directories(dir.Join("usr/bin"));
  std::filesystem::create_directories(dir.Join("usr/lib/rollgate"));
  const std::string rollgate = dir.Join("usr/bin/rollgate");
  std::filesystem::copy_file(ROLLGATE_BINARY, rollgate);
  std::filesystem::permissions(rollgate, std::filesystem::perms::owner_all);
  const std::string server =
      std::filesystem::path(ROLLGATE_BINARY).parent_path() / "rollgate-server";
  std::filesystem::create_symlink(server, dir.Join("usr/lib/rollgate/rollgate-server"));

  internal::CommandOptions opts;
  opts.timeout_ms = 30000;
  Result<internal::CommandResult> run = internal::RunCommand({rollgate, "mock", "--help"}, opts);
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->exit_code, 0) << run->err;
  EXPECT_NE(run->out.find("--scenario-for-key"), std::string::npos) << run->out;
  EXPECT_NE(run->out.find(rollgate + " mock [OPTIONS]"), std::string::npos) << run->out;

  // Without it, the error names both places that were tried.
  std::filesystem::remove(dir.Join("usr/lib/rollgate/rollgate-server"));
  run = internal::RunCommand({rollgate, "mock", "--help"}, opts);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 2);
  EXPECT_NE(run->err.find("neither " + dir.Join("usr/bin/rollgate-server") + " nor " +
                          dir.Join("usr/lib/rollgate/rollgate-server") + " can be run"),
            std::string::npos)
      << run->err;
}

TEST(ServerForwardTest, RollgateLoadsNoServerOrParserSharedLibraries) {
  internal::CommandOptions opts;
  opts.timeout_ms = 30000;
  Result<internal::CommandResult> elf =
      internal::RunCommand({"readelf", "-d", ROLLGATE_BINARY}, opts);
  ASSERT_TRUE(elf.ok() && elf->succeeded()) << (elf.ok() ? elf->err : elf.status().message());
  ASSERT_NE(elf->out.find("Shared library: [libcurl.so"), std::string::npos) << elf->out;
  for (const char* lib :
       {"libcpp-httplib", "libsqlite3", "libyaml-cpp", "libtomlplusplus", "libbrotli", "libssl"}) {
    EXPECT_EQ(elf->out.find(lib), std::string::npos) << lib << " in\n" << elf->out;
  }
  // Sanitizer builds keep libstdc++ shared (their runtime replaces operator new through it).
  if (ROLLGATE_STATIC_LIBSTDCXX) {
    EXPECT_EQ(elf->out.find("libstdc++"), std::string::npos) << elf->out;
  }
}

}  // namespace
}  // namespace rollgate::testing
