// Shared by the command files: printing, exit codes, signals. Only cli/ prints or exits.
#pragma once

#include <csignal>
#include <string>
#include <string_view>
#include <thread>

#include "rollgate/cancel.h"
#include "rollgate/display.h"
#include "rollgate/exit_code.h"
#include "rollgate/report.h"
#include "rollgate/status.h"

namespace rollgate::cli {

/// Prints "rollgate: error: <message>" to stderr and returns the exit code for the Status:
/// 2 for usage/config errors, 3 for everything else.
int ReportError(const Status& status);

/// `name` in the directory of the running binary's real file (/proc/self/exe, so a symlinked
/// binary finds its siblings); empty when /proc is not readable.
std::string PathBesideSelf(const std::string& name);

/// The wall-clock time now, "2026-11-25T10:03:07.123Z", for log lines.
std::string NowIsoUtc();

/// A help footer: "\nExample:\n" + text.
std::string HelpExample(const std::string& text);

/// Colour only on a terminal and never with NO_COLOR set.
bool UseColor(int fd);

/// Writes `text` to stdout and flushes it. A reader that went away (EPIPE: `rollgate … | head
/// -1`, a closed terminal) never stops rollgate: SIGPIPE is ignored (app.cc), the first failed
/// write says so once on stderr, and the run carries on: evidence written, exit code unchanged.
void WriteStdout(std::string_view text);

/// Prints the report table to stdout and returns the exit code: 128+N when a signal N
/// interrupted the run (`report.interrupted`), else the one for its decision. `signal` is the
/// number behind report.signal.
int PrintReport(const RunReport& report, int signal = 0);

/// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (call before starting threads, so
/// every thread inherits the mask) and returns the set, for WaitForSignal.
sigset_t BlockTerminationSignals();
/// Waits until SIGINT, SIGTERM or SIGHUP arrives; returns the signal number.
int WaitForSignal(const sigset_t& set);

/// The one place gate, check, drill and rehearse take their signals: SIGINT, SIGTERM and SIGHUP
/// are blocked in every thread and one thread of its own turns the first of them into
/// token->Cancel(signal), with one line on stderr. Later signals only log that they are
/// ignored (the drill must finish restoring the route; everything else is already stopping).
/// Construct it before any other thread starts; it stops its thread when destroyed.
class SignalCanceller {
 public:
  /// `command` names the command in the lines it prints; `on_signal` says what happens next
  /// ("stopping; the evidence is still written"), `on_again` why a later signal is ignored.
  SignalCanceller(CancelToken* token, std::string command, std::string on_signal,
                  std::string on_again);
  ~SignalCanceller();
  SignalCanceller(const SignalCanceller&) = delete;
  SignalCanceller& operator=(const SignalCanceller&) = delete;

 private:
  void Loop();

  CancelToken* token_;
  std::string command_, on_signal_, on_again_;
  int signal_fd_ = -1;
  int stop_fd_ = -1;
  std::thread thread_;
};

}  // namespace rollgate::cli
