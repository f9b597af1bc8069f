// `rollgate history`: the runs the history database holds, newest first, and the last known
// good state of each release. Read-only; exit 2 when there is no history to read.
#include <cstdio>

#include "base/file_util.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "config/loader.h"
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
        "when the config has history: {db: PATH}"));
  }
  return ReportError(st);
}

void Print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

int RunHistoryCommand(const HistoryArgs& args) {
  if (!args.db.empty() && !args.config.empty()) {
    return ReportError(Status::InvalidArgument("give --db FILE or --config FILE, not both"));
  }
  std::string db = args.db;
  if (db.empty()) {
    if (args.config.empty()) {
      return ReportError(Status::InvalidArgument(
          "give --db FILE, or --config FILE whose history: {db: PATH} names the database"));
    }
    Result<Config> config = internal::LoadConfig(args.config);
    if (!config.ok()) return ReportError(config.status());
    if (!config->history) {
      return ReportError(Status::InvalidArgument(
          args.config + ": no history: section; add history: {db: rollgate-history.db} or "
                        "pass --db FILE"));
    }
    db = config->history->db;
  }
  if (internal::IsDirectory(db)) {
    return ReportError(
        Status::InvalidArgument(db + " is a directory; name the history database file, e.g. " + db +
                                "/rollgate-history.db"));
  }

  if (args.run > 0) {
    Result<internal::HistoryRun> run = internal::GetHistoryRun(db, args.run);
    if (!run.ok()) {
      if (run.status().code() == Status::Code::kNotFound && internal::FileExists(db)) {
        return ReportError(Status::InvalidArgument(run.status().message()));
      }
      return HistoryError(run.status(), db);
    }
    Print(run->gate_json.empty() || run->gate_json.back() == '\n' ? run->gate_json
                                                                  : run->gate_json + "\n");
    return 0;
  }

  internal::HistoryQuery query;
  query.release = args.release;
  query.last = args.last;
  Result<std::vector<internal::HistoryRun>> runs = internal::ListHistory(db, query);
  if (!runs.ok()) return HistoryError(runs.status(), db);
  Result<std::vector<internal::LastKnownGood>> good = internal::LastKnownGoodReleases(db);
  if (!good.ok()) return HistoryError(good.status(), db);
  std::vector<internal::LastKnownGood> shown;
  for (const auto& g : *good) {
    if (args.release.empty() || g.release == args.release) shown.push_back(g);
  }
  Print(args.format == "json" ? internal::RenderHistoryJson(db, *runs, shown)
                              : internal::RenderHistoryTable(db, *runs, shown));
  return 0;
}

}  // namespace rollgate::cli
