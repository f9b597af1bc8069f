// `rollgate serve`: scheduled, capped gate runs; Prometheus /metrics; the Flagger and Argo
// webhooks and POST /run, all behind one run coordinator so runs never overlap.
//
// Threads: the HTTP server's workers (each request; a run started by a webhook runs on its
// worker), the scheduler's thread (scheduled runs), and the coordinator's watchdog. No thread
// is started before Start() and every one is joined by Shutdown().
//
// Routes: GET /metrics and GET /healthz are open (nothing secret is in them); POST
// /hooks/flagger, GET|POST /hooks/argo and POST /run require Authorization: Bearer
// <serve.token>, and refuse with 403 when no token is configured.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "base/environment.h"
#include "base/secret.h"
#include "http_server/http_server.h"
#include "rollgate/config.h"
#include "rollgate/status.h"
#include "serve/bearer_auth.h"
#include "serve/gate_metrics.h"
#include "serve/run_coordinator.h"
#include "serve/scheduler.h"
#include "serve/webhooks.h"
#include "store/history_store.h"

namespace rollgate::internal {

struct ServeOptions {
  std::string listen;        // HOST:PORT; empty: serve.listen from the config
  std::string evidence_dir;  // empty: runs write no evidence files (the history has gate.json)
  LogFn log;                 // receives one redacted line per event; null: silent

  // Seams, for tests. Null means the real thing.
  const Environment* env = nullptr;  // resolves serve.token and the releases' values
  const Clock* clock = nullptr;      // dates runs, drives the caps' UTC days
  ScheduleTimer* timer = nullptr;    // the schedule's time
  ScheduleJitterFn jitter;           // the schedule's jitter
  GateRunner runner;                 // one gate run; default: the real pipeline over `config`
};

class ServeService {
 public:
  ServeService(Config config, ServeOptions options);
  ~ServeService();  // Shutdown()
  ServeService(const ServeService&) = delete;
  ServeService& operator=(const ServeService&) = delete;

  /// Resolves serve.token and history.password, opens the history (an SQLite one for this
  /// process alone), seeds the caps and last-success metrics from it, binds the listen address
  /// and starts the schedule (on slots claimed in a shared history). InvalidArgument (exit 2)
  /// for a token or password that does not resolve, a bad listen address, a history that is not
  /// a rollgate history or an SQLite history another serve of this service holds; IoError
  /// (exit 3) when the port cannot be bound.
  Status Start();

  /// The SIGTERM sequence: refuse new runs, stop the schedule, stop accepting connections,
  /// cancel the run in flight (recorded as an interrupted block, with `signal` when one asked
  /// for the stop), flush the history. Idempotent; the run ends within about a second, and the
  /// wait for it is bounded by 30 s.
  void Shutdown(int signal = 0);

  int port() const;
  /// "http://HOST:PORT".
  std::string url() const;

  RunCoordinator& coordinator() { return *coordinator_; }
  const GateMetrics& metrics() const { return *metrics_; }

 private:
  Status ResolveToken();
  void Log(const std::string& line) const;
  ServerResponse Authorize(const ServerRequest& request, const char* route) const;
  ServerResponse HandleFlagger(const ServerRequest& request);
  ServerResponse HandleArgo(const ServerRequest& request);
  ServerResponse HandleRun(const ServerRequest& request);
  ServerResponse RunAndAnswer(Caller caller, const char* trigger, int64_t max_age_ms,
                              const std::string& what);
  void RegisterRoutes();
  Status OpenHistory();
  // Start()'s steps, in order, after the token and the history: the run coordinator (metrics,
  // caps; `holder` names this replica in a shared history), the HTTP server, the schedule.
  Status StartCoordinator(const Clock& clock, const std::string& holder);
  Status StartHttpServer();
  void StartScheduler(const Clock& clock);
  void LogStarted(const std::string& holder) const;

  Config config_;
  ServeOptions options_;
  ServeConfig serve_;
  ScheduleConfig limits_;  // the caps apply even without a schedule (webhook-only serve)
  std::string host_;
  int port_ = 0;

  Redactor redactor_;  // serve's own secrets: the token
  std::unique_ptr<BearerAuth> auth_;
  std::unique_ptr<GateMetrics> metrics_;
  std::unique_ptr<HistoryStore> history_;  // before coordinator_, which uses it
  std::unique_ptr<RunCoordinator> coordinator_;
  std::unique_ptr<SystemScheduleTimer> own_timer_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<HttpServer> server_;

  std::mutex lifecycle_mu_;
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace rollgate::internal
