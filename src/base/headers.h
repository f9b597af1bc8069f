// HTTP header lists as plain values (names stored as received; lookups ignore case).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rollgate::internal {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// The first value of header `name` (case-insensitive), or nullptr.
const std::string* FindHeader(const Headers& headers, std::string_view name);

/// The token of an Authorization value "Bearer <token>" (scheme in any case, white space
/// around either part ignored); nullopt when the value uses another scheme or has no token.
/// A view into `authorization`.
std::optional<std::string_view> BearerToken(std::string_view authorization);

}  // namespace rollgate::internal
