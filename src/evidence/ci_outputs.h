// What a run tells the pipeline it runs in (docs/ci.md): GitHub Actions workflow commands and
// step outputs, and GitLab's dotenv report: the rendering; ci_publish.cc writes the files
// (rollgate/ci.h). Every text that came from a provider or a command is scrubbed and escaped
// here, so it can neither leak a secret nor inject a workflow command.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/secret.h"
#include "rollgate/ci.h"
#include "rollgate/report.h"
#include "rollgate/status.h"

namespace rollgate::internal {

/// What the next step of a pipeline branches on.
struct CiVerdict {
  Decision decision = Decision::kBlock;
  std::vector<std::string>
      blocked_gates;         // failing gate ids in checklist order; fleet: "<service>/<gate>"
  std::string evidence_dir;  // as the pipeline should see it
};

CiVerdict CiVerdictFor(const RunReport& report, const std::string& evidence_dir);
/// A fleet run (`gate --config-dir`): one verdict over every service.
CiVerdict CiVerdictForFleet(const std::vector<RunReport>& runs, Decision decision,
                            const std::string& evidence_dir);

/// GitHub's workflow-command escaping, as its toolkit does it (escapeData / escapeProperty):
/// data escapes %, \r and \n; a property value also escapes : and ,. A line break can then never
/// end the command early, so text inside it cannot start a command of its own.
std::string GithubEscapeData(std::string_view text);
std::string GithubEscapeProperty(std::string_view text);

/// One `::error title=…::…` line per failing gate and one `::warning title=…::…` line per gate
/// that passed with a note, each naming the service, the command, the gate and the release(s)
/// it is about, with the gate's detail on one line (scrubbed by `redactor`, at most ~1 KB).
std::string RenderGithubAnnotations(const RunReport& report, const Redactor& redactor);

/// The lines for $GITHUB_OUTPUT: `decision=`, `evidence_dir=`, `blocked_gates=` (comma-separated).
/// A value with a line break is written in the `name<<DELIMITER` form, with a delimiter that
/// does not occur in the value.
std::string RenderGithubOutputs(const CiVerdict& verdict);

/// GithubStopCommands and GithubResumeCommands are public (rollgate/ci.h).
using ::rollgate::GithubResumeCommands;
using ::rollgate::GithubStopCommands;

/// `ROLLGATE_DECISION=`, `ROLLGATE_BLOCKED_GATES=`, `ROLLGATE_EVIDENCE_DIR=` for GitLab's
/// `artifacts:reports:dotenv`. GitLab reads each line as KEY=VALUE with no quoting, strips
/// surrounding white space and expands `$NAME` in values, so `$` is written as `$$`, and a value
/// GitLab cannot carry (a line break, a NUL, leading or trailing white space) is an
/// InvalidArgument naming the variable and the value.
Result<std::string> RenderDotenv(const CiVerdict& verdict);

}  // namespace rollgate::internal
