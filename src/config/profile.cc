#include "config/profile.h"

#include <algorithm>
#include <cstdio>

#include "base/cancellable_environment.h"
#include "base/net.h"
#include "base/secret.h"
#include "base/strings.h"
#include "config/limits.h"
#include "config/loader.h"

namespace rollgate::internal {

Status CheckUtf8(const std::string& key, std::string_view value, const std::string& provenance) {
  std::size_t at = InvalidUtf8Offset(value);
  if (at == std::string_view::npos) return Status::Ok();
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(value[at]));
  const char* fix = provenance.rfind("env ", 0) == 0       ? "set the variable as UTF-8 text"
                    : provenance.rfind("command ", 0) == 0 ? "make the command print UTF-8"
                                                           : "save the file as UTF-8";
  return Status::InvalidArgument(key + ": invalid UTF-8 at byte " + std::to_string(at) + " (" +
                                 byte + ")" + (provenance.empty() ? "" : " from " + provenance) +
                                 ": " + fix);
}

namespace {

// Every value that ends up in a request body, a header or the evidence must be UTF-8 text
// (JSON cannot carry anything else) of a sane size: one that is not fails the release here,
// naming the key and the byte, instead of reaching a serializer. A resolved value that fails is
// shown with U+FFFD in place of its bad bytes from here on, so the evidence and the console
// carry none either.
void CheckValues(const ReleaseConfig& rel, ReleaseProfile* p) {
  auto check = [&](const std::string& key, std::string_view value, const std::string& provenance) {
    Status st = CheckUtf8(key, value, provenance);
    if (!st.ok()) p->errors.push_back(st.message());
    return st.ok();
  };
  auto resolved = [&](const std::string& key, const char* provenance_key, std::string* value) {
    auto it = p->provenance.find(provenance_key);
    std::string provenance = it == p->provenance.end() ? std::string() : it->second;
    const std::size_t max = DefaultConfigLimits().max_string_bytes;
    if (value->size() > max) {
      p->errors.push_back(key + " from " + provenance + " is " + std::to_string(value->size()) +
                          " bytes; at most " + std::to_string(max) + " (is it the right file?)");
      *value = ToValidUtf8(value->substr(0, max));
    } else if (!check(key, *value, provenance)) {
      *value = ToValidUtf8(*value);
    }
  };
  resolved("version", "version", &p->version);
  resolved("base_url", "base_url", &p->base_url);
  resolved("model", "model_alias", &p->model_alias);
  resolved("model", "model", &p->model);
  resolved("fallback.model", "fallback_model", &p->fallback_model);
  if (p->api_key.size() > DefaultConfigLimits().max_string_bytes) {
    p->errors.push_back("api_key (" + p->provenance["api_key"] + ") is " +
                        std::to_string(p->api_key.size()) +
                        " bytes: not a key (is it the right file?)");
  }
  check("prompt.system", rel.prompt.system, "the config file");
  check("prompt.user", rel.prompt.user, "the config file");
  check("prompt.label", rel.prompt.label, "the config file");
  for (const auto& [name, source] : rel.headers) check("headers", name, "the config file");
  for (auto& h : p->headers) {
    if (!IsValidUtf8(h.name)) continue;  // reported above
    resolved("headers." + h.name, ("headers." + h.name).c_str(), &h.value);
  }
}

}  // namespace

ResolvedHeaders ResolveHeaders(const std::map<std::string, ValueSource>& headers,
                               const Resolver& resolver) {
  ResolvedHeaders out;
  for (const auto& [name, source] : headers) {
    const std::string key = "headers." + name;
    const bool secret = source.kind != ValueSource::Kind::kLiteral || LooksLikeSecretName(name);
    ResolvedValue v = resolver.Resolve(source, secret);
    out.provenance[key] = v.provenance;
    if (!v.ok) {
      out.errors.push_back(key + " from " + DescribeSource(source) + ": " + v.error);
      continue;
    }
    bool control = std::any_of(v.value.begin(), v.value.end(), [](char c) {
      return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
    });
    if (control) {
      out.errors.push_back(
          key + " (" + v.provenance +
          ") contains a line break or another control character: it would end the header "
          "(or inject another); fix the value at its source");
      continue;
    }
    out.headers.push_back({name, v.value, secret});
  }
  return out;
}

