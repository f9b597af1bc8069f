#include "base/file_util.h"
#include "evidence/evidence.h"

namespace rollgate::internal {

void RedactReport(const Redactor& redactor, RunReport* report) {
  auto checks = [&](std::vector<CheckResult>* list) {
    for (auto& c : *list) c.detail = redactor.Redact(c.detail);
  };
  auto attempts = [&](std::vector<AttemptRecord>* list) {
    for (auto& a : *list) {
      a.error = redactor.Redact(a.error);
      a.retry_decision = redactor.Redact(a.retry_decision);
      a.request_id = redactor.Redact(a.request_id);
    }
  };
  checks(&report->gates);
  attempts(&report->negative_auth_attempts);
  for (auto& r : report->releases) {
    checks(&r.checks);
    attempts(&r.attempts);
    for (auto& [k, v] : r.provenance) v = redactor.Redact(v);
    r.request_id = redactor.Redact(r.request_id);
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
