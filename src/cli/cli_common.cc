#include "cli/cli_common.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "rollgate/environment.h"
#include "rollgate/run.h"

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

std::string NowIsoUtc() { return FormatIsoUtc(ProcessClock().NowUnixMs()); }

std::string HelpExample(const std::string& text) { return "\nExample:\n" + text + "\n"; }

bool UseColor(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return ::isatty(fd) == 1;
}

void WriteStdout(std::string_view text) {
  static std::atomic<bool> reader_gone{false};
  if (reader_gone.load()) return;  // nobody reads: do not spend more writes on it
  errno = 0;
  bool ok = std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
  ok = std::fflush(stdout) == 0 && ok;
  if (!ok && errno == EPIPE && !reader_gone.exchange(true)) {
    std::fprintf(
        stderr,
        "rollgate: stdout was closed (its reader went away); carrying on: the evidence is still "
        "written and the exit code still tells the outcome\n");
  }
}

int PrintReport(const RunReport& report, int signal) {
  WriteStdout(RenderRunConsole(report, UseColor(STDOUT_FILENO)));
  for (const std::string& w : report.warnings)
    std::fprintf(stderr, "rollgate: warning: %s\n", w.c_str());
  if (report.interrupted && signal > 0) return ExitCodeForSignal(signal);
  return ToInt(ExitCodeFor(report));
}

sigset_t BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

SignalCanceller::SignalCanceller(CancelToken* token, std::string command, std::string on_signal,
                                 std::string on_again)
    : token_(token),
      command_(std::move(command)),
      on_signal_(std::move(on_signal)),
      on_again_(std::move(on_again)) {
  sigset_t set = BlockTerminationSignals();
  // A signalfd and an eventfd rather than sigwait: the thread can then be woken to stop
  // without inventing a signal for it, and joined at once (no polling interval at exit).
  signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (signal_fd_ < 0 || stop_fd_ < 0) {
    std::fprintf(
        stderr,
        "rollgate %s: warning: cannot watch for signals (%s); SIGINT/SIGTERM/SIGHUP stay blocked\n",
        command_.c_str(), std::strerror(errno));
    return;
  }
  thread_ = std::thread([this] { Loop(); });
}

SignalCanceller::~SignalCanceller() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t w = ::write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  for (int fd : {signal_fd_, stop_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void SignalCanceller::Loop() {
  while (true) {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    signalfd_siginfo info{};
    if (::read(signal_fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    int sig = static_cast<int>(info.ssi_signo);
    std::string name = SignalName(sig);
    if (token_->Cancel(sig)) {
      std::fprintf(stderr, "\nrollgate %s: %s received: %s\n", command_.c_str(), name.c_str(),
                   on_signal_.c_str());
    } else {
      std::fprintf(stderr, "rollgate %s: %s received again: ignored; %s\n", command_.c_str(),
                   name.c_str(), on_again_.c_str());
    }
    std::fflush(stderr);
  }
}

int WaitForSignal(const sigset_t& set) {
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

}  // namespace rollgate::cli
