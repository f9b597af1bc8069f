// The evidence of one run lands as a set: a run id in every file, a manifest written last, and
// whatever moment a kill -9 picks, never one run's gate.json beside another's probes.jsonl.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "base/secret.h"
#include "evidence/evidence.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

const char* const kEvidenceSetFiles[] = {"gate.json", "junit.xml", "summary.md", "probes.jsonl"};

RunReport EvidenceSetReport(const std::string& run_id) {
  RunReport report;
  report.command = Command::kGate;
  report.run_id = run_id;
  report.service = "svc";
  report.decision = Decision::kPass;
  report.started_unix_ms = 1795564800000;
  report.finished_unix_ms = 1795564800250;
  ReleaseReport r;
  r.name = "new";
  r.version = "2.4.0";
  AttemptRecord a;
  a.ts_unix_ms = 1795564800000;
  a.http_status = 200;
  a.outcome = "ok";
  r.attempts = {a, a};
  r.checks = {{"connectivity", CheckStatus::kPass, "ok", false}};
  report.releases = {r};
  report.gates = {{"new_release_smoke", CheckStatus::kPass, "ok", false}};
  return report;
}

std::string EvidenceSetRead(const std::string& path) {
  Result<std::string> text = ReadFileToString(path);
  return text.ok() ? *text : std::string();
}

int EvidenceSetHiddenTemps(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    n += it->path().filename().string().find(".rollgate-tmp.") != std::string::npos;
  }
  return n;
}

// Writes run `run_id` into `dir` in a child process that SIGKILLs itself right after the
// `kill_after`-th rename of the commit.
void EvidenceSetKilledWrite(const std::string& dir, const std::string& run_id, int kill_after) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int renames = 0;
    AtomicWriteBatch::TEST_SetAfterRenameHook([&](const std::string&) {
      if (++renames == kill_after) ::kill(::getpid(), SIGKILL);
    });
    RunReport report = EvidenceSetReport(run_id);
    Status st = WriteEvidence(dir, Redactor(), &report);
    _exit(st.ok() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child was not killed mid-commit";
}

TEST(EvidenceSetTest, EveryFileCarriesTheRunIdAndTheManifestListsThem) {
  testing::TempDir dir;
  RunReport report = EvidenceSetReport("");
  ASSERT_OK(WriteEvidence(dir.path(), Redactor(), &report));
  ASSERT_FALSE(report.run_id.empty());
  EXPECT_EQ(nlohmann::json::parse(EvidenceSetRead(dir.Join("gate.json")))["run_id"], report.run_id);
  std::string jsonl = EvidenceSetRead(dir.Join("probes.jsonl"));
  int lines = 0;
  for (std::size_t at = 0, nl; (nl = jsonl.find('\n', at)) != std::string::npos;
       at = nl + 1, ++lines) {
    EXPECT_EQ(nlohmann::json::parse(jsonl.substr(at, nl - at))["run_id"], report.run_id);
  }
  EXPECT_EQ(lines, 2);
  EXPECT_NE(EvidenceSetRead(dir.Join("junit.xml"))
                .find("<property name=\"rollgate.run_id\" value=\"" + report.run_id + "\"/>"),
            std::string::npos);
  EXPECT_NE(EvidenceSetRead(dir.Join("summary.md")).find("run id `" + report.run_id + "`"),
            std::string::npos);

  nlohmann::json manifest = nlohmann::json::parse(EvidenceSetRead(dir.Join("manifest.json")));
  EXPECT_EQ(manifest["run_id"], report.run_id);
  ASSERT_EQ(manifest["files"].size(), 4u);
  for (const auto& f : manifest["files"]) {
    std::string content = EvidenceSetRead(dir.Join(f["name"].get<std::string>()));
    EXPECT_EQ(f["bytes"], content.size());
    EXPECT_EQ(f["sha256"], Sha256Hex(content)) << f["name"];
  }
  EXPECT_EQ(EvidenceSetHiddenTemps(dir.path()), 0);
}

TEST(EvidenceSetTest, AKillMidCommitNeverLeavesTwoRunsMixedAndTheNextRunCleansUp) {
  // The commit renames four files and then the manifest: kill after each of them.
  for (int kill_after = 1; kill_after <= 5; ++kill_after) {
    SCOPED_TRACE("killed after rename " + std::to_string(kill_after));
    testing::TempDir dir;
    RunReport a = EvidenceSetReport("run-aaaa");
    ASSERT_OK(WriteEvidence(dir.path(), Redactor(), &a));
    EvidenceSetKilledWrite(dir.path(), "run-bbbb", kill_after);

    int from_b = 0;
    for (const char* name : kEvidenceSetFiles) {
      std::string text = EvidenceSetRead(dir.Join(name));
      EXPECT_EQ(text.find("run-aaaa"), std::string::npos) << name << " is from the previous run";
      from_b += !text.empty() && text.find("run-bbbb") != std::string::npos;
    }
    EXPECT_EQ(from_b, std::min(kill_after, 4));
    EXPECT_EQ(FileExists(dir.Join("manifest.json")), kill_after == 5) << "the manifest comes last";
    EXPECT_EQ(EvidenceSetHiddenTemps(dir.path()), 5 - kill_after) << "the killed run's temp files";

    RunReport c = EvidenceSetReport("run-cccc");
    ASSERT_OK(WriteEvidence(dir.path(), Redactor(), &c));
    for (const char* name : kEvidenceSetFiles) {
      EXPECT_NE(EvidenceSetRead(dir.Join(name)).find("run-cccc"), std::string::npos) << name;
    }
    EXPECT_EQ(nlohmann::json::parse(EvidenceSetRead(dir.Join("manifest.json")))["run_id"],
              "run-cccc");
    EXPECT_EQ(EvidenceSetHiddenTemps(dir.path()), 0) << "the next run removes the leftovers";
  }
}

TEST(EvidenceSetTest, APlantedSymlinkAtGateJsonIsReplacedAndItsTargetUntouched) {
  testing::TempDir dir;
  std::string victim = dir.Write("outside/victim.txt", "precious");
  ASSERT_OK(MakeDirs(dir.Join("ev")));
  ASSERT_EQ(::symlink(victim.c_str(), dir.Join("ev/gate.json").c_str()), 0);
  RunReport report = EvidenceSetReport("run-1");
  ASSERT_OK(WriteEvidence(dir.Join("ev"), Redactor(), &report));
  struct stat st {};
  ASSERT_EQ(::lstat(dir.Join("ev/gate.json").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(EvidenceSetRead(victim), "precious");
}

TEST(EvidenceSetTest, AnEmptyDirectoryNameIsRefused) {
  RunReport report = EvidenceSetReport("run-1");
  EXPECT_EQ(WriteEvidence("", Redactor(), &report).code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace rollgate::internal
