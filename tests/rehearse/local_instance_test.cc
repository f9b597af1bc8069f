// A local instance of an `http` release in `rollgate rehearse`: what the user's own process
// writes (the end of an instance's stderr, an exec app's stderr) reaches the console and the
// evidence only through the rehearsal's Redactor; and an interrupt stops the instance's whole
// process group, a child it started included, promptly.
#include "rehearse/local_instance.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <sstream>

#include "base/secret.h"
#include "rehearse/rehearse.h"
#include "testutil/child_process.h"
#include "testutil/secret_forms.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/wait_until.h"

namespace rollgate::internal {
namespace {

using rollgate::testing::TempDir;
using rollgate::testing::WaitUntil;

// Not shaped like a provider key (no "sk-"), so only a Redactor that was told them finds them.
const char kInstTailNewKey[] = "rgit-new-Zq7LmN4pX2vB9tKw";
const char kInstTailRollbackKey[] = "rgit-rb-Hd8Jk3Lq5Wn2Pz6Y";

// A script that logs its config (the key, and the key in base64 as an Authorization header
// would carry it) and the rehearsal key its client was given, then `last_line`, and exits 1.
std::string InstTailLeakyScript(const std::string& key, const std::string& last_line) {
  return "echo \"loaded config: {\\\"api_key\\\": \\\"" + key + "\\\", \\\"auth\\\": \\\"Basic " +
         Base64Encode("user:" + key) + "\\\", \\\"raw64\\\": \\\"" + Base64Encode(key) +
         "\\\"}\" >&2\n" + "echo \"client key: $APP_KEY\" >&2\n" + "echo \"" + last_line +
         "\" >&2\nexit 1\n";
}

// `new` either an http release whose local instance logs its keys and exits before it listens
// (`new_fails`), or a direct release; `rollback` an exec release whose smoke command logs its
// keys and fails. Both read their real keys from files.
std::string WriteInstTailLeakySetup(const TempDir& dir, bool new_fails) {
  dir.Write("new.key", kInstTailNewKey);
  dir.Write("rollback.key", kInstTailRollbackKey);
  dir.Write("new.sh",
            InstTailLeakyScript(kInstTailNewKey, "fatal: cannot reach the upstream, giving up"));
  dir.Write("rollback.sh",
            InstTailLeakyScript(kInstTailRollbackKey, "smoke failed: upstream refused"));
  dir.Write("contract.yaml",
            "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
            "/v1/chat/completions}\n");
  std::string new_release =
      new_fails
          ? "  new: {version: '2.4.0', probe: http, url: 'http://127.0.0.1:1/smoke', model: m,\n"
            "        base_url: {env: APP_BASE_URL}, api_key: {file: new.key},\n"
            "        rehearse: {command: [sh, new.sh], base_url_env: APP_BASE_URL, api_key_env: "
            "APP_KEY}}\n"
          : "  new: {version: '2.4.0', base_url: 'http://127.0.0.1:1', api_key: {file: new.key}, "
            "model: m}\n";
  return dir.Write(
      "rollgate.yaml",
      "service: s\ncontract: contract.yaml\n"
      "defaults: {timeout_ms: 1500, connect_timeout_ms: 1000, stream_idle_timeout_ms: 700,\n"
      "           retry: {max_attempts: 2, backoff_ms: 100}}\n"
      "expect_differences: [probe, method]\n"
      "releases:\n" +
          new_release +
          "  rollback: {version: '2.3.1', probe: exec, command: [sh, rollback.sh], model: m,\n"
          "             base_url: {env: APP_BASE_URL}, api_key: {file: rollback.key},\n"
          "             rehearse: {base_url_env: APP_BASE_URL, api_key_env: APP_KEY}}\n");
}

// Every form of both keys, and the rehearsal keys' distinctive tail, are absent from `text`.
void ExpectInstTailNoKey(const std::string& text, const std::string& where) {
  for (const char* key : {kInstTailNewKey, kInstTailRollbackKey}) {
    for (const auto& [needle, form] : rollgate::testing::SecretNeedles(key)) {
      EXPECT_EQ(text.find(needle), std::string::npos)
          << where << " holds " << key << " (" << form << ")";
    }
  }
  EXPECT_EQ(text.find("5f3a9d2c7b1e"), std::string::npos) << where << " holds a rehearsal key";
}

// Every file under `dir`, by path.
std::map<std::string, std::string> InstTailFilesUnder(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path());
    std::stringstream s;
    s << in.rdbuf();
    files[e.path().string()] = s.str();
  }
  return files;
}

