#include "base/headers.h"

#include "base/strings.h"

namespace rollgate::internal {

const std::string* FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

std::optional<std::string_view> BearerToken(std::string_view authorization) {
  std::string_view value = TrimView(authorization);
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  return TrimView(value.substr(kScheme.size()));
}

}  // namespace rollgate::internal
