// `rollgate history --json`: the history as JSON for scripts. The JSON is the stable view
// (docs/serve.md lists its fields); the table beside it (store/history_format.h) may change
// with taste. Pure functions of the history's rows; no I/O. The rows are store/'s plain values
// (store/history_records.h): evidence/ and store/ sit side by side, and store/ never includes
// evidence/, so this edge makes no cycle.
#pragma once

#include <string>
#include <vector>

#include "store/history_records.h"

namespace rollgate::internal {

/// {"db": ..., "runs": [...newest first], "last_known_good": [...]}; times as ISO-8601 UTC.
std::string RenderHistoryJson(const std::string& db_path, const std::vector<HistoryRun>& runs,
                              const std::vector<LastKnownGood>& last_known_good);

/// `rollgate history --fleet`: {"db", "services": [the newest gate or drill run of each
/// service], "summary": {"services", "pass", "block"}}.
std::string RenderFleetHistoryJson(const std::string& db, const std::vector<HistoryRun>& latest);

}  // namespace rollgate::internal
