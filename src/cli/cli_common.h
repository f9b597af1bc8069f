// Shared by the command files: printing, exit codes, signals. Only cli/ prints or exits.
#pragma once

#include <csignal>
#include <string>

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

/// A help footer: "\nExample:\n" + text.
std::string HelpExample(const std::string& text);

/// Colour only on a terminal and never with NO_COLOR set.
bool UseColor(int fd);

/// Prints the report table to stdout and returns the exit code for its decision.
int PrintReport(const RunReport& report);

/// Blocks SIGINT and SIGTERM in the calling thread (call before starting threads, so every
/// thread inherits the mask) and returns the set, for WaitForSignal.
sigset_t BlockTerminationSignals();
/// Waits until SIGINT or SIGTERM arrives; returns the signal number.
int WaitForSignal(const sigset_t& set);

}  // namespace rollgate::cli
