#include "checks/describe_exchange.h"

#include <vector>

#include "base/headers.h"
#include "base/strings.h"

namespace rollgate::internal {

std::string ContentTypeOf(const HttpExchange& ex) {
  const std::string* ct = FindHeader(ex.headers, "content-type");
  return ct ? *ct : std::string("(none)");
}

std::string FirstBytes(const std::string& body) {
  return "first bytes: \"" + SanitizeForDisplay(body, 60) + "\"";
}

std::string StatusList(const std::vector<int>& statuses) {
  std::vector<std::string> s;
  s.reserve(statuses.size());
  for (int v : statuses) s.push_back(std::to_string(v));
  return Join(s, "/");
}

std::string DescribeAttempts(const ProbeOutcome& o) {
  std::vector<std::string> parts;
  for (const auto& a : o.attempts) {
    parts.push_back(a.exchange.transport_ok() ? std::to_string(a.exchange.status)
                                              : TransportErrorName(a.exchange.error));
  }
  return Plural(static_cast<long>(o.attempts.size()), "attempt", "attempts") + " (" +
         Join(parts, ", ") + ")";
}

std::string DescribeHttpError(const HttpExchange& ex, const std::optional<ErrorBody>& error) {
  std::string out = ex.status ? std::to_string(ex.status) : std::string();
  if (error) {
    std::string code = !error->code.empty() ? error->code : error->type;
    if (!code.empty()) out += (out.empty() ? "" : " ") + SanitizeForDisplay(code, 40);
    if (!error->message.empty())
      out += (out.empty() ? "" : ": ") + SanitizeForDisplay(error->message, 140);
  } else if (!ex.body.empty()) {
    out += (out.empty() ? "" : ", ") + std::string("Content-Type ") +
           SanitizeForDisplay(ContentTypeOf(ex), 40) + ", " + FirstBytes(ex.body);
  }
  return out.empty() ? "an error" : out;
}

}  // namespace rollgate::internal
