// `rollgate rehearse`: inject every known fault through the mock; show which the gate catches.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "rollgate/rehearse.h"

namespace rollgate::cli {

namespace {

// The sample app ships next to the rollgate binary in a build tree; ROLLGATE_SAMPLE_APP
// overrides (an installed rollgate has none, and its app rows are then "not applicable").
std::string FindSampleApp() {
  if (const char* env = std::getenv("ROLLGATE_SAMPLE_APP"); env && *env) return env;
  std::string app = PathBesideSelf("sample_app");
  std::error_code ec;
  return !app.empty() && std::filesystem::exists(app, ec) ? app : "";
}

}  // namespace

int RunRehearseCommand(const RehearseArgs& args) {
  if (args.format != "table" && args.format != "json") {
    return ReportError(Status::InvalidArgument("--format " + args.format + ": use table or json"));
  }
  CancelToken cancel;
  SignalCanceller signals(&cancel, "rehearse", "stopping every mode now", "already stopping");
  RehearseOptions options;
  options.cancel = &cancel;
  options.config_path = args.config;
  options.evidence_dir = args.evidence_dir;
  options.sample_app = FindSampleApp();
  options.parallel = args.parallel;
  RehearseReport report;
  Status st = Rehearse(options, &report);
  if (!st.ok()) return ReportError(st);
  std::string text = args.format == "json" ? RenderRehearseJson(report)
                                           : RenderRehearseTable(report, UseColor(STDOUT_FILENO));
  WriteStdout(text);
  if (report.interrupted) return ExitCodeForSignal(cancel.signal());
  return ToInt(ExitCodeFor(report));
}

}  // namespace rollgate::cli
