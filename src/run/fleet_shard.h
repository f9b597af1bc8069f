// The fleet in shards: `rollgate gate --config-dir D --shard INDEX/COUNT` runs the services whose
// shard is INDEX. A service's shard depends on its name and COUNT alone, so every service lands
// in exactly one shard, and adding or removing other services never moves it:
//
//   shard = (first 8 bytes of SHA-256(service name), read as a big-endian unsigned 64-bit
//            integer) mod COUNT
//
// The same on every platform and in every language (docs/fleet.md has a one-line check). INDEX
// is 0-based, as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX, which `auto` reads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/environment.h"
#include "rollgate/status.h"

namespace rollgate::internal {

/// The first 8 bytes of SHA-256(`service`), big-endian.
uint64_t ShardHash(std::string_view service);

/// ShardHash(service) % count. REQUIRES: count >= 1.
int ShardOf(std::string_view service, int count);

struct ShardSpec {
  int index = 0;
  int count = 1;
};

/// The largest COUNT accepted (a Kubernetes Indexed Job allows up to 100000 completions).
inline constexpr int kMaxShards = 100000;

/// Parses --shard: "INDEX/COUNT" or "auto/COUNT" (INDEX from $JOB_COMPLETION_INDEX in `env`).
/// InvalidArgument saying what to write instead for anything else, an INDEX outside
/// [0, COUNT), and for "auto" with JOB_COMPLETION_INDEX unset or not a number.
Result<ShardSpec> ParseShard(const std::string& text, const Environment& env);

}  // namespace rollgate::internal
