// rollgate's command line: flag parsing only. Each command lives in cmd_*.cc; the work is in
// the libraries. Exit codes: 0 pass, 1 block, 2 usage or config error, 3 internal error.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "mock/mock_provider.h"
#include "rollgate/version.h"

namespace rollgate::cli {
namespace {

std::string Example(const std::string& text) { return "\nExample:\n" + text + "\n"; }

int Main(int argc, char** argv) {
  CLI::App app{
      "rollgate: prove a release and its rollback can still make a minimal Chat Completions call"};
  app.set_version_flag("--version", std::string(kToolName) + " " + kToolVersion);
  app.require_subcommand(1);
  app.footer(Example("  rollgate demo\n  rollgate gate --config rollgate.yaml"));

  GateArgs gate;
  CLI::App* gate_cmd = app.add_subcommand(
      "gate", "Run the release gate over every release in the config (exit 0 pass, 1 block)");
  gate_cmd->add_option("--config", gate.config, "The rollgate.yaml to read");
  gate_cmd->add_option("--config-dir", gate.config_dir, "Fleet: every *.yaml config in this directory");
  gate_cmd->add_option("--concurrency", gate.concurrency, "Fleet: requests on the wire at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  gate_cmd
      ->add_option("--evidence-dir", gate.evidence_dir,
                   "Where gate.json, junit.xml, summary.md, probes.jsonl go")
      ->capture_default_str();
  gate_cmd->footer(
      Example("  rollgate gate --config deploy/rollgate.yaml --evidence-dir out/rollgate"));

  CheckArgs check;
  CLI::App* check_cmd = app.add_subcommand(
      "check",
      "Probe one release with every check and the invalid-token call (exit 0 pass, 1 fail)");
  check_cmd->add_option("--config", check.config, "The rollgate.yaml to read");
  check_cmd->add_option("--release", check.release, "The release to probe (with --config)");
  check_cmd->add_option("--evidence-dir", check.evidence_dir, "Where the evidence files go")
      ->capture_default_str();
  check_cmd->add_option("--base-url", check.base_url, "Ad hoc: the provider's base URL");
  check_cmd->add_option("--model", check.model, "Ad hoc: the model to call");
  check_cmd->add_option("--api-key-env", check.api_key_env,
                        "Ad hoc: the environment variable holding the key");
  check_cmd->add_flag("--stream", check.stream, "Ad hoc: also probe the streaming path");
  check_cmd->add_option("--timeout-ms", check.timeout_ms, "Ad hoc: per-attempt timeout")
      ->capture_default_str();
  check_cmd->footer(
      Example("  rollgate check --config rollgate.yaml --release rollback\n"
              "  COMETAPI_KEY=... rollgate check --base-url https://api.cometapi.com --model "
              "gpt-4o-mini \\\n"
              "      --api-key-env COMETAPI_KEY --stream"));

  DiffArgs diff;
  CLI::App* diff_cmd = app.add_subcommand(
      "diff", "Compare new and rollback field by field, with sources; no network (exit 0 same or expected, 1 not)");
  diff_cmd->add_option("--config", diff.config, "The rollgate.yaml to read")->required();
  diff_cmd->footer(Example("  rollgate diff --config rollgate.yaml"));

  DrillArgs drill;
  CLI::App* drill_cmd = app.add_subcommand(
      "drill", "The rollback switch drill: flip the route to new and back, smoking the user-facing path (0 pass, 1 block)");
  drill_cmd->add_option("--config", drill.config, "The rollgate.yaml with a `drill:` section")->required();
  drill_cmd->add_option("--evidence-dir", drill.evidence_dir, "Where the evidence goes")->capture_default_str();
  drill_cmd->footer(Example("  rollgate drill --config examples/drill/rollgate.yaml"));

  RehearseArgs rehearse;
  CLI::App* rehearse_cmd = app.add_subcommand(
      "rehearse", "Inject every known fault through the mock and show which the gate catches (exit 0 all caught, 1 not)");
  rehearse_cmd->add_option("--config", rehearse.config, "Rehearse these releases (default: a built-in setup)");
  rehearse_cmd->add_option("--format", rehearse.format, "table or json")->capture_default_str();
  rehearse_cmd->add_option("--evidence-dir", rehearse.evidence_dir, "Each mode's evidence goes to a subdirectory")
      ->capture_default_str();
  rehearse_cmd->add_option("--parallel", rehearse.parallel, "Modes rehearsed at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  rehearse_cmd->footer(Example("  rollgate rehearse\n  rollgate rehearse --config rollgate.yaml --format json"));

  MockArgs mock;
  CLI::App* mock_cmd = app.add_subcommand(
      "mock", "Run the OpenAI-compatible mock provider on loopback until SIGINT/SIGTERM");
  mock_cmd->add_option("--listen", mock.listen, "HOST:PORT; port 0 picks a free one")
      ->capture_default_str();
  mock_cmd->add_option("--key", mock.options.keys,
                       "An accepted bearer token (repeatable; none: any token)");
  mock_cmd->add_option("--model", mock.options.models,
                       "A served model (repeatable; none: any model)");
  mock_cmd->add_option("--flavor", mock.flavor, "cometapi (CometAPI's quirks) or openai")
      ->capture_default_str();
  mock_cmd->add_option("--scenario", mock.options.scenario, "Fault scenario for every request")
      ->capture_default_str()
      ->check(CLI::IsMember(mock::ScenarioNames()));
  mock_cmd->add_option("--scenario-for-key", mock.scenario_for_key,
                       "KEY=SCENARIO, per bearer token (repeatable)");
  mock_cmd->add_option("--scenario-for-model", mock.scenario_for_model,
                       "MODEL=SCENARIO, per model (repeatable)");
  mock_cmd->add_option("--latency-ms", mock.options.latency_ms, "Delay before the first byte")
      ->capture_default_str()
      ->check(CLI::Range(0, 600000));
  mock_cmd
      ->add_option("--flaky-failures", mock.options.flaky_failures,
                   "flaky-5xx: failures before success")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  mock_cmd
      ->add_option("--retry-after-s", mock.options.retry_after_s,
                   "rate-limited: the Retry-After value")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  mock_cmd->add_option("--slow-ms", mock.options.slow_ms, "slow, slow-body, stream-stall: how long")
      ->capture_default_str()
      ->check(CLI::Range(0, 600000));
  mock_cmd->add_option("--down-model", mock.options.down_models,
                       "primary-model-down: a model answering 503");
  mock_cmd
      ->add_option("--chunk-interval-ms", mock.options.chunk_interval_ms,
                   "Pause between stream events")
      ->capture_default_str()
      ->check(CLI::Range(0, 60000));
  mock_cmd->add_option("--threads", mock.options.threads, "Worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  CLI::Option* tls_cert =
      mock_cmd->add_option("--tls-cert", mock.options.tls_cert_file, "Serve HTTPS: PEM certificate")
          ->check(CLI::ExistingFile);
  CLI::Option* tls_key =
      mock_cmd->add_option("--tls-key", mock.options.tls_key_file, "Serve HTTPS: PEM private key")
          ->check(CLI::ExistingFile);
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);
  mock_cmd->footer(
      Example("  rollgate mock --listen 127.0.0.1:0 --key sk-test-new --key sk-test-old --model "
              "gpt-4o-mini\n"
              "  rollgate mock --scenario-for-key sk-test-old=rotated-key --flavor openai\n"
              "Scenarios: " +
              [] {
                std::string s;
                for (const auto& n : mock::ScenarioNames()) s += (s.empty() ? "" : ", ") + n;
                return s;
              }()));

  DemoArgs demo;
  CLI::App* demo_cmd = app.add_subcommand(
      "demo", "The embedded default: mock provider + two releases + gate, no setup");
  demo_cmd->add_option("--evidence-dir", demo.evidence_dir, "Where the demo's evidence goes")
      ->capture_default_str();
  demo_cmd->footer(Example("  rollgate demo"));

  ServeArgs serve;
  CLI::App* serve_cmd = app.add_subcommand(
      "serve",
      "Scheduled, capped gates; Prometheus /metrics; Flagger and Argo webhooks (runs until "
      "SIGTERM)");
  serve_cmd->add_option("--config", serve.config, "The rollgate.yaml to read")->required();
  serve_cmd->add_option("--listen", serve.listen,
                        "HOST:PORT (default: serve.listen, else 127.0.0.1:9464; port 0 picks one)");
  serve_cmd->add_option("--evidence-dir", serve.evidence_dir,
                        "Also write each run's evidence files here (default: none)");
  serve_cmd->footer(
      Example("  export ROLLGATE_SERVE_TOKEN=$(cat token)\n"
              "  rollgate serve --config rollgate.yaml --listen 127.0.0.1:9464 &\n"
              "  curl -s 127.0.0.1:9464/metrics\n"
              "  curl -s -H \"Authorization: Bearer $ROLLGATE_SERVE_TOKEN\" "
              "127.0.0.1:9464/hooks/argo\n"
              "See docs/serve.md."));

  HistoryArgs history;
  CLI::App* history_cmd = app.add_subcommand(
      "history", "List recorded runs, newest first, and the last known good of each release");
  history_cmd->add_option("--db", history.db, "The history database (SQLite)");
  history_cmd->add_option("--config", history.config, "Read the database path from history.db");
  history_cmd->add_option("--release", history.release, "Only runs that probed this release");
  history_cmd->add_option("--last", history.last, "How many runs to list")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  history_cmd->add_option("--format", history.format, "table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  history_cmd->add_option("--run", history.run, "Print this run's gate.json")
      ->check(CLI::PositiveNumber);
  history_cmd->footer(
      Example("  rollgate history --config rollgate.yaml\n"
              "  rollgate history --db rollgate-history.db --release rollback --last 5 --format "
              "json\n"
              "  rollgate history --db rollgate-history.db --run 42 > gate.json"));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : ToInt(ExitCode::kUsage);
  }

  if (*gate_cmd) return RunGateCommand(gate);
  if (*check_cmd) return RunCheckCommand(check);
  if (*mock_cmd) return RunMockCommand(mock);
  if (*diff_cmd) return RunDiffCommand(diff);
  if (*rehearse_cmd) return RunRehearseCommand(rehearse);
  if (*drill_cmd) return RunDrillCommand(drill);
  if (*demo_cmd) return RunDemoCommand(demo);
  if (*serve_cmd) return RunServeCommand(serve);
  if (*history_cmd) return RunHistoryCommand(history);
  return ToInt(ExitCode::kUsage);
}

}  // namespace
}  // namespace rollgate::cli

int main(int argc, char** argv) { return rollgate::cli::Main(argc, argv); }
