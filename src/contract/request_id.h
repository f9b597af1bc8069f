// Finding the provider's request id: the handle an operator quotes to the provider's support.
#pragma once

#include <optional>
#include <string>

#include "base/headers.h"
#include "contract/error_body.h"

namespace rollgate::internal {

struct RequestId {
  std::string id;
  std::string source;  // "header x-request-id", "header x-oneapi-request-id", "error message"
};

/// `x-request-id` first, then any other header whose name contains "request-id" or
/// "requestid", then the "(request id: X)" suffix CometAPI puts in error messages (FACTS §1.4).
/// Empty id when the provider sent none.
RequestId FindRequestId(const Headers& headers, const std::optional<ErrorBody>& error);

}  // namespace rollgate::internal
