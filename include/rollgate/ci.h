// What a run tells the pipeline it runs in (docs/ci.md): on GitHub Actions the annotations, the
// job summary and the step outputs; anywhere, GitLab's dotenv report. The library renders and
// writes them; the caller says where they go (the CLI: from GITHUB_ACTIONS,
// GITHUB_STEP_SUMMARY, GITHUB_OUTPUT and --dotenv) and prints the annotations.
#pragma once

#include <string>
#include <string_view>

#include "rollgate/report.h"
#include "rollgate/run.h"
#include "rollgate/status.h"

namespace rollgate {

struct CiTargets {
  bool github = false;       // on GitHub Actions: annotations, and the two files below
  std::string step_summary;  // $GITHUB_STEP_SUMMARY: the summary is appended ("" for none)
  std::string step_outputs;  // $GITHUB_OUTPUT: decision, evidence_dir, blocked_gates appended
  std::string dotenv;        // --dotenv: ROLLGATE_DECISION=... written whole ("" for none)
};

/// Writes one run's pipeline outputs: the dotenv file (whole, atomically), then on GitHub the
/// job summary and the step outputs (appended: the step's other tools share those files; the
/// evidence directory as an absolute path, since later steps may run elsewhere). Every text is
/// scrubbed of secrets and escaped, so it can neither leak a key nor inject a workflow command.
/// `*annotations` receives the `::error`/`::warning` lines for the caller to print on stdout
/// (where GitHub reads them; empty off GitHub), before any file is written, so they are there
/// to print whatever the Status. A value the dotenv format cannot carry is an InvalidArgument
/// naming it; a file that cannot be written an IoError naming the file.
Status PublishCiOutputs(const CiTargets& targets, const RunReport& report,
                        const std::string& evidence_dir, std::string* annotations);
/// The same for a fleet run: every service's annotations, the fleet summary, one verdict.
Status PublishCiOutputs(const CiTargets& targets, const FleetReport& report,
                        const std::string& evidence_dir, std::string* annotations);

/// `::stop-commands::TOKEN` and `::TOKEN::`: between the two, GitHub runs no workflow command
/// that appears on stdout (the console table, which quotes provider text). REQUIRES: a token
/// nobody can guess (the CLI draws 128 random bits).
std::string GithubStopCommands(std::string_view token);
std::string GithubResumeCommands(std::string_view token);

}  // namespace rollgate
