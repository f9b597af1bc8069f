// The pipeline a command runs in, as its environment and flags say (docs/ci.md): GitHub Actions
// (GITHUB_ACTIONS=true: job summary, annotations, step outputs) and a dotenv file (--dotenv,
// GitLab's artifacts:reports:dotenv). The rendering is in src/evidence/ci_outputs.h; this is
// the plumbing: environment variables, stdout and the files.
#pragma once

#include <string>
#include <vector>

#include "evidence/ci_outputs.h"
#include "rollgate/report.h"

namespace rollgate::cli {

class CiOutputs {
 public:
  /// Reads GITHUB_ACTIONS, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT; `dotenv` is --dotenv's value
  /// ("" for none).
  explicit CiOutputs(const std::string& dotenv);
  ~CiOutputs() { EndConsole(); }  // workflow commands are back on whichever way the command ends
  CiOutputs(const CiOutputs&) = delete;
  CiOutputs& operator=(const CiOutputs&) = delete;

  /// Around whatever the command prints that quotes provider text (the console table, the
  /// drill's progress): on GitHub, workflow commands are switched off in between with a random
  /// token (`::stop-commands::`), so that text cannot run one. Elsewhere these print nothing.
  void BeginConsole();
  void EndConsole();

  /// Publishes one run: on GitHub the annotations (stdout), the summary appended to
  /// $GITHUB_STEP_SUMMARY and the outputs appended to $GITHUB_OUTPUT; the dotenv file when
  /// asked for. Returns `rc`, or 3 after an error message when an output cannot be written (the
  /// pipeline would otherwise branch on a value that is not there).
  int Publish(const RunReport& report, const std::string& evidence_dir, int rc);
  /// The same for a fleet run: every service's annotations, the fleet summary, one verdict.
  int PublishFleet(const std::vector<RunReport>& runs, Decision decision,
                   const std::string& evidence_dir, int rc);

 private:
  int Emit(const std::vector<const RunReport*>& reports, const std::string& summary,
           internal::CiVerdict verdict, int rc);

  bool github_ = false;
  std::string step_summary_;  // $GITHUB_STEP_SUMMARY ("" when unset)
  std::string output_;        // $GITHUB_OUTPUT ("" when unset)
  std::string dotenv_;
  std::string stop_token_;  // set while workflow commands are off
};

}  // namespace rollgate::cli
