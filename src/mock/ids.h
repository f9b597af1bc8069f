// Identifiers the mock hands out: request ids (unique per response), completion ids and the
// random padding of stream chunks. Thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "mock/flavor.h"

namespace rollgate::mock {

/// A request id in the flavor's style, unique per call within the process: OpenAI's
/// "req_<32 hex>", CometAPI's (one-api style) "<UTC yyyymmddhhmmss><8 digits><8 hex>".
/// A counter makes it unique; the random part makes it unguessable across runs.
std::string NewRequestId(Flavor flavor);

/// "chatcmpl-" + 24 random alphanumerics.
std::string NewCompletionId();

/// `n` random characters from [A-Za-z0-9].
std::string RandomAlnum(std::size_t n);

}  // namespace rollgate::mock
