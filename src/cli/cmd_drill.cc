// `rollgate drill`: the rollback switch drill, with live progress on a terminal and timestamped
// lines otherwise. SIGINT/SIGTERM stop it safely: the route is switched back to rollback first.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "base/strings.h"
#include "cli/ci_env.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "config/loader.h"
#include "drill/drill.h"

namespace rollgate::cli {

namespace {

// Renders drill progress: one rewritten status line on a TTY, plain lines otherwise.
class Progress {
 public:
  explicit Progress(bool tty) : tty_(tty) {}

  void OnStep(const DrillStep& s, bool finished) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!finished) {
      step_ = s;
      waiting_ = "";
      started_ = std::chrono::steady_clock::now();
      if (!tty_) Line("step " + std::to_string(s.number) + "/8 " + s.name + ": started");
      return;
    }
    if (tty_) std::fputs("\r\033[K", stdout);
    Line("step " + std::to_string(s.number) + "/8 " + s.name + ": " + ToString(s.status) + " - " + s.detail);
    step_.number = 0;
  }
  void OnWait(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    waiting_ = what;
    if (!tty_) Line("  waiting for " + what);
  }
  // Called every few hundred ms on a TTY: "step 5 of 8 ... waiting for ... (3.2 s)".
  void Tick() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!tty_ || step_.number == 0) return;
    double elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    std::string text = "step " + std::to_string(step_.number) + " of 8: " + step_.name +
                       (waiting_.empty() ? "" : ", waiting for " + waiting_) + " (" +
                       internal::FormatDurationMs(elapsed) + ")";
    std::printf("\r\033[K%s", text.substr(0, 200).c_str());
    std::fflush(stdout);
  }

 private:
  void Line(const std::string& text) {
    std::printf("%s %s\n", internal::FormatIsoUtc(internal::SystemClock::Get().NowUnixMs()).c_str(), text.c_str());
    std::fflush(stdout);
  }
  bool tty_;
  std::mutex mu_;
  DrillStep step_;
  std::string waiting_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

int RunDrillCommand(const DrillArgs& args) {
  Result<Config> config = internal::LoadConfig(args.config);
  if (!config.ok()) return ReportError(config.status());
  CiOutputs ci(args.dotenv);
  ci.BeginConsole();  // the progress lines quote provider text too

  // Signals are taken by a thread of our own: the drill must restore the route, not die.
  sigset_t signals = BlockTerminationSignals();
  std::atomic<bool> cancel{false}, done{false};
  std::thread signal_thread([&] {
    timespec wait = {0, 100 * 1000 * 1000};
    while (!done.load()) {
      if (sigtimedwait(&signals, nullptr, &wait) > 0) {
        cancel.store(true);
        std::fprintf(stderr, "\nrollgate drill: interrupted; switching the route back to rollback before exiting\n");
      }
    }
  });

  Progress progress(::isatty(STDOUT_FILENO) == 1);
  std::thread ticker([&] {
    while (!done.load()) {
      progress.Tick();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  internal::DrillHooks hooks;
  hooks.on_step = [&](const DrillStep& s, bool finished) { progress.OnStep(s, finished); };
  hooks.on_wait = [&](const std::string& w) { progress.OnWait(w); };

  RunOptions options;
  options.command = "drill";
  options.evidence_dir = args.evidence_dir;
  RunReport report;
  Status st = internal::RunDrill(*config, options, internal::RunSeams{}, hooks, &cancel, &report);
  done.store(true);
  ticker.join();
  signal_thread.join();
  if (!st.ok()) return ReportError(st);
  std::printf("\n");
  int rc = PrintReport(report);
  if (cancel.load()) {
    std::fprintf(stderr, "rollgate drill: interrupted; the route was left on %s\n", report.route_left_on.c_str());
    rc = ToInt(ExitCode::kBlock);
  }
  return ci.Publish(report, args.evidence_dir, rc);
}

}  // namespace rollgate::cli
