#include "serve/bearer_auth.h"

#include "base/headers.h"
#include "base/secret.h"

namespace rollgate::internal {

AuthVerdict BearerAuth::Check(const ServerRequest& request) const {
  AuthVerdict v;
  if (!token_) {
    v.status = 403;
    v.message =
        "no serve.token is configured, so rollgate serve starts no runs for anyone; set "
        "serve: {token: {env: ROLLGATE_SERVE_TOKEN}} (or any value source) in the config and send "
        "Authorization: Bearer <token>";
    return v;
  }
  const std::string* header = request.Header("authorization");
  if (!header) {
    v.message = "missing Authorization: Bearer <serve.token>";
    return v;
  }
  std::optional<std::string_view> presented = BearerToken(*header);
  if (!presented) {
    v.message = "the Authorization header must use the Bearer scheme";
    return v;
  }
  if (!ConstantTimeEquals(*presented, *token_)) {
    v.message = "the bearer token does not match serve.token";
    return v;
  }
  v.ok = true;
  v.status = 200;
  return v;
}

}  // namespace rollgate::internal
