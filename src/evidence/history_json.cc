#include "evidence/history_json.h"

#include <nlohmann/json.hpp>

#include "base/clock.h"

namespace rollgate::internal {

namespace {

using nlohmann::ordered_json;

ordered_json ReleasesJson(const HistoryRun& run) {
  ordered_json releases = ordered_json::array();
  for (const auto& rel : run.releases) {
    releases.push_back({{"name", rel.name},
                        {"version", rel.version},
                        {"passed", rel.passed},
                        {"failed_checks", rel.failed_checks},
                        {"endpoint", rel.endpoint},
                        {"model", rel.model},
                        {"key_fingerprint", rel.key_fingerprint}});
  }
  return releases;
}

std::string HistoryDump(const ordered_json& out) {
  // error_handler replace: a byte that is not UTF-8 (a version string from an odd source)
  // must not make the whole listing fail.
  return out.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string RenderHistoryJson(const std::string& db_path, const std::vector<HistoryRun>& runs,
                              const std::vector<LastKnownGood>& last_known_good) {
  ordered_json out;
  out["db"] = db_path;
  out["runs"] = ordered_json::array();
  for (const auto& run : runs) {
    ordered_json r;
    r["id"] = run.id;
    r["command"] = run.command;
    r["trigger"] = run.trigger;
    r["service"] = run.service;
    r["decision"] = ToString(run.decision);
    r["started_at"] = FormatIsoUtc(run.started_unix_ms);
    r["finished_at"] = FormatIsoUtc(run.finished_unix_ms);
    r["tokens_used"] = run.tokens_used;
    r["releases"] = ReleasesJson(run);
    out["runs"].push_back(std::move(r));
  }
  out["last_known_good"] = ordered_json::array();
  for (const auto& g : last_known_good) {
    out["last_known_good"].push_back({{"service", g.service},
                                      {"release", g.release},
                                      {"version", g.version},
                                      {"at", FormatIsoUtc(g.at_unix_ms)},
                                      {"run_id", g.run_id},
                                      {"key_fingerprint", g.key_fingerprint},
                                      {"endpoint", g.endpoint},
                                      {"model", g.model}});
  }
  return HistoryDump(out);
}

std::string RenderFleetHistoryJson(const std::string& db, const std::vector<HistoryRun>& latest) {
  ordered_json out;
  out["db"] = db;
  out["services"] = ordered_json::array();
  int passed = 0;
  for (const auto& run : latest) {
    if (run.decision == Decision::kPass) ++passed;
    out["services"].push_back({{"service", run.service},
                               {"decision", ToString(run.decision)},
                               {"run_id", run.id},
                               {"command", run.command},
                               {"trigger", run.trigger},
                               {"finished_at", FormatIsoUtc(run.finished_unix_ms)},
                               {"releases", ReleasesJson(run)}});
  }
  out["summary"] = {{"services", latest.size()},
                    {ToString(Decision::kPass), passed},
                    {ToString(Decision::kBlock), static_cast<int>(latest.size()) - passed}};
  return HistoryDump(out);
}

}  // namespace rollgate::internal
