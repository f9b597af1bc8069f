#include "store/history_append.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "base/strings.h"
#include "config/resolver.h"

namespace rollgate::internal {

Result<int64_t> AppendWithRetry(HistoryStore& store, const RunReport& report,
                                const std::string& gate_json, const AppendOptions& options,
                                const HistoryRetryPolicy& policy, const HistorySleepFn& sleep) {
  const auto start = std::chrono::steady_clock::now();
  int64_t backoff = policy.first_backoff_ms;
  Status last;
  for (int attempt = 1; attempt <= std::max(1, policy.attempts); ++attempt) {
    Result<int64_t> id = store.Append(report, gate_json, options);
    if (id.ok()) return id;
    last = id.status();
    if (last.code() != Status::Code::kIoError || attempt >= policy.attempts) break;
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
    if (spent + backoff > policy.max_total_ms) break;
    if (sleep) {
      sleep(backoff);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
    }
    backoff = std::min(backoff * 2, policy.max_backoff_ms);
  }
  return last;
}

Result<HistoryLocation> ResolveHistoryLocation(const HistoryConfig& history,
                                               const std::string& config_dir,
                                               const Environment& env, Redactor* redactor) {
  ROLLGATE_ASSIGN_OR_RETURN(HistoryLocation location, LocateHistory(history.db, "history.db"));
  if (!history.password) return location;
  Resolver resolver(env, config_dir);
  ResolvedValue password = resolver.Resolve(*history.password, /*secret=*/true);
  if (!password.ok) return Status::InvalidArgument("history.password: " + password.error);
  location.password = TrimTrailingNewlines(password.value);
  if (location.password.empty()) {
    return Status::InvalidArgument("history.password: " + password.provenance + " is empty");
  }
  if (redactor) redactor->AddSecret(location.password);
  return location;
}

std::string RecordRunInHistory(const HistoryConfig& history, const std::string& config_dir,
                               const Environment& env, const RunReport& report,
                               const std::string& gate_json, Redactor* redactor,
                               const AppendOptions& options) {
  Redactor own;
  Redactor& scrub = redactor ? *redactor : own;
  auto warning = [&](const Status& st) {
    // The store's own messages already start with its name: say it once.
    std::string why = st.message();
    if (why.rfind(history.db + ": ", 0) == 0) why = why.substr(history.db.size() + 2);
    return scrub.Redact("the run was not recorded in the history " + history.db + ": " + why +
                        "; its verdict and evidence stand");
  };
  Result<HistoryLocation> location = ResolveHistoryLocation(history, config_dir, env, &scrub);
  if (!location.ok()) return warning(location.status());
  Result<std::unique_ptr<HistoryStore>> store = OpenHistoryStore(*location);
  if (!store.ok()) return warning(store.status());
  Result<int64_t> id = AppendWithRetry(**store, report, gate_json, options);
  if (!id.ok()) return warning(id.status());
  return "";
}

}  // namespace rollgate::internal
