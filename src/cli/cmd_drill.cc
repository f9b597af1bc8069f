// `rollgate drill`: the rollback switch drill, with live progress on a terminal and timestamped
// lines otherwise. SIGINT/SIGTERM/SIGHUP stop it safely: the route is switched back to rollback
// and verified first (a second signal does not cut that short), then the evidence is written and
// rollgate exits 128+N. A closed stdout (`| head -1`) stops nothing.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>

#include "cli/ci_env.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "rollgate/drill.h"

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
    if (tty_) WriteStdout("\r\033[K");
    Line("step " + std::to_string(s.number) + "/8 " + s.name + ": " + ToString(s.status) + " - " +
         s.detail);
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
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
            .count();
    std::string text = "step " + std::to_string(step_.number) + " of 8: " + step_.name +
                       (waiting_.empty() ? "" : ", waiting for " + waiting_) + " (" +
                       FormatDurationMs(elapsed) + ")";
    WriteStdout("\r\033[K" + text.substr(0, 200));
  }

 private:
  void Line(const std::string& text) { WriteStdout(NowIsoUtc() + " " + text + "\n"); }
  bool tty_;
  std::mutex mu_;
  DrillStep step_;
  std::string waiting_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

int RunDrillCommand(const DrillArgs& args) {
  CiOutputs ci(args.dotenv);
  ci.BeginConsole();  // the progress lines quote provider text too

  // Signals are taken by a thread of our own: the drill must restore the route, not die.
  CancelToken cancel;
  SignalCanceller signals(&cancel, "drill",
                          "switching the route back to rollback and verifying it before exiting",
                          "the rollback route is being restored and verified first");

  Progress progress(::isatty(STDOUT_FILENO) == 1);
  std::mutex done_mu;
  std::condition_variable done_cv;
  bool done = false;
  std::thread ticker([&] {
    std::unique_lock<std::mutex> lock(done_mu);
    while (!done_cv.wait_for(lock, std::chrono::milliseconds(200), [&] { return done; }))
      progress.Tick();
  });
  DrillHooks hooks;
  hooks.on_step = [&](const DrillStep& s, bool finished) { progress.OnStep(s, finished); };
  hooks.on_wait = [&](const std::string& w) { progress.OnWait(w); };

  RunOptions options;
  options.command = Command::kDrill;
  options.evidence_dir = args.evidence_dir;
  options.cancel = &cancel;
  RunReport report;
  Status st = RunDrillFromFile(args.config, options, hooks, &report);
  {
    std::lock_guard<std::mutex> lock(done_mu);
    done = true;
  }
  done_cv.notify_all();
  ticker.join();
  if (!st.ok()) return ReportError(st);
  WriteStdout("\n");
  int rc = PrintReport(report, cancel.signal());
  // What the operator must do by hand, where it cannot be missed (also on stderr, which still
  // reaches the terminal when stdout went to `head` or a file).
  if (report.route_left_on != "rollback") {
    const CheckResult* gate = report.FindGate("rollback_switch_drill");
    std::string line =
        gate ? gate->detail : "ROUTE STATE UNKNOWN: switch the route back to rollback by hand";
    bool color = UseColor(STDOUT_FILENO);
    WriteStdout("\n" + AnsiPaint(color, "1;31", line) + "\n");
    std::fprintf(stderr, "rollgate drill: %s\n", line.c_str());
  }
  if (report.interrupted) {
    std::fprintf(
        stderr,
        "rollgate drill: interrupted by %s; the route was left on %s (observed); decision block\n",
        report.signal.c_str(), report.route_left_on.c_str());
  }
  return ci.Publish(report, args.evidence_dir, rc);
}

}  // namespace rollgate::cli
