// A release profile: what one release will effectively call, resolved from its config the way
// the app resolves it, with the provenance of every value and the findings that make it
// unusable (unresolved sources, a credential-carrying URL, plain http to a remote host, ...).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/base_url.h"
#include "config/resolver.h"
#include "rollgate/cancel.h"
#include "rollgate/config.h"
#include "rollgate/status.h"

namespace rollgate::internal {

/// One configured header with its resolved value.
struct ResolvedHeader {
  std::string name;
  std::string value;    // SECRET when `secret`: only requests and the Redactor see it
  bool secret = false;  // from a source other than a literal, or a credential-like name
};

struct ResolvedHeaders {
  std::vector<ResolvedHeader> headers;
  std::map<std::string, std::string> provenance;  // "headers.NAME" -> where its value came from
  std::vector<std::string> errors;                // "headers.NAME from env X: env X is not set"
};

/// Resolves `headers:` (the release's, or a drill action's). A value that does not resolve, or
/// that holds a line break or another control character (it would end the header), is an
/// error naming the header and its source.
ResolvedHeaders ResolveHeaders(const std::map<std::string, ValueSource>& headers,
                               const Resolver& resolver);

/// A note when a key (or other credential) carries a UTF-8 BOM or surrounding spaces or
/// tabs: it is sent exactly as read, the way the app sends it unless the app trims it. "" when
/// it has neither. `what` names it ("api_key (env X)").
std::string CredentialShapeNote(const std::string& what, const std::string& value);

struct ReleaseProfile {
  const ReleaseConfig* config = nullptr;
  std::string name;
  std::string version;
  std::string base_url;
  std::string endpoint;           // what the probe calls: base_url + path, the route, "exec: argv"
  std::string provider_endpoint;  // base_url + path when known (the invalid-token call goes there)
  /// The HTTP method the probe sends: the provider's (direct: the release's or the contract's)
  /// or the app route's (http). Empty for exec: a command has none (ShownMethod says so).
  std::string method;
  std::string path;
  std::string model;
  std::string model_alias;     // when the model came through an alias map
  std::string fallback_model;  // resolved `fallback.model`, when the release has a fallback
  std::string api_key;         // SECRET: only the probe request and the Redactor see it
  std::string key_fingerprint;
  std::vector<ResolvedHeader> headers;  // the release's `headers:`, resolved
  std::map<std::string, std::string> provenance;
  std::vector<std::string> errors;    // each fails the `configuration` check
  std::vector<std::string> warnings;  // shown in its detail

  bool usable() const { return errors.empty(); }
  /// The method as gate.json, diff and explain show it: "EXEC" for an exec release (the word
  /// the evidence has always used for "runs a command"), else `method`.
  std::string ShownMethod() const {
    return config && config->probe == ProbeKind::kExec ? "EXEC" : method;
  }
  /// The method of a call rollgate itself sends to provider_endpoint (the direct probe's calls;
  /// an app release's invalid-token call): `method` for a direct release, else the release's
  /// `method:` setting or POST (an app's own route or command has a method of its own).
  std::string ProviderMethod() const {
    if (!config || config->probe == ProbeKind::kDirect) return method;
    return config->method.empty() ? "POST" : config->method;
  }
};

/// Resolves `release`. `contract` supplies the default method and path.
ReleaseProfile ResolveRelease(const ReleaseConfig& release, const Contract& contract,
                              const Resolver& resolver);

/// Resolves `releases` of `config` as a run would, without probing anything (diff, check
/// --explain): the contract `config` names gives the method and path, `env` the values, and
/// `cancel` (may be null) stops a {command:} source. A contract that cannot be understood is
/// InvalidArgument (exit 2, as the run says); one that cannot be read adds "contract <path>:
/// <why>; <then>" to `warnings`, and the built-in contract is used.
Result<std::vector<ReleaseProfile>> ResolveWithoutProbing(
    const Config& config, const std::vector<const ReleaseConfig*>& releases, const Environment& env,
    CancelToken* cancel, std::string_view then, std::vector<std::string>* warnings);

/// OK when `value` is UTF-8 text, else InvalidArgument with the finding: "<key>: invalid UTF-8
/// at byte 17 (0xE9) from <provenance>: save the file as UTF-8" (the fix depends on where the
/// value came from).
Status CheckUtf8(const std::string& key, std::string_view value, const std::string& provenance);

}  // namespace rollgate::internal
