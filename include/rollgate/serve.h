// The long-running mode (the `rollgate serve` command; docs/serve.md): scheduled gates, a
// webhook to run one, /metrics and /healthz, the history shared by replicas.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "rollgate/status.h"

namespace rollgate {

struct ServeRequest {
  std::string config;        // rollgate.yaml with a serve: section
  std::string listen;        // HOST:PORT (a literal address); empty: serve.listen from the config
  std::string evidence_dir;  // empty: runs write no evidence files (the history has gate.json)
  /// Receives one redacted line per event (from several threads, one call per line); null:
  /// silent.
  std::function<void(const std::string& line)> log;
};

/// A running `serve`. Destroying it shuts it down.
class Server {
 public:
  /// Loads the config, checks the listen address, resolves serve.token and history.password,
  /// opens the history and binds the port. InvalidArgument (exit 2) for bad input, naming the
  /// file or flag; IoError (exit 3) when the port cannot be bound.
  static Result<std::unique_ptr<Server>> Start(const ServeRequest& request);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::string url() const;
  /// The host it listens on when that is not a loopback literal ("" otherwise): /metrics and
  /// /healthz are then open to that network, which the caller should say.
  const std::string& beyond_loopback() const { return beyond_loopback_; }
  /// Stops the schedule and the listener, cancels the run in flight (an interrupted block,
  /// naming `signal` when one asked for the stop) and flushes the history. Idempotent.
  void Shutdown(int signal = 0);

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string beyond_loopback_;
};

}  // namespace rollgate