std::string CredentialShapeNote(const std::string& what, const std::string& value) {
  std::vector<std::string> found;
  if (value.rfind("\xEF\xBB\xBF", 0) == 0) found.push_back("starts with a UTF-8 byte-order mark");
  std::string_view rest = value;
  if (rest.rfind("\xEF\xBB\xBF", 0) == 0) rest.remove_prefix(3);
  if (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
    found.push_back("starts with whitespace");
  if (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t'))
    found.push_back("ends with whitespace");
  if (found.empty()) return "";
  return what + " " + Join(found, " and ") +
         ": sent exactly as read, as the app sends it unless it trims it; a copy-paste or editor "
         "artefact? "
         "(the trimmed value is " +
         KeyFingerprint(Trim(rest)) + ")";
}

namespace {

// Resolves one value source into `*out`, recording its provenance, or an error naming `key`.
void Take(const Resolver& resolver, const char* key, const ValueSource& src, bool secret,
          std::string* out, ReleaseProfile* p) {
  ResolvedValue v = resolver.Resolve(src, secret);
  p->provenance[key] = v.provenance;
  if (!v.ok) {
    p->errors.push_back(std::string(key) + " from " + DescribeSource(src) + ": " + v.error);
    return;
  }
  if (v.used_default)
    p->warnings.push_back(std::string(key) + " fell back to its default (" + v.provenance + ")");
  *out = v.value;
}

// The model: plain, or an alias looked up in the app's own alias map. An alias missing from
// the map fails the release, as it would fail the app: never a silent default.
void ResolveModel(const ReleaseConfig& rel, const Resolver& resolver, ReleaseProfile* p) {
  if (!rel.model.map) {
    Take(resolver, "model", rel.model.value, false, &p->model, p);
    return;
  }
  std::string alias;
  Take(resolver, "model_alias", rel.model.value, false, &alias, p);
  if (alias.empty()) return;
  ResolvedMap map = resolver.ResolveMap(*rel.model.map);
  p->provenance["model_map"] = map.provenance;
  if (!map.ok) {
    p->errors.push_back("model map from " + DescribeSource(*rel.model.map) + ": " + map.error);
  } else if (auto it = map.entries.find(alias); it == map.entries.end()) {
    p->errors.push_back("model alias '" + alias + "' (from " + p->provenance["model_alias"] +
                        ") is not in the model map " + map.provenance + " (" +
                        std::to_string(map.entries.size()) +
                        " aliases): the app would fail the same way");
  } else {
    p->model_alias = alias;
    p->model = it->second;
    p->provenance["model"] = "alias '" + alias + "' in " + map.provenance;
  }
}

// The endpoint from base_url and path; plain http off the loopback, and a key that does not
// look like the provider's, are caught here.
void CheckBaseUrl(const ReleaseConfig& rel, ReleaseProfile* p) {
  Result<BaseUrl> parsed = ParseBaseUrl(p->base_url);
  if (!parsed.ok()) {
    p->errors.push_back("base_url (" + p->provenance["base_url"] +
                        "): " + parsed.status().message());
    return;
  }
  const std::string& host = parsed->host;
  p->provider_endpoint = JoinEndpoint(p->base_url, p->path);
  p->endpoint = p->provider_endpoint;
  if (parsed->scheme == "http" && !IsLoopbackHost(host) && !rel.allow_insecure_http) {
    p->errors.push_back("base_url uses plain http to " + host +
                        ": the key would cross the network in clear text; use https, or set "
                        "allow_insecure_http: true if a sidecar terminates TLS");
  }
  if (ContainsIgnoreCase(host, "cometapi.com") && !p->api_key.empty() &&
      (p->api_key.rfind("sk-", 0) != 0 || p->api_key.size() < 11)) {
    p->warnings.push_back("the key does not look like a CometAPI key (sk-...)");
  }
}

// The key's fingerprint, and the copy-paste errors a key can carry.
void CheckApiKey(ReleaseProfile* p) {
  p->key_fingerprint = KeyFingerprint(p->api_key);
  const std::string what = "api_key (" + p->provenance["api_key"] + ")";
  std::string note = CredentialShapeNote(what, p->api_key);
  std::string_view inner = TrimView(p->api_key);
  if (p->api_key.find_first_of("\r\n") != std::string::npos ||
      inner.find_first_of(" \t") != std::string_view::npos) {
    p->errors.push_back(what + " contains whitespace or a line break: a copy-paste error? (" +
                        p->key_fingerprint + ")");
  } else if (!note.empty()) {
    p->warnings.push_back(note);
  } else if (p->api_key.size() < 8) {
    p->warnings.push_back("api_key is only " + std::to_string(p->api_key.size()) +
                          " characters long");
  }
}

// The release's `headers:`, with a shape note for each secret one.
void TakeHeaders(const ReleaseConfig& rel, const Resolver& resolver, ReleaseProfile* p) {
  ResolvedHeaders headers = ResolveHeaders(rel.headers, resolver);
  p->headers = std::move(headers.headers);
  p->provenance.insert(headers.provenance.begin(), headers.provenance.end());
  p->errors.insert(p->errors.end(), headers.errors.begin(), headers.errors.end());
  for (const auto& h : p->headers) {
    if (!h.secret) continue;
    std::string note = CredentialShapeNote(
        "headers." + h.name + " (" + p->provenance["headers." + h.name] + ")", h.value);
    if (!note.empty()) p->warnings.push_back(note);
  }
}

// exec and http probes: the endpoint and method shown are the app's route or command.
void DescribeAppProbe(const ReleaseConfig& rel, const Resolver& resolver, ReleaseProfile* p) {
  if (rel.probe == ProbeKind::kHttp) {
    p->endpoint = ShowUrl(rel.http.url);
    p->method = rel.http.method;
  } else if (rel.probe == ProbeKind::kExec) {
    std::vector<std::string> argv = rel.exec.command;
    if (Result<std::string> program = resolver.FindProgram(argv[0]); program.ok())
      argv[0] = *program;
    p->endpoint = "exec: " + ShowCommand(argv);
    p->method.clear();  // a command has no HTTP method (ReleaseProfile::ShownMethod)
  }
}

}  // namespace

ReleaseProfile ResolveRelease(const ReleaseConfig& rel, const Contract& contract,
                              const Resolver& resolver) {
  ReleaseProfile p;
  p.config = &rel;
  p.name = rel.name;
  p.method = rel.method.empty() ? contract.method : rel.method;
  p.path = rel.path.empty() ? contract.path : rel.path;
  p.provenance["path"] = rel.path.empty() ? "contract endpoint.path" : "release path";

  const bool direct = rel.probe == ProbeKind::kDirect;
  Take(resolver, "version", rel.version, false, &p.version, &p);
  // exec and http probes let the app resolve its own provider settings; when the config names
  // them anyway, they serve the invalid-token call and the release diff.
  if (direct || rel.has_base_url) {
    Take(resolver, "base_url", rel.base_url, false, &p.base_url, &p);
    Take(resolver, "api_key", rel.api_key, true, &p.api_key, &p);
  }
  // Otherwise the app picks its model; the probe reports the one it used.
  const bool model_configured = direct || rel.model.map ||
                                rel.model.value.kind != ValueSource::Kind::kLiteral ||
                                !rel.model.value.literal.empty();
  if (model_configured) ResolveModel(rel, resolver, &p);

  if (!p.base_url.empty()) CheckBaseUrl(rel, &p);
  if (!p.api_key.empty()) CheckApiKey(&p);
  if (rel.fallback)
    Take(resolver, "fallback_model", rel.fallback->model, false, &p.fallback_model, &p);
  TakeHeaders(rel, resolver, &p);
  DescribeAppProbe(rel, resolver, &p);
  CheckValues(rel, &p);
  if (model_configured && p.model.empty() && p.errors.empty())
    p.errors.push_back("model resolved to an empty value");
  if (p.version.empty() && p.errors.empty())
    p.errors.push_back("version resolved to an empty value");
  return p;
}

Result<std::vector<ReleaseProfile>> ResolveWithoutProbing(
    const Config& config, const std::vector<const ReleaseConfig*>& releases, const Environment& env,
    CancelToken* cancel, std::string_view then, std::vector<std::string>* warnings) {
  ROLLGATE_ASSIGN_OR_RETURN(ConfiguredContract loaded, LoadConfiguredContract(config));
  if (std::string w = loaded.UnreadableWarning(config, then); !w.empty()) warnings->push_back(w);
  CancellableEnvironment cancellable(env, cancel);
  Resolver resolver(cancellable, config.dir);
  std::vector<ReleaseProfile> profiles;
  profiles.reserve(releases.size());
  for (const ReleaseConfig* release : releases)
    profiles.push_back(ResolveRelease(*release, loaded.contract, resolver));
  return profiles;
}

}  // namespace rollgate::internal
