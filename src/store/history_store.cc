// placeholder: the SQLite history store is being written (issue: serve and history).
#include "store/history_store.h"

namespace rollgate::internal {

Status AppendToHistory(const std::string& db_path, const RunReport&, const std::string&) {
  return Status::Internal("history is not implemented yet (" + db_path + ")");
}

Result<std::vector<HistoryRun>> ListHistory(const std::string&, const HistoryQuery&) {
  return Status::Internal("history is not implemented yet");
}

Result<std::vector<LastKnownGood>> LastKnownGoodReleases(const std::string&) {
  return Status::Internal("history is not implemented yet");
}

}  // namespace rollgate::internal
