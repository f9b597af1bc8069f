#include "base/headers.h"

#include "base/strings.h"

namespace rollgate::internal {

const std::string* FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

}  // namespace rollgate::internal
