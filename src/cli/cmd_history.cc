// `rollgate history`: the runs the history holds, newest first, and the last known good state
// of each release; or, with --fleet, the newest verdict of every service. Read-only; exit 2 when
// there is no history to read. The history is an SQLite file or a PostgreSQL database.
#include <cstdio>

#include "base/environment.h"
#include "base/file_util.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "config/loader.h"
#include "store/history_append.h"
#include "store/history_format.h"
#include "store/history_store.h"

namespace rollgate::cli {

namespace {

// A history that is missing or is not a history is the operator's input being wrong: exit 2.
int HistoryError(const Status& st, const std::string& db) {
  if (st.code() == Status::Code::kNotFound) {
    return ReportError(Status::InvalidArgument(
        "no rollgate history at " + db +
        " (nothing recorded yet, or the wrong path); gate, check, drill and serve append to it "
        "when the config has history: {db: ...}"));
  }
  return ReportError(st);
}

void PrintHistory(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// The history --db or --config names, with history.password resolved when --config sets one.
Result<internal::HistoryLocation> Locate(const HistoryArgs& args, internal::Redactor* redactor) {
  if (!args.db.empty() && !args.config.empty()) {
    return Status::InvalidArgument("give --db or --config, not both");
  }
  if (!args.db.empty()) return internal::LocateHistory(args.db, "--db");
  if (args.config.empty()) {
    return Status::InvalidArgument(
        "give --db FILE|URI, or --config FILE whose history: {db: ...} names the history");
  }
  Result<Config> config = internal::LoadConfig(args.config);
  if (!config.ok()) return config.status();
  if (!config->history) {
    return Status::InvalidArgument(args.config +
                                   ": no history: section; add history: {db: rollgate-history.db} "
                                   "or pass --db FILE");
  }
  Result<internal::HistoryLocation> location = internal::ResolveHistoryLocation(
      *config->history, config->dir, internal::SystemEnvironment::Get(), redactor);
  if (!location.ok()) return location.status().WithContext(args.config);
  return location;
}

}  // namespace

int RunHistoryCommand(const HistoryArgs& args) {
  internal::Redactor redactor;  // history.password, should any message quote it
  Result<internal::HistoryLocation> location = Locate(args, &redactor);
  if (!location.ok()) return ReportError(location.status());
  const std::string& db = location->db;
  if (!location->postgres() && internal::IsDirectory(db)) {
    return ReportError(Status::InvalidArgument(
        db + " is a directory; name the history database file, e.g. " + db + "/rollgate-history.db"));
  }
  Result<std::unique_ptr<internal::HistoryStore>> opened = internal::OpenHistoryStore(*location);
  if (!opened.ok()) return ReportError(opened.status());
  internal::HistoryStore& store = **opened;
  // (Messages from libpq are redacted by the store, which knows the password.)
  auto failed = [&](const Status& st) { return HistoryError(st, db); };

  if (args.run > 0) {
    Result<internal::HistoryRun> run = store.Get(args.run);
    if (!run.ok()) {
      if (run.status().code() == Status::Code::kNotFound &&
          (location->postgres() || internal::FileExists(db))) {
        return ReportError(Status::InvalidArgument(redactor.Redact(run.status().message())));
      }
      return failed(run.status());
    }
    PrintHistory(run->gate_json.empty() || run->gate_json.back() == '\n' ? run->gate_json
                                                                  : run->gate_json + "\n");
    return 0;
  }

  if (args.fleet) {
    Result<std::vector<internal::HistoryRun>> latest = store.LatestPerService();
    if (!latest.ok()) return failed(latest.status());
    PrintHistory(args.format == "json" ? internal::RenderFleetHistoryJson(db, *latest)
                                : internal::RenderFleetHistoryTable(db, *latest));
    return 0;
  }

  internal::HistoryQuery query;
  query.release = args.release;
  query.last = args.last;
  Result<std::vector<internal::HistoryRun>> runs = store.List(query);
  if (!runs.ok()) return failed(runs.status());
  Result<std::vector<internal::LastKnownGood>> good = store.LastKnownGoodReleases();
  if (!good.ok()) return failed(good.status());
  std::vector<internal::LastKnownGood> shown;
  for (const auto& g : *good) {
    if (args.release.empty() || g.release == args.release) shown.push_back(g);
  }
  PrintHistory(args.format == "json" ? internal::RenderHistoryJson(db, *runs, shown)
                              : internal::RenderHistoryTable(db, *runs, shown));
  return 0;
}

}  // namespace rollgate::cli
