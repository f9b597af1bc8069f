// Base URLs are split by libcurl's URL API (curl_url), not by hand. The probe hands the same
// string to libcurl, which parses it with this same code before it connects, so the host that
// the plain-http rule and the evidence see is, by construction, the host that is called. A
// second parser could only ever agree by care; this one agrees by being the same.
//
// This file and probe/ are the two that include <curl/curl.h>: probe/ moves bytes (easy and
// multi handles), this one only reads URLs. config/ sits below probe/, so it cannot call into it.
//
// curl_url accepts more than a base URL should be: credentials, a query, percent-encoded or
// numeric-shorthand hosts that it rewrites ("127.1" becomes 127.0.0.1, "%2e" a dot). The checks
// before and after the parse refuse those with a reason an operator can act on.
#include "config/base_url.h"

#include <curl/curl.h>

#include <charconv>
#include <memory>
#include <string_view>

#include "base/net.h"
#include "base/strings.h"

namespace rollgate::internal {

namespace {

struct UrlHandleFree {
  void operator()(CURLU* h) const { curl_url_cleanup(h); }
};

// One part of a parsed URL, "" when the URL has none.
std::string Part(CURLU* h, CURLUPart part, unsigned int flags = 0) {
  char* text = nullptr;
  if (curl_url_get(h, part, &text, flags) != CURLUE_OK || text == nullptr) return "";
  std::string out(text);
  curl_free(text);
  return out;
}

// A plain host name, or an IP literal in brackets, an optional ':' and digits: nothing libcurl
// would decode (%), nothing a browser-style parser might split differently (\).
constexpr std::string_view kAuthorityChars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]";

Status Refused(std::string_view why) { return Status::InvalidArgument(std::string(why)); }

}  // namespace

Result<BaseUrl> ParseBaseUrl(const std::string& url) {
  std::size_t sep = url.find("://");
  if (sep == std::string::npos) {
    return Status::InvalidArgument("'" + SanitizeForDisplay(url, 80) +
                                   "' is not a URL; use https://host[:port]");
  }
  BaseUrl out;
  out.scheme = ToLower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https")
    return Status::InvalidArgument("scheme " + out.scheme + " is not http or https");
  const std::string rest = url.substr(sep + 3);
  const std::string authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string::npos)
    return Refused("the URL carries credentials (user:password@); put the key in api_key");
  if (rest.find_first_of("?#") != std::string::npos)
    return Refused("remove the query or fragment from base_url");
  if (url.find_first_of(" \t\r\n") != std::string::npos)
    return Refused("the URL contains whitespace");
  if (authority.empty()) return Refused("the URL has no host");
  if (authority.find_first_not_of(kAuthorityChars) != std::string::npos) {
    return Status::InvalidArgument("'" + SanitizeForDisplay(authority, 80) +
                                   "' is not a host name or an IP address in brackets");
  }
  // "http://h:" is a URL curl_url reads as port 80; a base URL names its port or leaves out ':'.
  if (authority.back() == ':') return Refused("the port must be a number from 1 to 65535");

  std::unique_ptr<CURLU, UrlHandleFree> handle(curl_url());
  if (!handle) return Status::Internal("curl_url: out of memory");
  CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0);
  switch (rc) {
    case CURLUE_OK:
      break;
    case CURLUE_BAD_PORT_NUMBER:
      return Refused("the port must be a number from 1 to 65535");
    case CURLUE_BAD_IPV6:
      return Status::InvalidArgument("'" + SanitizeForDisplay(authority, 80) +
                                     "' is not an IPv6 address in brackets");
    case CURLUE_NO_HOST:
      return Refused("the URL has no host");
    default:
      return Status::InvalidArgument("'" + SanitizeForDisplay(url, 80) +
                                     "' is not a URL libcurl accepts: " + curl_url_strerror(rc));
  }
  out.host = Part(handle.get(), CURLUPART_HOST);
  // The host must be the one written: libcurl rewrites numeric shorthands ("127.1",
  // "0x7f000001") before it connects, and the evidence, the plain-http rule and the operator
  // must all name the host that is called.
  const std::string written = authority.front() == '['
                                  ? authority.substr(0, authority.find(']') + 1)
                                  : authority.substr(0, authority.rfind(':'));
  if (ToLower(out.host) != ToLower(written)) {
    return Status::InvalidArgument("libcurl reads the host '" + SanitizeForDisplay(written, 80) +
                                   "' as " + SanitizeForDisplay(out.host, 80) + ": write " +
                                   SanitizeForDisplay(out.host, 80) + " in base_url");
  }
  if (out.host.front() == '[' && !IsIpLiteral(out.host)) {
    return Status::InvalidArgument("'" + SanitizeForDisplay(out.host, 80) +
                                   "' is not an IPv6 address in brackets");
  }
  // Never empty for http(s) with CURLU_DEFAULT_PORT; from_chars, not stoi: no exception either way.
  const std::string port = Part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (ec != std::errc() || end != port.data() + port.size() || out.port < 1 || out.port > 65535)
    return Refused("the port must be a number from 1 to 65535");
  out.base_path = Part(handle.get(), CURLUPART_PATH);
  while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  return out;
}

std::string UrlOrigin(const std::string& url) {
  Result<BaseUrl> parsed = ParseBaseUrl(url);
  if (!parsed.ok()) return "";
  return parsed->scheme + "://" + ToLower(parsed->host) + ":" + std::to_string(parsed->port);
}

std::string JoinEndpoint(const std::string& base_url, const std::string& path) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  Result<BaseUrl> parsed = ParseBaseUrl(base);
  if (parsed.ok() && !parsed->base_path.empty() && path.rfind(parsed->base_path + "/", 0) == 0) {
    return base + path.substr(parsed->base_path.size());
  }
  return base + path;
}

}  // namespace rollgate::internal
