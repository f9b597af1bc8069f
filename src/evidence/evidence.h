// Evidence: the files an operator attaches to a change ticket (docs/report-format.md), and the
// console table. Every renderer returns text; WriteEvidence scrubs it with the Redactor and
// writes each file atomically. None of them ever sees a key, a prompt or completion text.
#pragma once

#include <string>
#include <vector>

#include "base/file_util.h"
#include "base/secret.h"
#include "rollgate/report.h"
#include "rollgate/status.h"

namespace rollgate::internal {

std::string RenderGateJson(const RunReport& report);
std::string RenderJunitXml(const RunReport& report);
std::string RenderSummaryMarkdown(const RunReport& report);
/// One JSON line per HTTP attempt (probes.jsonl).
std::string RenderProbesJsonl(const RunReport& report);

struct ConsoleStyle {
  bool color = false;  // ANSI colours: only on a TTY and never with NO_COLOR
};
/// The readable table printed on stdout.
std::string RenderConsole(const RunReport& report, const ConsoleStyle& style);

/// The combined summary of a fleet run (`gate --config-dir`): a console table or Markdown.
std::string RenderFleetSummary(const std::vector<RunReport>& runs, bool markdown,
                               const ConsoleStyle& style);

/// Scrubs every text field of the report (details, errors, request ids, versions, models,
/// endpoints, provenance, drill steps, the service) with `redactor`, then makes it display-safe
/// (DisplayText: no control characters, no invalid UTF-8), so whatever renders the report
/// later (console, summary.md, junit.xml, gate.json, history, metrics) can neither leak a
/// secret a provider or a command echoed back nor pass their control sequences to a terminal.
void RedactReport(const Redactor& redactor, RunReport* report);

/// Writes gate.json, junit.xml, summary.md and probes.jsonl into `dir` (created if needed),
/// each atomically; appends their paths to report->evidence_files. With `batch`, the files are
/// only staged there and appear when the caller commits the batch (the fleet).
Status WriteEvidence(const std::string& dir, const Redactor& redactor, RunReport* report,
                     AtomicWriteBatch* batch = nullptr);

}  // namespace rollgate::internal
