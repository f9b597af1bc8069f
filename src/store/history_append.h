// Recording a finished run without ever losing its verdict. The evidence is already written
// when the history is appended to, so a history that cannot be reached (a PostgreSQL server
// restarting, a network cut, a file locked for too long) costs a bounded wait and a warning,
// never the run's exit code.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/environment.h"
#include "base/secret.h"
#include "rollgate/config.h"
#include "store/history_store.h"

namespace rollgate::internal {

/// Appends that fail with an IoError (the connection was lost or refused, the file is busy)
/// are tried again after a doubling backoff; other failures (not a rollgate history, a newer
/// schema, a login refused for lack of privileges) are not.
struct HistoryRetryPolicy {
  int attempts = 5;                // in all, the first included
  int64_t first_backoff_ms = 250;  // then 500, 1000, 2000: about 4 s of waiting in all
  int64_t max_backoff_ms = 4000;
  int64_t max_total_ms = 30000;  // no attempt starts later than this after the first (each
                                 // may take a connect_timeout on a network that drops packets)
};

using HistorySleepFn = std::function<void(int64_t ms)>;

/// Appends with retries (`sleep` waits between attempts; null: the real sleep) and returns the
/// run's id or the last failure.
Result<int64_t> AppendWithRetry(HistoryStore& store, const RunReport& report,
                                const std::string& gate_json, const AppendOptions& options,
                                const HistoryRetryPolicy& policy = {},
                                const HistorySleepFn& sleep = nullptr);

/// The location `history` names, with history.password resolved from its source (relative
/// paths against `config_dir`). The password is added to `redactor`. InvalidArgument, naming
/// history.password and its source, when it does not resolve.
Result<HistoryLocation> ResolveHistoryLocation(const HistoryConfig& history,
                                               const std::string& config_dir,
                                               const Environment& env, Redactor* redactor);

/// What gate, check and drill do after writing the evidence: resolve, open, append with
/// retries. OK when the run is recorded, else the failure (its message redacted, without the
/// history's name in front); the caller turns it into HistoryNotRecordedWarning, never into
/// the verdict.
Status RecordRunInHistory(const HistoryConfig& history, const std::string& config_dir,
                          const Environment& env, const RunReport& report,
                          const std::string& gate_json, Redactor* redactor,
                          const AppendOptions& options = {});

/// The warning line for a run RecordRunInHistory could not record: names the history `db` and
/// says the verdict and evidence stand. Redact it with the run's redactor before showing it.
std::string HistoryNotRecordedWarning(const std::string& db, const Status& failure);

}  // namespace rollgate::internal
