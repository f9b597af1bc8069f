// The fleet's progress on a terminal: "rollgate gate: 1234/2000 services done, 3 blocked",
// rewritten in place on stderr while the fleet runs. Only on a TTY (never in a pipe, a log or
// CI output), and only once the run has taken a second, so a quick fleet prints nothing more.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

#include "rollgate/run.h"

namespace rollgate::cli {

/// "1234/2000 services done, 3 blocked" (no line ending).
std::string FleetProgressText(const FleetProgress& progress);

class FleetProgressLine {
 public:
  /// Does nothing at all unless `is_tty`. The line goes to `fd` (stderr).
  FleetProgressLine(int fd, bool is_tty);
  /// Erases the line if it was shown, so the summary starts on a clean line.
  ~FleetProgressLine();
  FleetProgressLine(const FleetProgressLine&) = delete;
  FleetProgressLine& operator=(const FleetProgressLine&) = delete;

  /// FleetOptions::on_progress: thread-safe; the line is redrawn by its own thread at most
  /// every 200 ms, so a fleet finishing thousands of services writes a few lines a second.
  void Update(const FleetProgress& progress);

 private:
  void Draw();  // the ticker thread

  const int fd_;
  std::mutex mu_;
  std::condition_variable wake_;
  FleetProgress latest_;  // guarded by mu_
  bool stop_ = false;     // guarded by mu_
  bool shown_ = false;    // ticker thread only
  std::thread ticker_;
};

}  // namespace rollgate::cli
