// How `rollgate history` shows the history: a table for people, JSON for scripts. Pure
// functions of what history_store.h returns; no I/O.
#pragma once

#include <string>
#include <vector>

#include "store/history_store.h"

namespace rollgate::internal {

/// {"db": ..., "runs": [...newest first], "last_known_good": [...]}; times as ISO-8601 UTC.
std::string RenderHistoryJson(const std::string& db_path, const std::vector<HistoryRun>& runs,
                              const std::vector<LastKnownGood>& last_known_good);

/// Two tables: the runs, newest first, and the last known good release per service/release.
std::string RenderHistoryTable(const std::string& db_path, const std::vector<HistoryRun>& runs,
                               const std::vector<LastKnownGood>& last_known_good);

}  // namespace rollgate::internal
