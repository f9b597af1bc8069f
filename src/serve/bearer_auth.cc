#include "serve/bearer_auth.h"

#include "base/secret.h"
#include "base/strings.h"

namespace rollgate::internal {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  const std::string ha = Sha256Hex(a);
  const std::string hb = Sha256Hex(b);
  // Both digests are 64 hex characters; volatile keeps the compiler from turning the loop
  // into an early-exit comparison.
  volatile unsigned char diff = 0;
  for (std::size_t i = 0; i < ha.size() && i < hb.size(); ++i) {
    diff = diff | static_cast<unsigned char>(ha[i] ^ hb[i]);
  }
  return diff == 0 && ha.size() == hb.size();
}

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
  std::string_view value = TrimView(*header);
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() || !EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    v.message = "the Authorization header must use the Bearer scheme";
    return v;
  }
  std::string_view presented = TrimView(value.substr(kScheme.size()));
  if (!ConstantTimeEquals(presented, *token_)) {
    v.message = "the bearer token does not match serve.token";
    return v;
  }
  v.ok = true;
  v.status = 200;
  return v;
}

}  // namespace rollgate::internal
