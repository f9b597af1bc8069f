#include "cli/ci_env.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include "base/file_util.h"
#include "base/secret.h"
#include "cli/cli_common.h"
#include "evidence/ci_outputs.h"
#include "evidence/evidence.h"

namespace rollgate::cli {

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The step's files are shared with every other tool in the step: append, never replace.
Status AppendToFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(path + ": cannot open for appending: " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Status::IoError(path + ": cannot append: " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return Status::IoError(path + ": cannot append: " + std::strerror(errno));
  return Status::Ok();
}

// 128 random bits: a token provider text cannot guess, so it cannot resume workflow commands.
std::string RandomToken() {
  std::random_device rd;
  std::string token = "rollgate-";
  for (int i = 0; i < 4; ++i) {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(rd()));
    token += hex;
  }
  return token;
}

// Later steps may run in another working directory: GitHub gets an absolute path. A dotenv
// variable travels to other jobs (and runners), where only the path relative to the project
// directory means the same place, so it keeps the path as given.
std::string Absolute(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

void Print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

CiOutputs::CiOutputs(const std::string& dotenv)
    : github_(Env("GITHUB_ACTIONS") == "true"), dotenv_(dotenv) {
  if (github_) {
    step_summary_ = Env("GITHUB_STEP_SUMMARY");
    output_ = Env("GITHUB_OUTPUT");
  }
}

void CiOutputs::BeginConsole() {
  if (!github_ || !stop_token_.empty()) return;
  stop_token_ = RandomToken();
  Print(internal::GithubStopCommands(stop_token_));
}

void CiOutputs::EndConsole() {
  if (stop_token_.empty()) return;
  Print("\n" + internal::GithubResumeCommands(stop_token_));
  stop_token_.clear();
}

int CiOutputs::Publish(const RunReport& report, const std::string& evidence_dir, int rc) {
  return Emit({&report}, internal::RenderSummaryMarkdown(report),
              internal::CiVerdictFor(report, evidence_dir), rc);
}

int CiOutputs::PublishFleet(const std::vector<RunReport>& runs, Decision decision,
                            const std::string& evidence_dir, int rc) {
  std::vector<const RunReport*> reports;
  for (const auto& r : runs) reports.push_back(&r);
  internal::ConsoleStyle plain;
  return Emit(reports, internal::RenderFleetSummary(runs, /*markdown=*/true, plain),
              internal::CiVerdictForFleet(runs, decision, evidence_dir), rc);
}

int CiOutputs::Emit(const std::vector<const RunReport*>& reports, const std::string& summary,
                    internal::CiVerdict verdict, int rc) {
  EndConsole();
  // The run scrubbed its reports of its own secrets; this one also masks key-shaped text.
  internal::Redactor redactor;
  if (!dotenv_.empty()) {
    Result<std::string> text = internal::RenderDotenv(verdict);
    if (!text.ok()) return ReportError(text.status());  // a value dotenv cannot carry: exit 2
    Status st = internal::WriteFileAtomic(dotenv_, *text);
    if (!st.ok())
      return ReportError(Status::IoError("cannot write --dotenv " + dotenv_ + ": " + st.message()));
  }
  if (!github_) return rc;
  std::string annotations;
  for (const RunReport* r : reports) annotations += internal::RenderGithubAnnotations(*r, redactor);
  Print(annotations);
  if (!step_summary_.empty()) {
    Status st = AppendToFile(step_summary_, redactor.Redact(summary) + "\n");
    if (!st.ok())
      return ReportError(Status::IoError("cannot append the job summary to $GITHUB_STEP_SUMMARY: " +
                                         st.message()));
  }
  if (!output_.empty()) {
    verdict.evidence_dir = verdict.evidence_dir.empty() ? "" : Absolute(verdict.evidence_dir);
    Status st = AppendToFile(output_, internal::RenderGithubOutputs(verdict));
    if (!st.ok())
      return ReportError(
          Status::IoError("cannot append the step outputs to $GITHUB_OUTPUT: " + st.message()));
  }
  return rc;
}

}  // namespace rollgate::cli
