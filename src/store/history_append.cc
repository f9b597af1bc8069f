#include "store/history_append.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <utility>

#include "base/strings.h"
#include "config/resolver.h"

namespace rollgate::internal {

namespace {

// `st` with `message` in place of its own, the code kept.
Status WithMessage(const Status& st, std::string message) {
  switch (st.code()) {
    case Status::Code::kOk:
      return st;
    case Status::Code::kInvalidArgument:
      return Status::InvalidArgument(std::move(message));
    case Status::Code::kNotFound:
      return Status::NotFound(std::move(message));
    case Status::Code::kIoError:
      return Status::IoError(std::move(message));
    case Status::Code::kInternal:
      break;
  }
  return Status::Internal(std::move(message));
}

}  // namespace

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

Status RecordRunInHistory(const HistoryConfig& history, const std::string& config_dir,
                          const Environment& env, const RunReport& report,
                          const std::string& gate_json, Redactor* redactor,
                          const AppendOptions& options) {
  Redactor own;
  Redactor& scrub = redactor ? *redactor : own;
  Status st = [&]() -> Status {
    ROLLGATE_ASSIGN_OR_RETURN(HistoryLocation location,
                              ResolveHistoryLocation(history, config_dir, env, &scrub));
    ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<HistoryStore> store, OpenHistoryStore(location));
    return AppendWithRetry(*store, report, gate_json, options).status();
  }();
  if (st.ok()) return st;
  // The store's own messages already start with its name: the warning says it once.
  std::string why = st.message();
  if (why.rfind(history.db + ": ", 0) == 0) why = why.substr(history.db.size() + 2);
  return WithMessage(st, scrub.Redact(why));
}

std::string HistoryNotRecordedWarning(const std::string& db, const Status& failure) {
  return "the run was not recorded in the history " + db + ": " + failure.message() +
         "; its verdict and evidence stand";
}

}  // namespace rollgate::internal
