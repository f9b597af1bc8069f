#include "http_server/http_message.h"

namespace rollgate::internal {

const std::string* ServerRequest::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

}  // namespace rollgate::internal
