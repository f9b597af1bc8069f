// Reading a release's own log lines for its probes (release `logs:`): the output of its logs
// command, or what its log file gained since the probes started. Internal to run/.
#pragma once

#include <string>
#include <vector>

#include "base/environment.h"
#include "base/file_tail.h"
#include "base/secret.h"
#include "rollgate/config.h"
#include "rollgate/report.h"

namespace rollgate::internal {

/// Where a `logs: {file:}` stood before the probes; empty for `logs: {command:}`.
struct AppLogMark {
  std::string path;  // the file, resolved against the config's directory
  FileMark mark;
  Status status;  // not OK: the file could not be marked (not a regular file, unreadable)
};

/// Call before the release's probes start.
AppLogMark MarkAppLog(const LogsConfig& logs, const std::string& config_dir);

/// Reads the logs (runs the command, or reads the file from `mark`) and judges the lines that
/// carry one of `correlation_ids` (checks/app_logs.h). Every failure is a finding.
CheckResult ReadAndCheckAppLogs(const LogsConfig& logs, const AppLogMark& mark,
                                const Environment& env, const std::string& config_dir,
                                const std::vector<std::string>& correlation_ids,
                                const Redactor& redactor);

}  // namespace rollgate::internal
