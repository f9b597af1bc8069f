// Reading the app's own log line when it is JSON, for the app_logs check (DESIGN.md: the
// `observability` gate): which of the fields an operator requires the line carries. The check
// sees only the answer, never the JSON tree, so that JSON stays inside contract/.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rollgate/status.h"

namespace rollgate::internal {

/// The subset of `keys` that the JSON object `line` carries. A key with a dot
/// ("http.status", "choices.0.id") is a path from the top, numeric segments indexing arrays;
/// any other key is carried when an object at any depth has it (arrays are not entered).
/// Either way a null or "" value does not count.
/// NotFound when `line` does not start with '{' (a plain-text line); InvalidArgument when it
/// is not JSON or is nested too deep. Both mean: read it as plain text.
Result<std::set<std::string>> JsonLogLineFields(std::string_view line,
                                                const std::vector<std::string>& keys);

}  // namespace rollgate::internal
