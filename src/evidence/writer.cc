// WriteEvidence: one run's evidence files land as a set.
//
// Each file is rendered, scrubbed and staged as a temp file first; only when all of them (and
// the manifest) are on disk does the commit begin: remove the old manifest.json and the old
// files, rename the new files in, rename manifest.json in last. Every file carries the run id.
// So whatever moment a kill -9 picks, the directory holds one run's files, never gate.json
// from one run beside probes.jsonl from another: before the commit, the previous set; inside it,
// part of the new set and no manifest; after it, the new set and its manifest. A reader that
// wants to know the set is complete checks manifest.json (docs/report-format.md). Temp files a
// killed run left behind are removed by the next run in the same directory.
#include <sys/random.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/display.h"
#include "base/file_util.h"
#include "evidence/evidence.h"
#include "rollgate/version.h"

namespace rollgate::internal {

namespace {

constexpr char kManifestName[] = "manifest.json";

// "20261125T101500Z-3f9a1c2b": sortable by start, unique by its 32 random bits.
std::string NewRunId(int64_t started_unix_ms) {
  std::string iso = FormatIsoUtc(started_unix_ms);  // 2026-11-25T10:15:00.123Z
  std::string compact;
  for (char c : iso.substr(0, 19)) {
    if (c != '-' && c != ':') compact += c;
  }
  uint32_t bits = 0;
  if (::getrandom(&bits, sizeof bits, 0) != static_cast<ssize_t>(sizeof bits)) {
    bits = static_cast<uint32_t>(SystemClock::Get().NowMonoMs() * 1000);
  }
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", bits);
  return compact + "Z-" + suffix;
}

std::string RenderManifest(const RunReport& report,
                           const std::vector<std::pair<std::string, std::string>>& files) {
  nlohmann::ordered_json j;
  j["run_id"] = report.run_id;
  j["tool"] = {{"name", kToolName}, {"version", kToolVersion}};
  j["command"] = ToString(report.command);
  j["finished_at"] = FormatIsoUtc(report.finished_unix_ms);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& [name, content] : files) {
    list.push_back({{"name", name}, {"bytes", content.size()}, {"sha256", Sha256Hex(content)}});
  }
  j["files"] = std::move(list);
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

void RedactReport(const Redactor& redactor, RunReport* report) {
  // Redaction first, on the raw text; then the display rules (base/display.h), which change
  // the bytes a secret would be found by.
  auto clean = [&](std::string* s) {
    if (!s->empty()) *s = DisplayText(redactor.Redact(*s));
  };
  auto checks = [&](std::vector<CheckResult>* list) {
    for (auto& c : *list) clean(&c.detail);
  };
  auto attempts = [&](std::vector<AttemptRecord>* list) {
    for (auto& a : *list) {
      for (std::string* s : {&a.outcome, &a.error, &a.request_id, &a.request_id_source,
                             &a.retry_decision, &a.client_request_id, &a.model}) {
        clean(s);
      }
    }
  };
  for (std::string* s :
       {&report->service, &report->config_file, &report->contract_file, &report->route_left_on}) {
    clean(s);
  }
  checks(&report->gates);
  attempts(&report->negative_auth_attempts);
  for (auto& name : report->negative_auth_releases) clean(&name);
  for (auto& step : report->drill_steps) {
    clean(&step.name);
    clean(&step.detail);
  }
  for (auto& r : report->releases) {
    for (std::string* s :
         {&r.name, &r.version, &r.endpoint, &r.method, &r.model, &r.request_id,
          &r.parsed.finish_reason, &r.parsed.response_model, &r.stream.finish_reason}) {
      clean(s);
    }
    if (r.parsed.content_json) clean(&*r.parsed.content_json);
    for (auto& f : r.parsed.fields_present) clean(&f);
    checks(&r.checks);
    if (r.app_logs) clean(&r.app_logs->detail);
    attempts(&r.attempts);
    std::map<std::string, std::string> provenance;
    for (const auto& [key, value] : r.provenance) {
      std::string k = key, v = value;
      clean(&k);
      clean(&v);
      provenance[k] = v;
    }
    r.provenance = std::move(provenance);
    if (r.fallback) {
      for (std::string* s :
           {&r.fallback->primary_model, &r.fallback->fallback_model, &r.fallback->trigger})
        clean(s);
    }
  }
}

Status WriteEvidence(const std::string& dir, const Redactor& redactor, RunReport* report,
                     AtomicWriteBatch* batch) {
  if (dir.empty()) return Status::InvalidArgument("the evidence directory is an empty string");
  ROLLGATE_RETURN_IF_ERROR(MakeDirs(dir));
  RemoveStaleTempFiles(dir);  // what a killed run left behind
  if (report->run_id.empty()) report->run_id = NewRunId(report->started_unix_ms);
  struct File {
    const char* name;
    std::string (*render)(const RunReport&);
  } files[] = {{"gate.json", &RenderGateJson},
               {"junit.xml", &RenderJunitXml},
               {"summary.md", &RenderSummaryMarkdown},
               {"probes.jsonl", &RenderProbesJsonl}};
  std::vector<std::string> written;
  for (const auto& f : files) written.push_back(dir + "/" + f.name);
  // The list of files is part of the report, so it is filled in before rendering.
  report->evidence_files = written;
  std::vector<std::pair<std::string, std::string>> rendered;
  for (const auto& f : files) rendered.emplace_back(f.name, redactor.Redact(f.render(*report)));
  const std::string manifest = dir + "/" + kManifestName;

  // Alone (no fleet batch), the files are still made durable together: their disk writes
  // overlap instead of queueing behind one fsync each.
  AtomicWriteBatch own(AtomicWriteBatch::Flush::kEachFile);
  AtomicWriteBatch* into = batch ? batch : &own;
  for (std::size_t i = 0; i < rendered.size(); ++i) {
    ROLLGATE_RETURN_IF_ERROR(into->Stage(written[i], rendered[i].second));
  }
  ROLLGATE_RETURN_IF_ERROR(into->Stage(manifest, RenderManifest(*report, rendered)));
  // The old set goes before any new file arrives: manifest first, so a reader never takes a
  // half-replaced set for a complete one.
  into->RemoveFirst(manifest);
  for (const auto& path : written) into->RemoveFirst(path);
  return batch ? Status::Ok() : own.Commit();
}

}  // namespace rollgate::internal
