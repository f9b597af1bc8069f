// What the SQLite and PostgreSQL stores share about the rows they write and read.
#pragma once

#include <string>

#include "rollgate/report.h"

namespace rollgate::internal {

/// A release passed when it has checks and none failed (skips are fine): its row's `passed`.
bool HistoryReleasePassed(const ReleaseReport& release);

/// "pass" | "fail" | "skip" as stored in the gates and checks tables.
CheckStatus ParseHistoryStatus(const std::string& text);

/// A run's stored decision. Anything but "pass" or "block" (a row written by hand, or by a
/// rollgate that knew other words) reads as kBlock: a run that cannot be read as a pass never
/// counts as one (rollgate/vocabulary.h). Not an error: one odd row must not hide the others.
Decision ParseHistoryDecision(const std::string& text);

}  // namespace rollgate::internal
