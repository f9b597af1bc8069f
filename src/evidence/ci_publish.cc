// Writes what a run tells its pipeline (rollgate/ci.h): the rendering is ci_outputs.cc's, the
// files are here. A pipeline branches on these values, so a file that cannot be written is an
// error, never skipped.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "base/file_util.h"
#include "base/secret.h"
#include "evidence/ci_outputs.h"
#include "evidence/evidence.h"
#include "rollgate/ci.h"

namespace rollgate {

namespace {

// The step's files are shared with every other tool in the step: append, never replace. By
// hand because the append must be one O_APPEND write loop (no temp file and rename, which
// would drop what the other tools wrote).
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

// Later steps may run in another working directory: GitHub gets an absolute path. A dotenv
// variable travels to other jobs (and runners), where only the path relative to the project
// directory means the same place, so it keeps the path as given.
std::string Absolute(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

Status Publish(const CiTargets& targets, const std::vector<const RunReport*>& reports,
               const std::string& summary, internal::CiVerdict verdict, std::string* annotations) {
  // The run scrubbed its reports of its own secrets; this one also masks key-shaped text.
  internal::Redactor redactor;
  annotations->clear();
  if (targets.github) {
    for (const RunReport* r : reports)
      *annotations += internal::RenderGithubAnnotations(*r, redactor);
  }
  if (!targets.dotenv.empty()) {
    ROLLGATE_ASSIGN_OR_RETURN(std::string text, internal::RenderDotenv(verdict));
    Status st = internal::WriteFileAtomic(targets.dotenv, text);
    if (!st.ok())
      return Status::IoError("cannot write --dotenv " + targets.dotenv + ": " + st.message());
  }
  if (!targets.github) return Status::Ok();
  if (!targets.step_summary.empty()) {
    Status st = AppendToFile(targets.step_summary, redactor.Redact(summary) + "\n");
    if (!st.ok())
      return Status::IoError("cannot append the job summary to $GITHUB_STEP_SUMMARY: " +
                             st.message());
  }
  if (!targets.step_outputs.empty()) {
    verdict.evidence_dir = verdict.evidence_dir.empty() ? "" : Absolute(verdict.evidence_dir);
    Status st = AppendToFile(targets.step_outputs, internal::RenderGithubOutputs(verdict));
    if (!st.ok())
      return Status::IoError("cannot append the step outputs to $GITHUB_OUTPUT: " + st.message());
  }
  return Status::Ok();
}

}  // namespace

Status PublishCiOutputs(const CiTargets& targets, const RunReport& report,
                        const std::string& evidence_dir, std::string* annotations) {
  return Publish(targets, {&report}, internal::RenderSummaryMarkdown(report),
                 internal::CiVerdictFor(report, evidence_dir), annotations);
}

Status PublishCiOutputs(const CiTargets& targets, const FleetReport& report,
                        const std::string& evidence_dir, std::string* annotations) {
  std::vector<const RunReport*> reports;
  for (const auto& r : report.runs) reports.push_back(&r);
  internal::ConsoleStyle plain;
  return Publish(
      targets, reports, internal::RenderFleetSummary(report.runs, /*markdown=*/true, plain),
      internal::CiVerdictForFleet(report.runs, report.decision, evidence_dir), annotations);
}

}  // namespace rollgate
