// A local instance of an `http` release for `rollgate rehearse` (`rehearse: {command: [...]}`):
// the release's own server started with its client's variables pointed at the mode's mock, on a
// free loopback port, so the rehearsal calls its smoke route and the app's own client meets
// every fault. Internal to rehearse/.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/environment.h"
#include "base/secret.h"
#include "base/subprocess.h"
#include "rollgate/cancel.h"
#include "rollgate/status.h"

namespace rollgate::internal {

struct LocalInstanceOptions {
  std::string release;
  /// argv; `{port}` in any argument becomes the port; a relative program (one with a '/') is
  /// resolved against `dir`, which is also its working directory (as exec commands are).
  std::vector<std::string> command;
  std::string dir;
  /// NAME=VALUE added to its environment (AppVariables); ROLLGATE_REHEARSE_PORT is added here.
  std::vector<std::string> env;
  int ready_timeout_ms = 15000;          // how long it may take to accept connections on its port
  int max_lifetime_ms = 15 * 60 * 1000;  // a bound on the instance, should Stop() never come
  CancelToken* cancel = nullptr;         // not owned: a cancelled rehearsal stops the instance too
  /// Not owned; the rehearsal's (every secret it resolved). Start's messages quote the command
  /// and the end of the instance's stderr, an app's own output that may log its key: both are
  /// scrubbed by it before they are cut or escaped for display. Null: nothing is scrubbed.
  const Redactor* redactor = nullptr;
  /// Not owned; must outlive the instance. Null: the process's. How the program is found
  /// (FindProgram) and run (Run, with `env` added), as an exec release's command is.
  const Environment* environment = nullptr;
};

/// Runs the command through RunCommand (its process group, bounded output, stopped by SIGTERM
/// then SIGKILL and reaped) on a thread of its own, for as long as the rehearsal needs it.
class LocalInstance {
 public:
  LocalInstance() = default;
  ~LocalInstance();  // Stop()s
  LocalInstance(const LocalInstance&) = delete;
  LocalInstance& operator=(const LocalInstance&) = delete;

  /// Starts it and returns once it accepts connections on 127.0.0.1:port (a bounded poll).
  /// IoError naming the release and the command when it cannot start, exits
  /// before it is ready (with the end of its stderr, scrubbed by options.redactor) or is not
  /// ready in time (then stopped).
  Status Start(const LocalInstanceOptions& options);
  /// Stops its process group and reaps it. Idempotent.
  void Stop();
  int port() const { return port_; }
  /// "http://127.0.0.1:PORT".
  std::string url() const;

 private:
  CancelToken stop_;
  std::thread runner_;
  std::atomic<bool> exited_{false};
  std::mutex mu_;  // guards result_ and run_error_
  CommandResult result_;
  Status run_error_;
  int port_ = 0;
};

/// `url` with its scheme, host and port replaced by `base` ("http://127.0.0.1:9"): the
/// release's smoke route on the local instance.
std::string OnInstance(const std::string& url, const std::string& base);

}  // namespace rollgate::internal
