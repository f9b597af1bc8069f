// A release profile: what one release will effectively call, resolved from its config the way
// the app resolves it, with the provenance of every value and the findings that make it
// unusable (unresolved sources, a credential-carrying URL, plain http to a remote host, ...).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/resolver.h"
#include "rollgate/config.h"

namespace rollgate::internal {

struct ReleaseProfile {
  const ReleaseConfig* config = nullptr;
  std::string name;
  std::string version;
  std::string base_url;
  std::string endpoint;           // what the probe calls: base_url + path, the route, "exec: argv"
  std::string provider_endpoint;  // base_url + path when known (the invalid-token call goes there)
  std::string method;
  std::string path;
  std::string model;
  std::string model_alias;  // when the model came through an alias map
  std::string fallback_model;  // resolved `fallback.model`, when the release has a fallback
  std::string api_key;      // SECRET: only the probe request and the Redactor see it
  std::string key_fingerprint;
  std::map<std::string, std::string> provenance;
  std::vector<std::string> errors;    // each fails the `configuration` check
  std::vector<std::string> warnings;  // shown in its detail

  bool usable() const { return errors.empty(); }
};

/// Resolves `release`. `contract` supplies the default method and path.
ReleaseProfile ResolveRelease(const ReleaseConfig& release, const Contract& contract,
                              const Resolver& resolver);

/// Splits "scheme://host[:port][/base]" and checks it; "" on success or the reason.
/// *host gets the host, *base_path the path part without a trailing '/'.
std::string ParseBaseUrl(const std::string& url, std::string* scheme, std::string* host,
                         std::string* base_path);

/// Joins a base URL and the endpoint path the way the OpenAI SDKs do with a base ending in
/// /v1: "https://h/v1" + "/v1/chat/completions" -> "https://h/v1/chat/completions".
std::string JoinEndpoint(const std::string& base_url, const std::string& path);

/// "" when `value` is UTF-8 text, else the finding: "<key>: invalid UTF-8 at byte 17 (0xE9)
/// from <provenance>: save the file as UTF-8" (the fix depends on where the value came from).
std::string Utf8Error(const std::string& key, std::string_view value,
                      const std::string& provenance);

}  // namespace rollgate::internal