struct InstTailRun {
  std::string console;  // the table and the JSON, as `rollgate rehearse` prints them
  std::map<std::string, std::string> evidence;
};

InstTailRun RunInstTailLeakyRehearsal(const TempDir& dir, bool new_fails) {
  RehearseOptions options;
  options.config_path = WriteInstTailLeakySetup(dir, new_fails);
  options.evidence_dir = dir.Join("evidence");
  options.parallel = 8;
  RehearseReport report;
  EXPECT_OK(Rehearse(options, &report));
  return {RenderRehearseTable(report, false) + RenderRehearseJson(report),
          InstTailFilesUnder(dir.Join("evidence"))};
}

TEST(LocalInstanceRedactionTest, AnInstancesStderrTailIsShownWithoutTheKeysItLogged) {
  TempDir dir;
  InstTailRun run = RunInstTailLeakyRehearsal(dir, /*new_fails=*/true);
  ExpectInstTailNoKey(run.console, "the console");
  for (const auto& [path, text] : run.evidence) ExpectInstTailNoKey(text, path);
  // The tail is still shown: each mode's row, and the observation pass's notes.
  EXPECT_NE(run.console.find("exited before it accepted connections (exit code 1): loaded config:"),
            std::string::npos)
      << run.console;
  EXPECT_NE(run.console.find("fatal: cannot reach the upstream, giving up"), std::string::npos)
      << run.console;
  EXPECT_NE(run.console.find("\"api_key\\\": \\\"[redacted]"), std::string::npos) << run.console;
}

TEST(LocalInstanceRedactionTest, AnExecAppsStderrInTheModesEvidenceHoldsNoRealKey) {
  TempDir dir;
  InstTailRun run = RunInstTailLeakyRehearsal(dir, /*new_fails=*/false);
  ExpectInstTailNoKey(run.console, "the console");
  ASSERT_FALSE(run.evidence.empty());
  bool quoted = false;
  for (const auto& [path, text] : run.evidence) {
    ExpectInstTailNoKey(text, path);
    quoted = quoted || text.find("smoke failed: upstream refused") != std::string::npos;
  }
  EXPECT_TRUE(quoted) << "no evidence file quotes the app's stderr";
}

TEST(LocalInstanceRedactionTest, TheCommandAndItsStderrAreScrubbedInStartsMessage) {
  TempDir dir;
  Redactor redactor;
  redactor.AddSecret(kInstTailNewKey);
  LocalInstance instance;
  LocalInstanceOptions o;
  o.release = "releases.new";
  o.command = {"sh", "-c", std::string("echo key=") + kInstTailNewKey + " >&2; exit 2",
               kInstTailNewKey};
  o.dir = dir.path();
  o.redactor = &redactor;
  Status st = instance.Start(o);
  ASSERT_FALSE(st.ok());
  ExpectInstTailNoKey(st.message(), "Start's message");
  EXPECT_NE(st.message().find("(exit code 2): key=[redacted]"), std::string::npos) << st.message();
}

