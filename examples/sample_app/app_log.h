// The app's structured log: one JSON line per smoke call, in the shape `log_fields` selects.
// rollgate's observability gate finds the line by the correlation id it sent and checks that it
// carries what an on-call engineer needs, and no secret. The "minimal" and "leaky" shapes exist
// so that gate can be shown to catch the two ways app logging usually goes wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app_config.h"

namespace sample_app {

/// One smoke call, as the log reports it.
struct LogRecord {
  int64_t ts_unix_ms = 0;
  bool ok = false;  // the provider answered 2xx and the parser found no error
  std::string version;
  std::string route;     // "/smoke" or "cli"
  std::string endpoint;  // the URL called ("" when the config never got that far)
  std::string model;     // the model sent last (the fallback's, after a fallback)
  int status = 0;
  std::string request_id;      // the provider's; "" when none (logged as null)
  std::string correlation_id;  // the X-Client-Request-Id sent
  std::string error_type;      // "" when ok
  std::string authorization;   // "Bearer <key>": written ONLY in the leaky shape
  struct Fallback {
    std::string from, to, trigger;
  };
  std::optional<Fallback> fallback;  // a fallback is never silent
};

/// The line for `record` in the `fields` shape, ending in "\n":
///  full:    {"ts","level","msg","version","route","endpoint","model","status","request_id",
///            "correlation_id"} (+ "error_type", "fallback" when they apply)
///  minimal: {"ts","level","msg","correlation_id"}
///  leaky:   full + "authorization"
std::string FormatLogLine(LogFields fields, const LogRecord& record);

/// Appends `line` to `path` (created 0640 if missing) with one write(2) on an O_APPEND
/// descriptor, so concurrent `serve` requests, and several processes sharing the file, never
/// interleave inside a line. Fails naming the path.
Status AppendLogLine(const std::string& path, std::string_view line);

}  // namespace sample_app
