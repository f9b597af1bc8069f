#include "cli/cli_common.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "evidence/evidence.h"
#include "gate/gates.h"

namespace rollgate::cli {

int ReportError(const Status& status) {
  std::fprintf(stderr, "rollgate: error: %s\n", status.message().c_str());
  return ToInt(status.code() == Status::Code::kInvalidArgument ? ExitCode::kUsage
                                                               : ExitCode::kInternal);
}

std::string PathBesideSelf(const std::string& name) {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : (self.parent_path() / name).string();
}

std::string HelpExample(const std::string& text) { return "\nExample:\n" + text + "\n"; }

bool UseColor(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return ::isatty(fd) == 1;
}

int PrintReport(const RunReport& report) {
  internal::ConsoleStyle style;
  style.color = UseColor(STDOUT_FILENO);
  std::string text = internal::RenderConsole(report, style);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  for (const std::string& w : report.warnings) std::fprintf(stderr, "rollgate: warning: %s\n", w.c_str());
  return ToInt(internal::ExitCodeFor(report.decision));
}

sigset_t BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int WaitForSignal(const sigset_t& set) {
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

}  // namespace rollgate::cli
