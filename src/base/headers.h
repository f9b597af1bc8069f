// HTTP header lists as plain values (names stored as received; lookups ignore case).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rollgate::internal {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// The first value of header `name` (case-insensitive), or nullptr.
const std::string* FindHeader(const Headers& headers, std::string_view name);

}  // namespace rollgate::internal
