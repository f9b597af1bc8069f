// The app's own log line for a probe: found by the correlation id rollgate sent, it must carry
// the fields an on-call engineer needs (version, route, status, request id, ...) and no secret.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/secret.h"
#include "rollgate/report.h"

namespace rollgate::internal {

struct AppLogsInput {
  std::string_view logs;  // what the logs command printed, or the file's new lines
  std::vector<std::string> correlation_ids;  // the ids the probes sent
  std::vector<std::string> require;          // fields each matching line must carry
  std::string source;  // for messages: "`kubectl logs ...`", "file /var/log/app.log ..."
  /// Required field -> the JSON key carrying it: a dotted path from the top ("http.status"), or
  /// a key name found at any depth. Unlisted fields: their own name, at any depth.
  std::map<std::string, std::string> fields;
  /// Required field -> a POSIX extended regular expression a plain-text line must match.
  /// Unlisted fields: a `name=value` token. REQUIRES: each compiles (the loader checks).
  std::map<std::string, std::string> patterns;
};

/// Lines are JSON objects or plain text (`key=value` tokens, or a pattern per field). A secret
/// is anything `redactor` would scrub: the line is never quoted, only its fields are named.
CheckResult CheckAppLogs(const AppLogsInput& input, const Redactor& redactor);

}  // namespace rollgate::internal
