#include "base/display.h"
#include "base/file_util.h"
#include "evidence/evidence.h"

namespace rollgate::internal {

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
         {&r.name, &r.version, &r.probe, &r.endpoint, &r.method, &r.model, &r.request_id,
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
  ROLLGATE_RETURN_IF_ERROR(MakeDirs(dir));
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
  // Alone (no fleet batch), the four files are still made durable together: their disk
  // writes overlap instead of queueing behind one fsync each.
  AtomicWriteBatch own(AtomicWriteBatch::Flush::kEachFile);
  AtomicWriteBatch* into = batch ? batch : &own;
  for (std::size_t i = 0; i < std::size(files); ++i) {
    ROLLGATE_RETURN_IF_ERROR(into->Stage(written[i], redactor.Redact(files[i].render(*report))));
  }
  return batch ? Status::Ok() : own.Commit();
}

}  // namespace rollgate::internal
