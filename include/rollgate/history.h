// Reading the run history (the `rollgate history` command): what it holds, rendered as the
// console table or JSON, or one run's gate.json. The history is an SQLite file or a PostgreSQL
// database (docs/history.md). Read-only.
#pragma once

#include <cstdint>
#include <string>

#include "rollgate/cancel.h"
#include "rollgate/environment.h"
#include "rollgate/status.h"

namespace rollgate {

struct HistoryRequest {
  std::string db;       // the history database (a file or a postgresql:// URI); or
  std::string config;   // a config whose history: {db: ...} names it (with history.password)
  bool fleet = false;   // the newest verdict of every service instead of the run listing
  std::string release;  // only this release's runs and last known good
  int last = 20;        // at most this many runs
  bool json = false;    // JSON instead of the console table
  int64_t run = 0;      // > 0: that run's gate.json instead of the listing
  /// Not owned; null: the process's (ProcessEnvironment). Where the config's history.password
  /// source is read from. (libpq reads its own PG* variables and ~/.pgpass, such as PGPASSWORD
  /// for a --db URI, from the process.) Nothing here reads the time: each run is shown with the
  /// times it recorded.
  const Environment* env = nullptr;
  /// Not owned; may be null. Once cancelled, a history.password `{command:}` is stopped at once.
  /// (Each query is bounded by the history's own timeouts.)
  CancelToken* cancel = nullptr;
};

/// Renders what the history holds into `out` (ends with a newline). A missing history, a
/// directory, a run id it does not hold or a bad request is InvalidArgument naming what to give.
Status ShowHistory(const HistoryRequest& request, std::string* out);

}  // namespace rollgate
