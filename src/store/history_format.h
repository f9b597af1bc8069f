// How `rollgate history` shows the history to people: tables. Pure functions of what
// history_store.h returns; no I/O. The JSON for scripts is evidence/history_json.h's.
#pragma once

#include <string>
#include <vector>

#include "store/history_store.h"

namespace rollgate::internal {

/// Two tables: the runs, newest first, and the last known good release per service/release.
std::string RenderHistoryTable(const std::string& db_path, const std::vector<HistoryRun>& runs,
                               const std::vector<LastKnownGood>& last_known_good);

/// `rollgate history --fleet`: the newest gate or drill run of each service, blocked services
/// first, with a count line.
std::string RenderFleetHistoryTable(const std::string& db, const std::vector<HistoryRun>& latest);

}  // namespace rollgate::internal
