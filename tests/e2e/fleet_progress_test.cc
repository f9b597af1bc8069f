// `rollgate gate --config-dir` on a terminal: a progress line (services done / total, blocked so
// far) on stderr once the run has taken a second, erased before the summary; never when stderr
// is not a TTY (a pipe, a CI log), and never for a fleet quicker than a second.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "e2e/e2e_util.h"
#include "testutil/mock_fixture.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::testing {
namespace {

constexpr char kProgressKey[] = "sk-progress-5d1c7e3a9b20f846";

struct ProgressPtyRun {
  int exit_code = -1;
  std::string terminal;  // what rollgate wrote to its stderr, a pseudo-terminal
};

// The built binary with stderr on a pseudo-terminal and stdout on /dev/null, bounded by
// `timeout_ms` (then killed).
ProgressPtyRun RunRollgateOnPty(const std::vector<std::string>& args,
                                const std::vector<std::string>& env, int timeout_ms) {
  ProgressPtyRun out;
  int master = -1, slave = -1;
  if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) return out;
  std::vector<std::string> argv = {"env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(ROLLGATE_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(null_fd, 0);
    ::dup2(null_fd, 1);
    ::dup2(slave, 2);
    ::close(master);
    ::execvp("env", cargv.data());
    ::_exit(127);
  }
  ::close(slave);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  while (pid > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO: every holder of the terminal's other end closed it
    out.terminal.append(buf, static_cast<std::size_t>(n));
  }
  ::close(master);
  int status = 0;
  if (pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status))
    out.exit_code = WEXITSTATUS(status);
  return out;
}

class FleetProgressTest : public ::testing::Test {
 protected:
  static mock::MockOptions SlowMock() {
    mock::MockOptions o;
    o.keys = {kProgressKey};
    o.latency_ms = 250;
    return o;
  }

  FleetProgressTest() : mock_(SlowMock()) {}

  void SetUp() override {
    ASSERT_OK(mock_.status());
    dir_.Write("fleet/contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 36500\n");
    for (const char* svc : {"svc-a", "svc-b", "svc-c", "svc-d"}) {
      std::string key_env = std::string(svc) == "svc-c" ? "PROGRESS_ROTATED" : "PROGRESS_KEY";
      dir_.Write(std::string("fleet/") + svc + ".yaml",
                 std::string("service: ") + svc +
                     "\ncontract: contract.yaml\nreleases:\n  new: {version: '2', base_url: '" +
                     mock_.provider().base_url() +
                     "', api_key: {env: PROGRESS_KEY}, model: gpt-4o-mini}\n"
                     "  rollback: {version: '1', base_url: '" +
                     mock_.provider().base_url() + "', api_key: {env: " + key_env +
                     "}, model: gpt-4o-mini}\n");
    }
  }

  std::vector<std::string> Args(const std::string& concurrency) {
    return {"gate",           "--config-dir",        dir_.Join("fleet"),
            "--evidence-dir", dir_.Join("evidence"), "--concurrency",
            concurrency};
  }
  std::vector<std::string> Env() {
    return {std::string("PROGRESS_KEY=") + kProgressKey,
            "PROGRESS_ROTATED=sk-progress-rotated-0000000"};
  }

  MockServer mock_;
  TempDir dir_;
};

TEST_F(FleetProgressTest, ATerminalSeesServicesDoneAndBlockedOnARunLongerThanASecond) {
  // One call at a time, 12 calls of 250 ms: about 3 s.
  ProgressPtyRun run = RunRollgateOnPty(Args("1"), Env(), 60000);
  EXPECT_EQ(run.exit_code, 1) << run.terminal;  // svc-c's rollback key is rotated
  EXPECT_NE(run.terminal.find("/4 services done, "), std::string::npos) << run.terminal;
  EXPECT_NE(run.terminal.find("1 blocked"), std::string::npos) << run.terminal;
  // Erased at the end: the last thing on the terminal is the erase, not a stale count.
  std::size_t last_line = run.terminal.rfind("services done");
  EXPECT_NE(run.terminal.find("\r\033[K", last_line), std::string::npos) << run.terminal;
}

TEST_F(FleetProgressTest, NoProgressWithoutATerminalOrOnAQuickRun) {
  CliRun piped = RunRollgate(Args("1"), Env());
  EXPECT_EQ(piped.exit_code, 1) << piped.err;
  EXPECT_EQ(piped.err.find("services done"), std::string::npos) << piped.err;
  EXPECT_EQ(piped.out.find("services done"), std::string::npos) << piped.out;
  // Everything at once: one wave of 250 ms, well under the second.
  ProgressPtyRun quick = RunRollgateOnPty(Args("64"), Env(), 60000);
  EXPECT_EQ(quick.exit_code, 1) << quick.terminal;
  EXPECT_EQ(quick.terminal.find("services done"), std::string::npos) << quick.terminal;
}

}  // namespace
}  // namespace rollgate::testing
