// The body Flagger POSTs to a webhook (its CanaryWebhookPayload), as `rollgate serve`'s
// /hooks/flagger reads it (docs/serve.md).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "rollgate/status.h"

namespace rollgate::internal {

struct FlaggerPayload {
  std::string name;
  std::string namespace_name;
  std::string phase;
  /// Each metadata value; one that is not a string as its compact JSON text.
  std::map<std::string, std::string> metadata;
};

/// Parses Flagger's payload. InvalidArgument when the body is not a JSON object or a field
/// has the wrong type; absent or null fields are left empty (Flagger always sends them).
Result<FlaggerPayload> ParseFlaggerPayload(std::string_view body);

}  // namespace rollgate::internal
