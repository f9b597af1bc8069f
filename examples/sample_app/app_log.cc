#include "app_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "base/clock.h"

namespace sample_app {

namespace {

using nlohmann::ordered_json;

ordered_json OrNull(const std::string& s) { return s.empty() ? ordered_json() : ordered_json(s); }

}  // namespace

std::string FormatLogLine(LogFields fields, const LogRecord& r) {
  ordered_json line;
  line["ts"] = rollgate::internal::FormatIsoUtc(r.ts_unix_ms);
  line["level"] = r.ok ? "info" : "error";
  if (fields == LogFields::kMinimal) {
    line["msg"] = r.ok ? "completion ok" : "completion failed";
    line["correlation_id"] = OrNull(r.correlation_id);
  } else {
    line["msg"] = r.ok ? "smoke completion ok" : "smoke completion failed";
    line["version"] = r.version;
    line["route"] = r.route;
    line["endpoint"] = OrNull(r.endpoint);
    line["model"] = OrNull(r.model);
    line["status"] = r.status;
    line["request_id"] = OrNull(r.request_id);
    line["correlation_id"] = OrNull(r.correlation_id);
    if (!r.error_type.empty()) line["error_type"] = r.error_type;
    if (r.fallback) {
      line["fallback"] = {
          {"from", r.fallback->from}, {"to", r.fallback->to}, {"trigger", r.fallback->trigger}};
    }
    // The deliberate mistake the leaky shape exists for: "log the request headers to debug".
    if (fields == LogFields::kLeaky) line["authorization"] = r.authorization;
  }
  return line.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

Status AppendLogLine(const std::string& path, std::string_view line) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return Status::IoError(path + ": cannot open log file: " + std::strerror(errno));
  // One write: O_APPEND makes the seek-to-end and the write one atomic step for regular files,
  // so lines from concurrent writers never interleave. A short write is reported, not retried,
  // since a second write would no longer be atomic with the first.
  ssize_t n;
  do {
    n = ::write(fd, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  int err = errno;
  ::close(fd);
  if (n < 0) return Status::IoError(path + ": cannot append to log file: " + std::strerror(err));
  if (static_cast<std::size_t>(n) != line.size()) {
    return Status::IoError(path + ": short write to log file (" + std::to_string(n) + " of " +
                           std::to_string(line.size()) + " bytes; disk full?)");
  }
  return Status::Ok();
}

}  // namespace sample_app
