// `rollgate demo`: the embedded default. Starts the mock provider in-process, runs the gate
// over the two-release config in examples/demo/, then shows one blocked case (the rollback's
// secret was rotated) and what an operator would do next. No setup, no network beyond loopback.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/demo_files.h"
#include "rollgate/display.h"
#include "rollgate/environment.h"

#ifndef ROLLGATE_SOURCE_DIR
#define ROLLGATE_SOURCE_DIR ""
#endif

namespace rollgate::cli {

namespace {

constexpr const char kNewKey[] = "sk-demo-new-7f3a9c2e5b814d06";
constexpr const char kRollbackKey[] = "sk-demo-rollback-1c8e4f7a2d95b603";
constexpr const char kRotatedKey[] = "sk-demo-rollback-rotated-9e2b7d41";

// The demo's own file in its own fresh directory (nobody reads it while it is written, so a
// plain write is enough), checked: a full disk or a read-only temp dir is an error naming the
// file, not a demo that fails later on a config cut short.
Status WriteDemoFile(const std::string& path, const char* text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IoError(path + ": cannot write the demo's file");
  return Status::Ok();
}

// The config in the source tree when there is one (so the printed path is the file a reader
// can open), else the embedded copy written to a temporary directory.
Result<std::string> DemoConfigPath() {
  std::string in_tree = std::string(ROLLGATE_SOURCE_DIR) + "/examples/demo/rollgate.yaml";
  std::error_code ec;
  if (std::filesystem::exists(in_tree, ec)) return in_tree;
  std::string dir =
      (std::filesystem::temp_directory_path(ec) / ("rollgate-demo-" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create: " + ec.message());
  ROLLGATE_RETURN_IF_ERROR(WriteDemoFile(dir + "/rollgate.yaml", kDemoConfig));
  ROLLGATE_RETURN_IF_ERROR(WriteDemoFile(dir + "/contract.yaml", kDemoContract));
  return dir + "/rollgate.yaml";
}

void Heading(const std::string& text) {
  bool color = UseColor(STDOUT_FILENO);
  std::printf("\n%s\n", AnsiPaint(color, "1;36", text).c_str());
}

}  // namespace

int RunDemoCommand(const DemoArgs& args) {
  Result<std::string> config = DemoConfigPath();
  if (!config.ok()) return ReportError(config.status());

  mock::MockOptions opts;
  opts.keys = {kNewKey, kRollbackKey};
  opts.models = {"gpt-5.4-mini", "gpt-4o-mini"};
  opts.on_error = [](const std::string& message) {  // else a failing handler is a silent 500
    std::fprintf(stderr, "rollgate demo: mock error: %s\n", message.c_str());
  };
  Result<std::unique_ptr<mock::MockServer>> mock = mock::MockServer::Start("127.0.0.1:0", opts);
  if (!mock.ok()) return ReportError(mock.status());
  mock::MockServer& provider = **mock;
  Status st;

  // The runs read the mock's URL and keys from here: the process environment is never written
  // while the mock's threads run.
  EnvironmentWithVars env;
  env.vars = {{"ROLLGATE_DEMO_BASE_URL", provider.base_url()},
              {"ROLLGATE_DEMO_KEY_NEW", kNewKey},
              {"ROLLGATE_DEMO_KEY_ROLLBACK", kRollbackKey}};

  std::printf(
      "rollgate demo: can the new release AND its rollback still make a minimal Chat Completions "
      "call?\n");
  std::printf("  mock provider  %s (CometAPI flavour, started in-process)\n",
              provider.base_url().c_str());
  std::printf("  config         %s\n", config->c_str());

  Heading("1. Both releases healthy: the gate passes");
  RunOptions options;
  options.evidence_dir = args.evidence_dir + "/demo-pass";
  options.env = &env;
  RunReport pass;
  st = RunFromFile(*config, options, &pass);
  if (!st.ok()) return ReportError(st);
  PrintReport(pass);

  Heading("2. The rollback's secret was rotated, but its config still reads the old key");
  env.vars["ROLLGATE_DEMO_KEY_ROLLBACK"] = kRotatedKey;
  options.evidence_dir = args.evidence_dir + "/demo-block";
  RunReport block;
  st = RunFromFile(*config, options, &block);
  if (!st.ok()) return ReportError(st);
  PrintReport(block);
  provider.Stop();

  const ReleaseReport* rollback = block.FindRelease("rollback");
  const CheckResult* auth = rollback ? rollback->FindCheck("authentication") : nullptr;
  bool as_expected = pass.passed() && !block.passed() && auth && auth->status == CheckStatus::kFail;

  Heading("What an operator does next");
  std::printf(
      "  - The gate blocked before traffic moved: the rollback release (2.3.1) would fail with 401 "
      "the\n"
      "    moment you rolled back to it. Rolling forward is not the risk here; rolling back is.\n"
      "  - Restore the rollback's secret at its source (here: env ROLLGATE_DEMO_KEY_ROLLBACK; in "
      "production\n"
      "    the secret file or manager the old release mounts), then prove it alone:\n"
      "      rollgate check --config %s --release rollback\n"
      "  - Re-run the gate; attach %s/demo-block/summary.md (or junit.xml) to the change ticket.\n",
      config->c_str(), args.evidence_dir.c_str());
  if (!as_expected) {
    std::fprintf(stderr,
                 "rollgate demo: the demo did not behave as designed (pass, then block on "
                 "authentication)\n");
    return ToInt(ExitCode::kBlock);
  }
  return ToInt(ExitCode::kPass);
}

}  // namespace rollgate::cli
