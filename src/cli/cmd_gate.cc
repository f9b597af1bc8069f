// `rollgate gate` and `rollgate check`.
#include <unistd.h>

#include <cstdio>

#include "base/file_util.h"
#include "evidence/evidence.h"

#include "cli/ci_env.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "rollgate/run.h"

namespace rollgate::cli {

namespace {

int RunFleetCommand(const GateArgs& args) {
  FleetOptions options;
  options.concurrency = static_cast<std::size_t>(args.concurrency);
  options.evidence_dir = args.evidence_dir;
  FleetReport report;
  Status st = RunFleet(args.config_dir, options, &report);
  if (!st.ok()) return ReportError(st);
  CiOutputs ci(args.dotenv);
  ci.BeginConsole();
  internal::ConsoleStyle style;
  style.color = UseColor(STDOUT_FILENO);
  std::string text = internal::RenderFleetSummary(report.runs, /*markdown=*/false, style);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (!args.evidence_dir.empty()) {
    std::string md = internal::RenderFleetSummary(report.runs, /*markdown=*/true, style);
    st = internal::WriteFileAtomic(args.evidence_dir + "/fleet-summary.md", md);
    if (!st.ok()) return ReportError(Status::IoError("cannot write the fleet summary: " + st.message()));
    std::printf("evidence: %s/<service>/, %s/fleet-summary.md\n", args.evidence_dir.c_str(), args.evidence_dir.c_str());
  }
  std::fflush(stdout);
  return ci.PublishFleet(report.runs, report.decision, args.evidence_dir,
                         report.decision == "pass" ? ToInt(ExitCode::kPass) : ToInt(ExitCode::kBlock));
}

}  // namespace

int RunGateCommand(const GateArgs& args) {
  if (!args.config_dir.empty()) {
    if (!args.config.empty()) return ReportError(Status::InvalidArgument("give --config or --config-dir, not both"));
    return RunFleetCommand(args);
  }
  if (args.config.empty()) return ReportError(Status::InvalidArgument("--config FILE (or --config-dir DIR) is required"));
  RunOptions options;
  options.command = "gate";
  options.evidence_dir = args.evidence_dir;
  RunReport report;
  Status st = RunFromFile(args.config, options, &report);
  if (!st.ok()) return ReportError(st);
  CiOutputs ci(args.dotenv);
  ci.BeginConsole();
  return ci.Publish(report, args.evidence_dir, PrintReport(report));
}

namespace {

// The ad-hoc check an operator types during an incident: one release built from flags, the
// key taken from an environment variable (never from the command line, where `ps` shows it).
Config AdHocConfig(const CheckArgs& args) {
  Config cfg;
  cfg.file = "(command line)";
  cfg.dir = ".";
  cfg.service = "ad-hoc";
  ReleaseConfig rel;
  rel.name = "target";
  rel.version.literal = "unknown";
  rel.base_url.literal = args.base_url;
  rel.api_key.kind = ValueSource::Kind::kEnv;
  rel.api_key.name = args.api_key_env;
  rel.model.value.literal = args.model;
  rel.stream = args.stream;
  rel.timeout_ms = args.timeout_ms;
  cfg.releases.push_back(rel);
  return cfg;
}

}  // namespace

int RunCheckCommand(const CheckArgs& args) {
  RunOptions options;
  options.command = "check";
  options.evidence_dir = args.evidence_dir;
  RunReport report;
  Status st;
  if (!args.config.empty()) {
    if (!args.base_url.empty() || !args.model.empty() || !args.api_key_env.empty()) {
      return ReportError(
          Status::InvalidArgument("give either --config with --release, or --base-url, --model and "
                                  "--api-key-env; not both"));
    }
    if (args.release.empty()) {
      return ReportError(
          Status::InvalidArgument("--release is required with --config (e.g. --release rollback)"));
    }
    options.release = args.release;
    st = RunFromFile(args.config, options, &report);
  } else {
    if (args.base_url.empty() || args.model.empty() || args.api_key_env.empty()) {
      return ReportError(
          Status::InvalidArgument("without --config, give --base-url URL, --model M and "
                                  "--api-key-env NAME (see rollgate check --help)"));
    }
    options.release = "target";
    st = RunWithConfig(AdHocConfig(args), options, &report);
  }
  if (!st.ok()) return ReportError(st);
  CiOutputs ci(args.dotenv);
  ci.BeginConsole();
  return ci.Publish(report, args.evidence_dir, PrintReport(report));
}

}  // namespace rollgate::cli
