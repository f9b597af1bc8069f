// Bearer-token authentication for the endpoints of `rollgate serve` that start runs (webhooks,
// POST /run). A run costs provider calls and usage tokens, so these are never open: without a
// configured serve.token they refuse with 403 and say how to configure one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http_server/http_message.h"

namespace rollgate::internal {

struct AuthVerdict {
  bool ok = false;
  int status = 401;     // 401 missing or wrong token, 403 no token configured
  std::string message;  // for the response body; never contains a token
};

class BearerAuth {
 public:
  /// `token`: the resolved serve.token; nullopt when none is configured.
  explicit BearerAuth(std::optional<std::string> token) : token_(std::move(token)) {}

  AuthVerdict Check(const ServerRequest& request) const;
  bool configured() const { return token_.has_value(); }

 private:
  std::optional<std::string> token_;
};

}  // namespace rollgate::internal
