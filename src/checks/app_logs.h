// The app's own log line for a probe: found by the correlation id rollgate sent, it must carry
// the fields an on-call engineer needs (version, route, status, request id, ...) and no secret.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/secret.h"
#include "rollgate/report.h"

namespace rollgate::internal {

struct AppLogsInput {
  std::string_view logs;                     // what the logs command printed
  std::vector<std::string> correlation_ids;  // the ids the probes sent
  std::vector<std::string> require;          // fields each matching line must carry
  std::string command;                       // for messages: the logs command
};

/// Lines are JSON objects (keys at any depth count) or `key=value` text. A secret is anything
/// `redactor` would scrub: the line is never quoted, only its fields are named.
CheckResult CheckAppLogs(const AppLogsInput& input, const Redactor& redactor);

}  // namespace rollgate::internal
