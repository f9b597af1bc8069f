// The server commands parsed and run in process: this file is linked into `rollgate-server`
// only (server_commands.h).
#include "cli/server_commands.h"

#include <memory>
#include <string>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "rollgate/mock.h"

namespace rollgate::cli {
namespace {

CLI::App* Add(CLI::App& app, const ServerCommandInfo& command) {
  return app.add_subcommand(command.name, command.description);
}

struct ServerArgs {
  RehearseArgs rehearse;
  MockArgs mock;
  DemoArgs demo;
  ServeArgs serve;
};

CLI::App* AddRehearseCommand(CLI::App& app, RehearseArgs* a) {
  CLI::App* rehearse_cmd = Add(app, kRehearseCommand);
  rehearse_cmd->add_option("--config", a->config,
                           "Rehearse these releases (default: a built-in setup)");
  rehearse_cmd->add_option("--format", a->format, "table or json")->capture_default_str();
  rehearse_cmd
      ->add_option("--evidence-dir", a->evidence_dir, "Each mode's evidence goes to a subdirectory")
      ->capture_default_str()
      ->check(NonEmptyDirectory());
  rehearse_cmd->add_option("--parallel", a->parallel, "Modes rehearsed at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  rehearse_cmd->footer(
      HelpExample("  rollgate rehearse\n  rollgate rehearse --config rollgate.yaml --format json"));
  return rehearse_cmd;
}

CLI::App* AddMockCommand(CLI::App& app, MockArgs* a) {
  CLI::App* mock_cmd = Add(app, kMockCommand);
  mock_cmd->add_option("--listen", a->listen, "HOST:PORT; port 0 picks a free one")
      ->capture_default_str();
  mock_cmd->add_option("--key", a->options.keys,
                       "An accepted bearer token (repeatable; none: any token)");
  mock_cmd->add_option("--model", a->options.models,
                       "A served model (repeatable; none: any model)");
  mock_cmd->add_option("--flavor", a->flavor, "cometapi (CometAPI's quirks) or openai")
      ->capture_default_str();
  mock_cmd->add_option("--scenario", a->options.scenario, "Fault scenario for every request")
      ->capture_default_str()
      ->check(CLI::IsMember(mock::ScenarioNames()));
  mock_cmd->add_option("--scenario-for-key", a->scenario_for_key,
                       "KEY=SCENARIO, per bearer token (repeatable)");
  mock_cmd->add_option("--scenario-for-model", a->scenario_for_model,
                       "MODEL=SCENARIO, per model (repeatable)");
  mock_cmd->add_option("--latency-ms", a->options.latency_ms, "Delay before the first byte")
      ->capture_default_str()
      ->check(CLI::Range(0, 600000));
  mock_cmd
      ->add_option("--flaky-failures", a->options.flaky_failures,
                   "flaky-5xx: failures before success")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  mock_cmd
      ->add_option("--retry-after-s", a->options.retry_after_s,
                   "rate-limited: the Retry-After value")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  mock_cmd->add_option("--slow-ms", a->options.slow_ms, "slow, slow-body, stream-stall: how long")
      ->capture_default_str()
      ->check(CLI::Range(0, 600000));
  mock_cmd->add_option("--down-model", a->options.down_models,
                       "primary-model-down: a model answering 503");
  mock_cmd
      ->add_option("--chunk-interval-ms", a->options.chunk_interval_ms,
                   "Pause between stream events")
      ->capture_default_str()
      ->check(CLI::Range(0, 60000));
  mock_cmd->add_option("--threads", a->options.threads, "Worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  CLI::Option* tls_cert =
      mock_cmd->add_option("--tls-cert", a->options.tls_cert_file, "Serve HTTPS: PEM certificate")
          ->check(CLI::ExistingFile);
  CLI::Option* tls_key =
      mock_cmd->add_option("--tls-key", a->options.tls_key_file, "Serve HTTPS: PEM private key")
          ->check(CLI::ExistingFile);
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);
  mock_cmd->footer(HelpExample(
      "  rollgate mock --listen 127.0.0.1:0 --key sk-test-new --key sk-test-old --model "
      "gpt-4o-mini\n"
      "  rollgate mock --scenario-for-key sk-test-old=rotated-key --flavor openai\n"
      "Scenarios: " +
      [] {
        std::string s;
        for (const auto& n : mock::ScenarioNames()) s += (s.empty() ? "" : ", ") + n;
        return s;
      }()));
  return mock_cmd;
}

CLI::App* AddDemoCommand(CLI::App& app, DemoArgs* a) {
  CLI::App* demo_cmd = Add(app, kDemoCommand);
  demo_cmd->add_option("--evidence-dir", a->evidence_dir, "Where the demo's evidence goes")
      ->capture_default_str()
      ->check(NonEmptyDirectory());
  demo_cmd->footer(HelpExample("  rollgate demo"));
  return demo_cmd;
}

CLI::App* AddServeCommand(CLI::App& app, ServeArgs* a) {
  CLI::App* serve_cmd = Add(app, kServeCommand);
  serve_cmd->add_option("--config", a->config, "The rollgate.yaml to read")->required();
  serve_cmd->add_option("--listen", a->listen,
                        "HOST:PORT (default: serve.listen, else 127.0.0.1:9464; port 0 picks one)");
  serve_cmd
      ->add_option("--evidence-dir", a->evidence_dir,
                   "Also write each run's evidence files here (default: none)")
      ->check(NonEmptyDirectory());
  serve_cmd->footer(
      HelpExample("  export ROLLGATE_SERVE_TOKEN=$(cat token)\n"
                  "  rollgate serve --config rollgate.yaml --listen 127.0.0.1:9464 &\n"
                  "  curl -s 127.0.0.1:9464/metrics\n"
                  "  curl -s -H \"Authorization: Bearer $ROLLGATE_SERVE_TOKEN\" "
                  "127.0.0.1:9464/hooks/argo\n"
                  "See docs/serve.md."));
  return serve_cmd;
}

}  // namespace

ServerCommandRunner AddServerCommands(CLI::App& app, char** /*argv*/) {
  // CLI11 binds options to these fields by reference, so they live as long as the runner.
  auto args = std::make_shared<ServerArgs>();
  CLI::App* rehearse_cmd = AddRehearseCommand(app, &args->rehearse);
  CLI::App* mock_cmd = AddMockCommand(app, &args->mock);
  CLI::App* demo_cmd = AddDemoCommand(app, &args->demo);
  CLI::App* serve_cmd = AddServeCommand(app, &args->serve);

  return [=]() -> std::optional<int> {
    if (*rehearse_cmd) return RunRehearseCommand(args->rehearse);
    if (*mock_cmd) return RunMockCommand(args->mock);
    if (*demo_cmd) return RunDemoCommand(args->demo);
    if (*serve_cmd) return RunServeCommand(args->serve);
    return std::nullopt;
  };
}

}  // namespace rollgate::cli
