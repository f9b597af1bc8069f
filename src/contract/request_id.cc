#include "contract/request_id.h"

#include "base/strings.h"

namespace rollgate::internal {

RequestId FindRequestId(const Headers& headers, const std::optional<ErrorBody>& error) {
  if (const std::string* v = FindHeader(headers, "x-request-id"); v && !v->empty()) {
    return {*v, "header x-request-id"};
  }
  for (const auto& [name, value] : headers) {
    std::string lower = ToLower(name);
    if (value.empty()) continue;
    if (lower.find("request-id") != std::string::npos ||
        lower.find("requestid") != std::string::npos ||
        lower.find("request_id") != std::string::npos) {
      return {value, "header " + lower};
    }
  }
  if (error && !error->request_id.empty()) return {error->request_id, "error message"};
  return {};
}

}  // namespace rollgate::internal
