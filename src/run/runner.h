// The pipeline behind `gate` and `check`, with its seams exposed for tests.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/file_util.h"
#include "base/secret.h"
#include "base/environment.h"
#include "gate/consistency.h"
#include "probe/http_transport.h"
#include "probe/probe.h"
#include "rollgate/run.h"

namespace rollgate::internal {

struct RunSeams {
  const Environment* env = nullptr;    // null: the process environment
  const Clock* clock = nullptr;        // null: the system clock
  HttpTransport* transport = nullptr;  // null: a CurlTransport made for the run
  JitterFn jitter;                     // null: random
  /// Called with the transport before probing starts, so a signal handler can Cancel() it.
  std::function<void(HttpTransport*)> on_transport;
  /// When set, receives the run's redactor (every secret it resolved), for callers that write
  /// more output about the same run (the drill).
  Redactor* redactor_out = nullptr;
  /// When set, evidence files are staged in this batch; the caller commits it (the fleet).
  AtomicWriteBatch* evidence_batch = nullptr;
  /// When set, the retry_policy gate judges each release it names by what its client was
  /// observed doing (`rollgate rehearse`), not by its declared retry: block. Not owned.
  const std::map<std::string, ObservedRetries>* observed_retries = nullptr;
};

Status RunPipeline(const Config& config, const RunOptions& options, const RunSeams& seams,
                   RunReport* report);

/// Runs many configs' gates on one shared transport, at most `concurrency` requests at once.
/// options[i] belongs to configs[i]; reports gets one RunReport per config, in order. Each
/// service is finished (checks, gates, evidence staged) on a worker thread as soon as its last
/// call is answered; `on_progress` (may be empty) is called after each, one call at a time.
Status RunFleetPipelines(const std::vector<Config>& configs, const std::vector<RunOptions>& options,
                         std::size_t concurrency, std::vector<RunReport>* reports,
                         const std::function<void(const FleetProgress&)>& on_progress = {});

/// A fresh correlation id, "rg-" + 16 hex digits, sent as X-Client-Request-Id.
std::string NewClientRequestId();

}  // namespace rollgate::internal
