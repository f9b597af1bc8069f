// The pipeline behind `gate` and `check`, with its seams exposed for tests.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/environment.h"
#include "base/file_util.h"
#include "base/secret.h"
#include "gate/consistency.h"
#include "gate/gates.h"
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
  /// When set, more secrets the run's redactor scrubs from every output, beside the ones it
  /// resolves: `rollgate rehearse` runs on rehearsal keys, and the real keys they stand in
  /// for can still appear in what the app writes. Not owned.
  const std::vector<std::string>* extra_secrets = nullptr;
};

Status RunPipeline(const Config& config, const RunOptions& options, const RunSeams& seams,
                   RunReport* report);

class Pipeline;  // runner.cc

/// One service's pipeline in its phases, for runs that share one transport across many
/// configs (the fleet, run/fleet.cc): Prepare (contract, values), Launch (every call on the
/// transport; exec probes on threads appended to `threads`), Finish (checks, gates, evidence)
/// once every call is answered. `config`, `options` and `seams` must outlive it.
class ServicePipeline {
 public:
  ServicePipeline(const Config& config, const RunOptions& options, const RunSeams& seams,
                  RunReport* report);
  ~ServicePipeline();
  /// `contract`: the config's contract already loaded (a fleet reads each file once); null:
  /// read it from the config's `contract:` path.
  Status Prepare(const ContractState* contract = nullptr);
  void Launch(HttpTransport* transport, std::vector<std::thread>* threads);
  Status Finish();

 private:
  std::unique_ptr<Pipeline> impl_;
};

/// The contract at `path` ("" : none configured): loaded, or kMissing with the reason (a gate
/// finding); InvalidArgument when it is there but not a contract (exit 2).
Status LoadContractState(const std::string& path, ContractState* out);

/// Runs many configs' gates on one shared transport, at most `concurrency` requests at once.
/// options[i] belongs to configs[i]; reports gets one RunReport per config, in order. Each
/// service is prepared when it is launched and finished (checks, gates, evidence staged) on a
/// worker thread as soon as its last call is answered; then its config is cleared and its
/// report cut to what the fleet summary needs (KeepFleetSummaryOnly). `on_progress` (may be
/// empty) is called after each, one call at a time.
Status RunFleetPipelines(std::vector<Config>* configs, const std::vector<RunOptions>& options,
                         std::size_t concurrency, std::vector<RunReport>* reports,
                         const std::function<void(const FleetProgress&)>& on_progress = {});

/// Cuts a finished run's report to what the fleet's summary, exit code and CI outputs read:
/// command, service, files, times, decision, gates, warnings, interruption, and each release's
/// name and version. Attempts, checks, parsed fields and provenance are in its evidence.
void KeepFleetSummaryOnly(RunReport* report);

/// A fresh correlation id, "rg-" + 16 hex digits, sent as X-Client-Request-Id.
std::string NewClientRequestId();

}  // namespace rollgate::internal