// The process's environment, with one variable added to every command it runs: an embedder's
// own way of starting commands.
class InstTailMarkingEnvironment : public Environment {
 public:
  std::optional<std::string> GetEnv(const std::string& name) const override {
    return ProcessEnvironment().GetEnv(name);
  }
  Result<std::string> ReadFile(const std::string& path) const override {
    return ProcessEnvironment().ReadFile(path);
  }
  Result<CommandResult> Run(const std::vector<std::string>& argv,
                            const CommandOptions& options) const override {
    CommandOptions marked = options;
    marked.extra_env.push_back("INST_TAIL_MARK=started-by-the-environment");
    return ProcessEnvironment().Run(argv, marked);
  }
};

TEST(LocalInstanceRedactionTest, TheInstanceIsStartedThroughTheGivenEnvironment) {
  TempDir dir;
  InstTailMarkingEnvironment env;
  LocalInstance instance;
  LocalInstanceOptions o;
  o.release = "releases.new";
  o.command = {"sh", "-c", "echo \"mark=${INST_TAIL_MARK:-none}\" >&2; exit 2"};
  o.dir = dir.path();
  o.environment = &env;
  Status st = instance.Start(o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("mark=started-by-the-environment"), std::string::npos)
      << st.message();
}

// Whether process `pid` is gone: no such process, or a zombie (the init of a container may
// never reap what was reparented to it; a zombie runs nothing and holds no port).
bool InstTailProcessGone(pid_t pid) {
  errno = 0;
  if (::kill(pid, 0) == -1 && errno == ESRCH) return true;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  std::size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

std::vector<pid_t> InstTailPids(const std::string& path) {
  std::vector<pid_t> pids;
  std::ifstream in(path);
  for (long p = 0; in >> p;) pids.push_back(static_cast<pid_t>(p));
  return pids;
}

// The instance is the sample app's server: its command starts a background child first (a
// sidecar, a log shipper), records both pids, then execs the server.
std::string WriteInstTailSignalSetup(const TempDir& dir) {
  dir.Write("new.json",
            "{\"version\": \"2.4.0\", \"base_url\": {\"env\": \"APP_BASE_URL\"}, \"api_key\": "
            "{\"env\": \"APP_KEY\"}, "
            "\"model_alias\": \"fast\", \"models\": {\"fast\": \"gpt-4o-mini\"}, \"timeout_ms\": "
            "2500}\n");
  dir.Write("contract.yaml",
            "reviewed_on: 2026-11-20\nmax_age_days: 36500\nendpoint: {method: POST, path: "
            "/v1/chat/completions}\n");
  std::string serve = "sleep 300 & echo $! >> child.pids; echo $$ >> instance.pids; exec '" +
                      std::string(ROLLGATE_SAMPLE_APP) +
                      "' serve --config new.json --listen 127.0.0.1:{port}";
  return dir.Write(
      "rollgate.yaml",
      "service: s\ncontract: contract.yaml\n"
      "defaults: {timeout_ms: 4000, connect_timeout_ms: 2000}\n"
      "expect_differences: [probe, method]\n"
      "releases:\n"
      "  new: {version: '2.4.0', probe: http, url: 'http://127.0.0.1:1/smoke', model: "
      "gpt-4o-mini,\n"
      "        base_url: {env: APP_BASE_URL}, api_key: {env: APP_KEY},\n"
      "        rehearse: {command: [sh, -c, \"" +
          serve +
          "\"]}}\n"
          "  rollback: {version: '2.3.1', base_url: 'http://127.0.0.1:1', api_key: k-rollback, "
          "model: gpt-4o-mini}\n");
}

// Whether `pid` now runs the sample app (its command has exec'd the server).
bool InstTailRunsSampleApp(pid_t pid) {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
  return !ec && exe.filename() == std::filesystem::path(ROLLGATE_SAMPLE_APP).filename();
}

// An instance runs the sample app's server, and the child its command started is up.
bool InstTailInstanceIsUp(const TempDir& dir) {
  std::vector<pid_t> instances = InstTailPids(dir.Join("instance.pids"));
  return !InstTailPids(dir.Join("child.pids")).empty() &&
         std::any_of(instances.begin(), instances.end(), InstTailRunsSampleApp);
}

// Every instance and every child one started is gone (bounded wait for each).
void ExpectInstTailAllGone(const TempDir& dir, const std::string& outlived) {
  std::vector<pid_t> pids = InstTailPids(dir.Join("instance.pids"));
  std::vector<pid_t> children = InstTailPids(dir.Join("child.pids"));
  pids.insert(pids.end(), children.begin(), children.end());
  for (pid_t pid : pids) {
    EXPECT_TRUE(WaitUntil([&] { return InstTailProcessGone(pid); }, std::chrono::seconds(5)))
        << "pid " << pid << " outlived " << outlived;
  }
}

TEST(LocalInstanceSignalTest, AnInterruptStopsTheInstanceAndTheChildItStartedPromptly) {
  TempDir dir;
  RehearseOptions options;
  options.config_path = WriteInstTailSignalSetup(dir);
  options.parallel = 4;
  CancelToken cancel;
  options.cancel = &cancel;
  RehearseReport report;
  auto rehearsal = std::async(std::launch::async, [&] { return Rehearse(options, &report); });
  // Until an instance runs the server and its child is up.
  ASSERT_TRUE(WaitUntil([&] { return InstTailInstanceIsUp(dir); }, std::chrono::seconds(30)))
      << "no local instance started";
  auto interrupted_at = std::chrono::steady_clock::now();
  cancel.Cancel(SIGINT);  // what the CLI's signal thread does on Ctrl-C
  ASSERT_EQ(rehearsal.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the rehearsal did not return within 10 s of the interrupt";
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - interrupted_at)
          .count();
  ASSERT_OK(rehearsal.get());
  EXPECT_LT(ms, 10000);
  EXPECT_TRUE(report.interrupted);
  EXPECT_EQ(report.signal, "SIGINT");
  EXPECT_GT(report.interrupted_rows, 0);
  EXPECT_NE(RenderRehearseTable(report, false).find("INTERRUPTED by SIGINT"), std::string::npos);
  // Every instance and every child one started: gone once the rehearsal has returned.
  ASSERT_FALSE(InstTailPids(dir.Join("child.pids")).empty());
  ExpectInstTailAllGone(dir, "the interrupted rehearsal");
}

// The built `rollgate rehearse` on SIGINT while a local instance runs: exit 130 promptly, and
// the instance and the child it started are gone (its process group is not rollgate's, so the
// signal reaches it only through rollgate).
TEST(LocalInstanceSignalTest, CtrlCOnRollgateRehearseStopsTheInstancesProcessGroup) {
  TempDir dir;
  rollgate::testing::ChildProcess rehearse;
  ASSERT_OK(rehearse.Start(
      {{ROLLGATE_BINARY, "rehearse", "--config", WriteInstTailSignalSetup(dir), "--parallel", "4"},
       {"NO_COLOR=1"},
       ""}));
  ASSERT_TRUE(WaitUntil([&] { return InstTailInstanceIsUp(dir); }, std::chrono::seconds(30)))
      << rehearse.out() << rehearse.err();
  auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(rehearse.Signal(SIGINT));
  std::optional<rollgate::testing::ChildExit> exit = rehearse.WaitForExit(std::chrono::seconds(10));
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count();
  ASSERT_TRUE(exit.has_value()) << "rollgate rehearse still running 10 s after SIGINT"
                                << rehearse.err();
  EXPECT_EQ(exit->exit_code, 130) << rehearse.out() << rehearse.err();
  EXPECT_LT(ms, 5000);
  EXPECT_NE(rehearse.out().find("INTERRUPTED by SIGINT"), std::string::npos) << rehearse.out();
  ExpectInstTailAllGone(dir, "rollgate rehearse");
}

}  // namespace
}  // namespace rollgate::internal
