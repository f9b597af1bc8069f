// A release's base URL: checked, split and joined with libcurl's own URL parser (curl_url).
#pragma once

#include <string>

#include "rollgate/status.h"

namespace rollgate::internal {

/// The parts of a base URL rollgate checks and uses, as libcurl reads them.
struct BaseUrl {
  std::string scheme;     // "http" or "https", lower-cased
  std::string host;       // as written; an IPv6 literal keeps its brackets
  int port = 0;           // the port libcurl connects to: the URL's, else 80 or 443
  std::string base_path;  // the path part without a trailing '/'; "" when there is none
};

/// Checks `url` as a base URL ("http(s)://host[:port][/base]") and splits it with curl_url, the
/// parser libcurl uses when it sends: the host the plain-http rule checks is the host the probe
/// connects to. InvalidArgument with the reason ("the URL has no host") for a URL that is not
/// one rollgate accepts: credentials, a query or fragment, whitespace, a host that is neither a
/// plain name (letters, digits, '.', '-', '_') nor an IP literal, a port outside 1 to 65535.
Result<BaseUrl> ParseBaseUrl(const std::string& url);

/// "scheme://host:port" of a URL, the port written out (443 for https, 80 for http when the URL
/// names none) and the host lower-cased: two URLs reach the same server exactly when their
/// origins are equal. "" when ParseBaseUrl refuses the URL.
std::string UrlOrigin(const std::string& url);

/// Joins a base URL and the endpoint path the way the OpenAI SDKs do with a base ending in
/// /v1: "https://h/v1" + "/v1/chat/completions" -> "https://h/v1/chat/completions".
std::string JoinEndpoint(const std::string& base_url, const std::string& path);

}  // namespace rollgate::internal
