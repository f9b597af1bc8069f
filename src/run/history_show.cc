// `rollgate history` as a library call (include/rollgate/history.h): locate the history from
// --db or a config, open it, query it, render it.
#include <memory>
#include <vector>

#include "base/cancellable_environment.h"
#include "base/environment.h"
#include "base/file_util.h"
#include "base/secret.h"
#include "config/loader.h"
#include "evidence/history_json.h"
#include "rollgate/history.h"
#include "store/history_append.h"
#include "store/history_format.h"
#include "store/history_store.h"

namespace rollgate {

namespace {

// A missing history is the operator's input being wrong: InvalidArgument (exit 2).
Status HistoryError(const Status& st, const std::string& db) {
  if (st.code() == Status::Code::kNotFound) {
    return Status::InvalidArgument(
        "no rollgate history at " + db +
        " (nothing recorded yet, or the wrong path); gate, check, drill and serve append to it "
        "when the config has history: {db: ...}");
  }
  return st;
}

// The history --db or --config names, with history.password resolved when the config sets one.
Result<internal::HistoryLocation> Locate(const HistoryRequest& request,
                                         internal::Redactor* redactor) {
  if (!request.db.empty() && !request.config.empty()) {
    return Status::InvalidArgument("give --db or --config, not both");
  }
  if (!request.db.empty()) return internal::LocateHistory(request.db, "--db");
  if (request.config.empty()) {
    return Status::InvalidArgument(
        "give --db FILE|URI, or --config FILE whose history: {db: ...} names the history");
  }
  ROLLGATE_ASSIGN_OR_RETURN(Config config, internal::LoadConfig(request.config));
  if (!config.history) {
    return Status::InvalidArgument(request.config +
                                   ": no history: section; add history: {db: rollgate-history.db} "
                                   "or pass --db FILE");
  }
  internal::CancellableEnvironment env(request.env ? *request.env : ProcessEnvironment(),
                                       request.cancel);
  Result<internal::HistoryLocation> location =
      internal::ResolveHistoryLocation(*config.history, config.dir, env, redactor);
  if (!location.ok()) return location.status().WithContext(request.config);
  return location;
}

}  // namespace

Status ShowHistory(const HistoryRequest& request, std::string* out) {
  internal::Redactor redactor;  // history.password, should any message quote it
  ROLLGATE_ASSIGN_OR_RETURN(internal::HistoryLocation location, Locate(request, &redactor));
  const std::string& db = location.db;
  if (!location.postgres() && internal::IsDirectory(db)) {
    return Status::InvalidArgument(db + " is a directory; name the history database file, e.g. " +
                                   db + "/rollgate-history.db");
  }
  ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<internal::HistoryStore> opened,
                            internal::OpenHistoryStore(location));
  internal::HistoryStore& store = *opened;
  // (Messages from libpq are redacted by the store, which knows the password.)

  if (request.run > 0) {
    Result<internal::HistoryRun> run = store.Get(request.run);
    if (!run.ok()) {
      if (run.status().code() == Status::Code::kNotFound &&
          (location.postgres() || internal::FileExists(db))) {
        return Status::InvalidArgument(redactor.Redact(run.status().message()));
      }
      return HistoryError(run.status(), db);
    }
    *out = run->gate_json.empty() || run->gate_json.back() == '\n' ? run->gate_json
                                                                   : run->gate_json + "\n";
    return Status::Ok();
  }

  if (request.fleet) {
    Result<std::vector<internal::HistoryRun>> latest = store.LatestPerService();
    if (!latest.ok()) return HistoryError(latest.status(), db);
    *out = request.json ? internal::RenderFleetHistoryJson(db, *latest)
                        : internal::RenderFleetHistoryTable(db, *latest);
    return Status::Ok();
  }

  internal::HistoryQuery query;
  query.release = request.release;
  query.last = request.last;
  Result<std::vector<internal::HistoryRun>> runs = store.List(query);
  if (!runs.ok()) return HistoryError(runs.status(), db);
  Result<std::vector<internal::LastKnownGood>> good = store.LastKnownGoodReleases();
  if (!good.ok()) return HistoryError(good.status(), db);
  std::vector<internal::LastKnownGood> shown;
  for (const auto& g : *good) {
    if (request.release.empty() || g.release == request.release) shown.push_back(g);
  }
  *out = request.json ? internal::RenderHistoryJson(db, *runs, shown)
                      : internal::RenderHistoryTable(db, *runs, shown);
  return Status::Ok();
}

}  // namespace rollgate
