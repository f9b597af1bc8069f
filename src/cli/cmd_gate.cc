// `rollgate gate` and `rollgate check`.
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/ci_env.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/fleet_progress.h"
#include "rollgate/run.h"

namespace rollgate::cli {

namespace {

// SIGINT/SIGTERM/SIGHUP cancel the run; its evidence is still written, then exit 128+N.
struct Interruptible {
  explicit Interruptible(const char* command)
      : signals(&token, command,
                "stopping every call now; the evidence is still written (decision block)",
                "already stopping") {}
  CancelToken token;
  SignalCanceller signals;  // after token: stops its thread before the token goes
};

void SayInterrupted(const char* command, const RunReport& report) {
  if (!report.interrupted) return;
  std::fprintf(stderr, "rollgate %s: interrupted by %s; decision block%s\n", command,
               report.signal.c_str(), report.evidence_files.empty() ? "" : ", evidence written");
}

// What gate and check pass to the library: the command, where evidence goes, the token their
// signals cancel.
RunOptions OptionsFor(Command command, const std::string& evidence_dir, Interruptible& interrupt) {
  RunOptions options;
  options.command = command;
  options.evidence_dir = evidence_dir;
  options.cancel = &interrupt.token;
  return options;
}

// A single run's ending for gate and check: the console, the CI outputs, the exit code.
int Finish(const char* command, const RunReport& report, const std::string& dotenv,
           const std::string& evidence_dir, const Interruptible& interrupt) {
  CiOutputs ci(dotenv);
  ci.BeginConsole();
  int rc = PrintReport(report, interrupt.token.signal());
  SayInterrupted(command, report);
  return ci.Publish(report, evidence_dir, rc);
}

int RunFleetCommand(const GateArgs& args) {
  Interruptible interrupt("gate");
  FleetOptions options;
  options.concurrency = static_cast<std::size_t>(args.concurrency);
  options.evidence_dir = args.evidence_dir;
  if (!args.shard.empty()) {
    Status shard = ParseFleetShard(args.shard, &options);
    if (!shard.ok()) return ReportError(shard);
  }
  options.cancel = &interrupt.token;
  FleetReport report;
  Status st;
  {
    // Services done / total and blocked so far, on a terminal only (never in a pipe or CI log).
    FleetProgressLine progress(STDERR_FILENO, ::isatty(STDERR_FILENO) == 1);
    options.on_progress = [&progress](const FleetProgress& p) { progress.Update(p); };
    st = RunFleet(args.config_dir, options, &report);
  }  // the line is erased before anything else is printed
  if (!st.ok()) return ReportError(st);
  CiOutputs ci(args.dotenv);
  ci.BeginConsole();
  if (!args.shard.empty()) {
    WriteStdout("shard " + std::to_string(options.shard_index) + "/" +
                std::to_string(options.shard_count) + ": " + std::to_string(report.runs.size()) +
                " of " + std::to_string(report.services_total) + " services\n");
  }
  WriteStdout(RenderFleetConsole(report, UseColor(STDOUT_FILENO)));
  if (!report.summary_file.empty()) {
    WriteStdout("evidence: " + args.evidence_dir + "/<service>/, " + report.summary_file + "\n");
  }
  for (const RunReport& r : report.runs) {
    for (const std::string& w : r.warnings)
      std::fprintf(stderr, "rollgate: warning: %s: %s\n", r.service.c_str(), w.c_str());
  }
  int rc = ToInt(ExitCodeFor(report));
  for (const auto& run : report.runs) {
    if (run.interrupted) rc = ExitCodeForSignal(interrupt.token.signal());
  }
  return ci.Publish(report, args.evidence_dir, rc);
}

}  // namespace

int RunGateCommand(const GateArgs& args) {
  if (!args.shard.empty() && args.config_dir.empty()) {
    return ReportError(
        Status::InvalidArgument("--shard splits a fleet: give it with --config-dir DIR"));
  }
  if (!args.config_dir.empty()) {
    if (!args.config.empty())
      return ReportError(Status::InvalidArgument("give --config or --config-dir, not both"));
    return RunFleetCommand(args);
  }
  if (args.config.empty())
    return ReportError(Status::InvalidArgument("--config FILE (or --config-dir DIR) is required"));
  Interruptible interrupt("gate");
  RunReport report;
  Status st =
      RunFromFile(args.config, OptionsFor(Command::kGate, args.evidence_dir, interrupt), &report);
  if (!st.ok()) return ReportError(st);
  return Finish("gate", report, args.dotenv, args.evidence_dir, interrupt);
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

// The two ways to name what `check` probes: --config with --release, or the ad-hoc flags.
Status CheckTargetStatus(const CheckArgs& args) {
  const bool ad_hoc = !args.base_url.empty() || !args.model.empty() || !args.api_key_env.empty();
  if (!args.config.empty()) {
    if (ad_hoc) {
      return Status::InvalidArgument(
          "give either --config with --release, or --base-url, --model and --api-key-env; not "
          "both");
    }
    if (args.release.empty())
      return Status::InvalidArgument(
          "--release is required with --config (e.g. --release rollback)");
    return Status::Ok();
  }
  if (args.base_url.empty() || args.model.empty() || args.api_key_env.empty()) {
    return Status::InvalidArgument(
        "without --config, give --base-url URL, --model M and --api-key-env NAME (see rollgate "
        "check --help)");
  }
  return Status::Ok();
}

}  // namespace

int RunCheckCommand(const CheckArgs& args) {
  if (Status target = CheckTargetStatus(args); !target.ok()) return ReportError(target);
  if (args.explain || args.dry_run) {
    ExplainReport explained;
    Status st = args.config.empty() ? ExplainRelease(AdHocConfig(args), "target", {}, &explained)
                                    : ExplainFromFile(args.config, args.release, {}, &explained);
    if (!st.ok()) return ReportError(st);
    WriteStdout(RenderExplainConsole(explained, args.dry_run));
    if (args.dry_run)
      return explained.errors.empty() ? ToInt(ExitCode::kPass) : ToInt(ExitCode::kBlock);
  }
  Interruptible interrupt("check");
  RunOptions options = OptionsFor(Command::kCheck, args.evidence_dir, interrupt);
  RunReport report;
  Status st;
  if (!args.config.empty()) {
    options.release = args.release;
    st = RunFromFile(args.config, options, &report);
  } else {
    options.release = "target";
    st = RunWithConfig(AdHocConfig(args), options, &report);
  }
  if (!st.ok()) return ReportError(st);
  return Finish("check", report, args.dotenv, args.evidence_dir, interrupt);
}

}  // namespace rollgate::cli
