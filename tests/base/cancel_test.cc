// CancelToken, and the commands rollgate starts: a cancel ends them (their whole process group)
// at once, and nothing they leave running outlives them (`{command:}` value sources with a
// background child, issue 12).
#include "rollgate/cancel.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "base/cancellable_environment.h"
#include "base/environment.h"
#include "base/subprocess.h"
#include "config/resolver.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/wait_until.h"

namespace rollgate::internal {
namespace {

using testing::WaitUntil;

// Whether process `pid` is gone: no such process, or a zombie waiting for its reaper.
bool CancelTestProcessGone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  std::size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

TEST(CancelTokenTest, FirstCancelWinsRunsCallbacksAndWakesWaiters) {
  CancelToken token;
  int calls = 0;
  uint64_t id = token.AddCallback([&] { ++calls; });
  uint64_t removed = token.AddCallback([&] { calls += 100; });
  token.RemoveCallback(removed);
  EXPECT_FALSE(token.cancelled());
  EXPECT_FALSE(token.WaitFor(1));  // the whole (tiny) time passed
  auto waited = std::async(std::launch::async, [&] { return token.WaitFor(60000); });
  EXPECT_TRUE(token.Cancel(SIGTERM));
  EXPECT_TRUE(waited.get());  // woken, not timed out
  EXPECT_FALSE(token.Cancel(SIGINT));
  EXPECT_EQ(token.signal(), SIGTERM);
  EXPECT_EQ(calls, 1);
  token.RemoveCallback(id);  // harmless after the fact
  int late = 0;
  token.AddCallback([&] { ++late; });  // already cancelled: runs at once
  EXPECT_EQ(late, 1);
  EXPECT_TRUE(token.WaitFor(60000));
}

TEST(CancelTokenTest, RegistrationIsScopedAndNullIsFine) {
  CancelToken token;
  int calls = 0;
  {
    CancelRegistration r(&token, [&] { ++calls; });
  }
  CancelRegistration none(nullptr, [&] { ++calls; });
  token.Cancel();
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(token.signal(), 0);
  EXPECT_EQ(SignalName(SIGINT), "SIGINT");
  EXPECT_EQ(SignalName(SIGHUP), "SIGHUP");
  EXPECT_EQ(SignalName(0), "");
}

// `sleep 1000 &`: before issue 12 the command returned and its background child kept running.
TEST(SubprocessGroupTest, BackgroundChildDoesNotOutliveTheCommand) {
  for (const char* script : {"sleep 1000 >/dev/null 2>&1 & echo $!",  // lets go of our pipes
                             "sleep 1000 & echo $!"}) {               // keeps them open
    Result<CommandResult> r = RunCommand({"sh", "-c", script}, {});
    ASSERT_OK(r);
    EXPECT_TRUE(r->succeeded()) << script;
    pid_t child = static_cast<pid_t>(std::stol(r->out));
    EXPECT_LT(r->duration_ms, 2000) << script;
    EXPECT_TRUE(WaitUntil([&] { return CancelTestProcessGone(child); }, std::chrono::seconds(5)))
        << script << ": the background sleep (pid " << child << ") is still running";
  }
}

TEST(SubprocessGroupTest, ValueSourceCommandLeavesNothingRunning) {
  testing::TempDir dir;
  std::string pid_file = dir.Join("child.pid");
  ValueSource source;
  source.kind = ValueSource::Kind::kCommand;
  source.argv = {"sh", "-c",
                 "sleep 1000 >/dev/null 2>&1 & echo $! > " + pid_file + "; echo gpt-4o-mini"};
  Resolver resolver(SystemEnvironment::Get(), dir.path());
  ResolvedValue v = resolver.Resolve(source, /*secret=*/false);
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_EQ(v.value, "gpt-4o-mini");
  std::ifstream in(pid_file);
  pid_t child = 0;
  ASSERT_TRUE(in >> child);
  EXPECT_TRUE(WaitUntil([&] { return CancelTestProcessGone(child); }, std::chrono::seconds(5)))
      << "the value source's background child (pid " << child << ") is still running";
}

TEST(SubprocessGroupTest, CancelStopsTheWholeGroupAtOnce) {
  testing::TempDir dir;
  std::string pid_file = dir.Join("pids");
  CancelToken token;
  CommandOptions opts;
  opts.timeout_ms = 60000;
  opts.cancel = &token;
  auto running = std::async(std::launch::async, [&] {
    return RunCommand({"sh", "-c", "sleep 1000 & echo $$ $! > " + pid_file + "; wait"}, opts);
  });
  pid_t shell = 0, sleeper = 0;
  ASSERT_TRUE(WaitUntil([&] {
    std::ifstream in(pid_file);
    return static_cast<bool>(in >> shell >> sleeper);
  }));
  auto cancelled_at = std::chrono::steady_clock::now();
  token.Cancel(SIGINT);
  Result<CommandResult> r = running.get();
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - cancelled_at)
          .count();
  ASSERT_OK(r);
  EXPECT_TRUE(r->cancelled);
  EXPECT_FALSE(r->succeeded());
  EXPECT_EQ(r->Describe(60000), "stopped: rollgate was interrupted");
  EXPECT_LT(ms, 1000);
  EXPECT_TRUE(CancelTestProcessGone(shell));  // reaped before RunCommand returned
  EXPECT_TRUE(WaitUntil([&] { return CancelTestProcessGone(sleeper); }, std::chrono::seconds(5)));
}

TEST(SubprocessGroupTest, ACommandIgnoringSigtermIsKilledAfterAShortGrace) {
  testing::TempDir dir;
  std::string ready = dir.Join("ready");
  CancelToken token;
  CommandOptions opts;
  opts.timeout_ms = 60000;
  opts.cancel = &token;
  auto running = std::async(std::launch::async, [&] {
    // The trap is inherited: the sleep ignores SIGTERM too.
    return RunCommand({"sh", "-c", "trap '' TERM; : > " + ready + "; sleep 1000"}, opts);
  });
  ASSERT_TRUE(WaitUntil([&] { return std::ifstream(ready).good(); }));
  auto cancelled_at = std::chrono::steady_clock::now();
  token.Cancel(SIGTERM);
  Result<CommandResult> r = running.get();
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - cancelled_at)
          .count();
  ASSERT_OK(r);
  EXPECT_TRUE(r->cancelled);
  EXPECT_GE(ms, 250);   // SIGTERM was given its grace...
  EXPECT_LT(ms, 1000);  // ...then SIGKILL
}

TEST(SubprocessGroupTest, CancellableEnvironmentHandsTheTokenToEveryCommand) {
  CancelToken token;
  token.Cancel(SIGHUP);
  CancellableEnvironment env(SystemEnvironment::Get(), &token);
  Result<CommandResult> r = env.Run({"sleep", "1000"}, CommandOptions{});
  ASSERT_OK(r);
  EXPECT_TRUE(r->cancelled);
  EXPECT_LT(r->duration_ms, 1500);
}

}  // namespace
}  // namespace rollgate::internal
