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

/// `rollgate history --fleet`: {"db", "services": [the newest gate or drill run of each
/// service], "summary": {"services", "pass", "block"}}.
std::string RenderFleetHistoryJson(const std::string& db, const std::vector<HistoryRun>& latest);

/// The same as a table, blocked services first, with a count line.
std::string RenderFleetHistoryTable(const std::string& db, const std::vector<HistoryRun>& latest);

}  // namespace rollgate::internal
