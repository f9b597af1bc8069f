// rollgate's command line, shared by both binaries: flag parsing only. Each command lives in
// cmd_*.cc; the work is in the libraries. Exit codes: 0 pass, 1 block, 2 usage or config error,
// 3 internal error, 128+N when signal N interrupted the run (docs/exit-codes.md).
#include "cli/app.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/server_commands.h"
#include "rollgate/display.h"
#include "rollgate/version.h"

namespace rollgate::cli {
namespace {

CLI::App* AddGateCommand(CLI::App& app, GateArgs* args) {
  CLI::App* gate_cmd = app.add_subcommand(
      "gate", "Run the release gate over every release in the config (exit 0 pass, 1 block)");
  gate_cmd->add_option("--config", args->config, "The rollgate.yaml to read");
  gate_cmd->add_option("--config-dir", args->config_dir,
                       "Fleet: every *.yaml config in this directory");
  gate_cmd->add_option("--concurrency", args->concurrency, "Fleet: requests on the wire at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  gate_cmd->add_option("--shard", args->shard,
                       "Fleet: only the services of shard INDEX/COUNT (0-based; auto/COUNT reads "
                       "JOB_COMPLETION_INDEX)");
  gate_cmd
      ->add_option("--evidence-dir", args->evidence_dir,
                   "Where gate.json, junit.xml, summary.md, probes.jsonl go")
      ->capture_default_str()
      ->check(NonEmptyDirectory());
  gate_cmd->add_option(
      "--dotenv", args->dotenv,
      "Also write ROLLGATE_DECISION, ROLLGATE_BLOCKED_GATES, ROLLGATE_EVIDENCE_DIR "
      "here (GitLab artifacts:reports:dotenv)");
  gate_cmd->footer(
      HelpExample("  rollgate gate --config deploy/rollgate.yaml --evidence-dir out/rollgate\n"
                  "  rollgate gate --config rollgate.yaml --dotenv rollgate.env   # GitLab CI\n"
                  "  rollgate gate --config-dir services/ --shard auto/4 --evidence-dir out"));
  return gate_cmd;
}

CLI::App* AddCheckCommand(CLI::App& app, CheckArgs* args) {
  CLI::App* check_cmd = app.add_subcommand(
      "check",
      "Probe one release with every check and the invalid-token call (exit 0 pass, 1 fail)");
  check_cmd->add_option("--config", args->config, "The rollgate.yaml to read");
  check_cmd->add_option("--release", args->release, "The release to probe (with --config)");
  check_cmd->add_option("--evidence-dir", args->evidence_dir, "Where the evidence files go")
      ->capture_default_str()
      ->check(NonEmptyDirectory());
  check_cmd->add_option("--base-url", args->base_url, "Ad hoc: the provider's base URL");
  check_cmd->add_option("--model", args->model, "Ad hoc: the model to call");
  check_cmd->add_option("--api-key-env", args->api_key_env,
                        "Ad hoc: the environment variable holding the key");
  check_cmd->add_flag("--stream", args->stream, "Ad hoc: also probe the streaming path");
  check_cmd->add_option("--timeout-ms", args->timeout_ms, "Ad hoc: per-attempt timeout")
      ->capture_default_str();
  check_cmd->add_option("--dotenv", args->dotenv,
                        "Also write the verdict as ROLLGATE_* variables here");
  check_cmd->add_flag(
      "--explain", args->explain,
      "Print every effective setting with its source and the requests the check sends");
  check_cmd->add_flag(
      "--dry-run", args->dry_run,
      "Explain, then stop: no call is made and no app command runs (exit 1 on a configuration "
      "finding)");
  check_cmd->footer(
      HelpExample("  rollgate check --config rollgate.yaml --release rollback\n"
                  "  rollgate check --config rollgate.yaml --release new --explain --dry-run\n"
                  "  COMETAPI_KEY=... rollgate check --base-url https://api.cometapi.com --model "
                  "gpt-4o-mini \\\n"
                  "      --api-key-env COMETAPI_KEY --stream"));
  return check_cmd;
}

CLI::App* AddDiffCommand(CLI::App& app, DiffArgs* args) {
  CLI::App* diff_cmd = app.add_subcommand("diff",
                                          "Compare new and rollback field by field, with sources; "
                                          "no network (exit 0 same or expected, 1 not)");
  diff_cmd->add_option("--config", args->config, "The rollgate.yaml to read")->required();
  diff_cmd->footer(HelpExample("  rollgate diff --config rollgate.yaml"));
  return diff_cmd;
}

CLI::App* AddDrillCommand(CLI::App& app, DrillArgs* args) {
  CLI::App* drill_cmd = app.add_subcommand("drill",
                                           "The rollback switch drill: flip the route to new and "
                                           "back, smoking the user-facing path (0 pass, 1 block)");
  drill_cmd->add_option("--config", args->config, "The rollgate.yaml with a `drill:` section")
      ->required();
  drill_cmd->add_option("--evidence-dir", args->evidence_dir, "Where the evidence goes")
      ->capture_default_str()
      ->check(NonEmptyDirectory());
  drill_cmd->add_option("--dotenv", args->dotenv,
                        "Also write the verdict as ROLLGATE_* variables here");
  drill_cmd->footer(HelpExample("  rollgate drill --config examples/drill/rollgate.yaml"));
  return drill_cmd;
}

CLI::App* AddHistoryCommand(CLI::App& app, HistoryArgs* args) {
  CLI::App* history_cmd = app.add_subcommand(
      "history", "List recorded runs, newest first, and the last known good of each release");
  history_cmd->add_option("--db", args->request.db,
                          "The history: an SQLite file or postgresql://user@host:port/dbname "
                          "(password from PGPASSWORD or PGPASSFILE)");
  history_cmd->add_option("--config", args->request.config,
                          "Read the database path from history.db");
  history_cmd->add_option("--release", args->request.release, "Only runs that probed this release");
  history_cmd->add_option("--last", args->request.last, "How many runs to list")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  history_cmd->add_option("--format", args->format, "table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  history_cmd->add_option("--run", args->request.run, "Print this run's gate.json")
      ->check(CLI::PositiveNumber);
  history_cmd->add_flag("--fleet", args->request.fleet,
                        "The newest verdict of every service (every shard, every runner)");
  history_cmd->footer(HelpExample(
      "  rollgate history --config rollgate.yaml\n"
      "  rollgate history --db rollgate-history.db --release rollback --last 5 --format "
      "json\n"
      "  rollgate history --db rollgate-history.db --run 42 > gate.json\n"
      "  PGPASSFILE=~/.pgpass rollgate history --db postgresql://rollgate@db:5432/rollgate "
      "--fleet"));
  return history_cmd;
}

int Main(int argc, char** argv, AddServerCommandsFn add_server_commands) {
  // A closed stdout (`rollgate drill … | head -1`) must never stop a run, least of all a drill
  // that just moved the route: writes then fail with EPIPE, which WriteStdout notes and skips.
  // Commands rollgate starts get SIGPIPE back at its default (base/subprocess.cc).
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{
      "rollgate: prove a release and its rollback can still make a minimal Chat Completions call"};
  app.set_version_flag("--version", std::string(kToolName) + " " + kToolVersion);
  app.require_subcommand(1);
  app.footer(HelpExample("  rollgate demo\n  rollgate gate --config rollgate.yaml"));

  GateArgs gate;
  CheckArgs check;
  DiffArgs diff;
  DrillArgs drill;
  HistoryArgs history;
  CLI::App* gate_cmd = AddGateCommand(app, &gate);
  CLI::App* check_cmd = AddCheckCommand(app, &check);
  CLI::App* diff_cmd = AddDiffCommand(app, &diff);
  CLI::App* drill_cmd = AddDrillCommand(app, &drill);
  CLI::App* history_cmd = AddHistoryCommand(app, &history);
  ServerCommandRunner run_server_command = add_server_commands(app, argv);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : ToInt(ExitCode::kUsage);
  }

  if (*gate_cmd) return RunGateCommand(gate);
  if (*check_cmd) return RunCheckCommand(check);
  if (*diff_cmd) return RunDiffCommand(diff);
  if (*drill_cmd) return RunDrillCommand(drill);
  if (*history_cmd) return RunHistoryCommand(history);
  if (std::optional<int> rc = run_server_command()) return *rc;
  return ToInt(ExitCode::kUsage);
}

// The last resort: the libraries return a Status and never throw, so an exception here is a
// bug. It still ends as one line and exit 3, never an abort with a core and no message; on any
// thread (std::terminate), as in main's own.
[[noreturn]] void InternalError(const char* what) {
  std::string line =
      "rollgate: internal error: " + SanitizeForDisplay(what ? what : "unknown", 300) + "\n";
  std::fflush(stdout);
  (void)!::write(STDERR_FILENO, line.data(), line.size());
  _exit(ToInt(ExitCode::kInternal));
}

[[noreturn]] void OnTerminate() {
  try {
    if (std::exception_ptr e = std::current_exception()) std::rethrow_exception(e);
  } catch (const std::exception& e) {
    InternalError(e.what());
  } catch (...) {
  }
  InternalError("terminated without a known exception");
}

}  // namespace

int RunMain(int argc, char** argv, AddServerCommandsFn add_server_commands) {
  std::set_terminate(OnTerminate);
  int rc = 0;
  try {
    rc = Main(argc, argv, add_server_commands);
  } catch (const std::exception& e) {
    InternalError(e.what());
  } catch (...) {
    InternalError("unknown exception");
  }
#if ROLLGATE_FAST_EXIT
  // Everything rollgate writes is closed by now (evidence and history are fsync'd before
  // Main returns), so what exit() would add is freeing memory the kernel reclaims anyway:
  // OpenSSL's, GnuTLS's and libstdc++'s clean-up handlers, 2.6 ms of a 24 ms `rollgate check` on
  // our bench VM (bench/RESULTS.md). Flush stdio, then leave. Both binaries leave this way; only
  // `rollgate` is also linked with a static libstdc++ (CMakeLists.txt). Sanitizer and fuzz builds
  // exit normally so that LeakSanitizer still checks every run.
  std::fflush(nullptr);
  _exit(rc);
#else
  return rc;
#endif
}

}  // namespace rollgate::cli
