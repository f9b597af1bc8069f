#include "run/fleet_shard.h"

#include <charconv>

#include "base/secret.h"
#include "base/strings.h"

namespace rollgate::internal {

namespace {

// A non-negative decimal integer, the whole of `text`.
bool ParseCount(std::string_view text, int* out) {
  if (text.empty() || text.size() > 9) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && *out >= 0;
}

}  // namespace

uint64_t ShardHash(std::string_view service) {
  const std::string hex = Sha256Hex(service);
  uint64_t value = 0;
  std::from_chars(hex.data(), hex.data() + 16, value, 16);
  return value;
}

int ShardOf(std::string_view service, int count) {
  return static_cast<int>(ShardHash(service) % static_cast<uint64_t>(count));
}

Result<ShardSpec> ParseShard(const std::string& text, const Environment& env) {
  const std::string usage = "--shard " + SanitizeForDisplay(text, 40) +
                            ": expected INDEX/COUNT with INDEX from 0 to COUNT-1 (e.g. 0/4), or "
                            "auto/COUNT in a Kubernetes Indexed Job";
  std::size_t slash = text.find('/');
  if (slash == std::string::npos) return Status::InvalidArgument(usage);
  ShardSpec spec;
  if (!ParseCount(std::string_view(text).substr(slash + 1), &spec.count) || spec.count < 1 ||
      spec.count > kMaxShards) {
    return Status::InvalidArgument(usage + "; COUNT is 1 to " + std::to_string(kMaxShards));
  }
  std::string index = text.substr(0, slash);
  std::string from;
  if (index == "auto") {
    std::optional<std::string> job_index = env.GetEnv("JOB_COMPLETION_INDEX");
    if (!job_index || Trim(*job_index).empty()) {
      return Status::InvalidArgument(
          "--shard auto/" + std::to_string(spec.count) +
          ": JOB_COMPLETION_INDEX is not set (a Kubernetes Indexed Job sets it in each pod); "
          "outside one, give the index: --shard 0/" +
          std::to_string(spec.count));
    }
    index = Trim(*job_index);
    from = " (JOB_COMPLETION_INDEX)";
  }
  if (!ParseCount(index, &spec.index)) {
    return Status::InvalidArgument("--shard: index " + SanitizeForDisplay(index, 40) + from +
                                   " is not a number from 0 to " + std::to_string(spec.count - 1));
  }
  if (spec.index >= spec.count) {
    return Status::InvalidArgument("--shard: index " + std::to_string(spec.index) + from +
                                   " is out of range for " + std::to_string(spec.count) +
                                   " shards (0 to " + std::to_string(spec.count - 1) +
                                   "); completions in the Job and COUNT must match");
  }
  return spec;
}

}  // namespace rollgate::internal
