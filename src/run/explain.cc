// `rollgate check --explain` / `--dry-run`: one release's effective settings, each with its
// source, and the requests its check would send, resolved by the same code the run uses
// (ResolveRelease, ProviderRequest, BuildSmokeRequestBody) so that the explanation cannot drift
// from what is sent. Nothing here opens a connection or runs an app's command.
#include <algorithm>

#include "base/display.h"
#include "base/environment.h"
#include "base/file_util.h"
#include "base/secret.h"
#include "base/strings.h"
#include "config/loader.h"
#include "config/profile.h"
#include "contract/smoke_request.h"
#include "rollgate/run.h"
#include "run/release_prober.h"

namespace rollgate::internal {

namespace {

// The URL with its port written out: "https://h/v1" -> "https://h:443/v1".
std::string UrlWithPort(const std::string& url) {
  const std::string origin = UrlOrigin(url);
  if (origin.empty()) return ShowUrl(url);
  const std::size_t authority = url.find("://") + 3;
  const std::size_t slash = url.find('/', authority);
  return origin + (slash == std::string::npos ? "" : ShowUrl(url.substr(slash)));
}

std::string IntList(const std::vector<int>& v) {
  std::vector<std::string> parts;
  parts.reserve(v.size());
  for (int i : v) parts.push_back(std::to_string(i));
  return "[" + Join(parts, ", ") + "]";
}

class Explainer {
 public:
  Explainer(const Config& config, const ReleaseProfile& p, ExplainReport* out)
      : config_(config), p_(p), out_(out) {
    redactor_.AddSecret(p.api_key);
    for (const auto& h : p.headers) {
      if (h.secret) redactor_.AddSecret(h.value);
    }
  }

  void Run() {
    Settings();
    if (p_.usable()) Requests();
    for (const auto& e : p_.errors) out_->errors.push_back(Shown(e));
    for (const auto& w : p_.warnings) out_->warnings.push_back(Shown(w));
    for (auto& s : out_->settings) {
      s.value = Shown(s.value);
      s.source = Shown(s.source);
    }
  }

 private:
  std::string Shown(const std::string& s) const { return DisplayText(redactor_.Redact(s)); }

  // Where a resolved value came from, or why it did not resolve.
  std::string Resolved(const std::string& key) const {
    for (const auto& e : p_.errors) {
      if (e.rfind(key + " ", 0) == 0 || e.rfind(key + ":", 0) == 0) return "unresolved: " + e;
    }
    auto it = p_.provenance.find(key);
    return it == p_.provenance.end() ? "not configured" : it->second;
  }
  // Where a plain setting came from.
  std::string Setting(const std::string& key) const {
    const auto& sources = p_.config->setting_sources;
    auto it = sources.find(key);
    return it == sources.end() ? "built-in default" : it->second;
  }
  void Add(const std::string& key, const std::string& value, const std::string& source) {
    out_->settings.push_back({key, value, source});
  }

  // The settings in the order shown: where the call goes, how it is made, what it carries,
  // and the checks around it.
  void Settings() {
    TargetSettings();
    CallSettings();
    HeaderSettings();
    GuardSettings();
  }

  // The probe, the release's values, and the endpoint or app the call goes to.
  void TargetSettings() {
    const ReleaseConfig& c = *p_.config;
    Add("probe", ToString(c.probe), Setting("probe"));
    Add("version", p_.version, Resolved("version"));
    const bool provider = c.probe == ProbeKind::kDirect || c.has_base_url;
    if (provider) {
      Add("base_url", p_.base_url, Resolved("base_url"));
      Add("api_key", p_.key_fingerprint.empty() ? "" : "key " + p_.key_fingerprint,
          Resolved("api_key"));
    }
    if (!p_.model_alias.empty()) {
      Add("model_alias", p_.model_alias, Resolved("model_alias"));
      Add("model_map", "", Resolved("model_map"));
    }
    if (!p_.model.empty() || c.probe == ProbeKind::kDirect)
      Add("model", p_.model, Resolved("model"));
    if (c.probe == ProbeKind::kDirect || !p_.provider_endpoint.empty()) {
      Add("path", p_.path, Resolved("path"));
      Add("method", p_.ProviderMethod(),
          c.method.empty() && c.probe == ProbeKind::kDirect ? "contract endpoint.method"
                                                            : Setting("method"));
      Add("url", p_.provider_endpoint.empty() ? "" : UrlWithPort(p_.provider_endpoint),
          "base_url + path");
    }
    if (c.probe == ProbeKind::kExec) {
      Add("command", p_.endpoint.substr(p_.endpoint.find(' ') + 1), Setting("command"));
      Add("command_timeout_ms", std::to_string(c.exec.timeout_ms), Setting("command_timeout_ms"));
    }
    if (c.probe == ProbeKind::kHttp) {
      Add("url", UrlWithPort(c.http.url), Setting("url"));
      Add("method", c.http.method, Setting("method"));
      Add("version_header", c.http.version_header, Setting("version_header"));
    }
  }

  // Timeouts, retries, streaming, the prompt and the transport's limits.
  void CallSettings() {
    const ReleaseConfig& c = *p_.config;
    Add("timeout_ms", std::to_string(c.timeout_ms), Setting("timeout_ms"));
    Add("connect_timeout_ms", std::to_string(c.connect_timeout_ms), Setting("connect_timeout_ms"));
    const RetryPolicy& r = c.retry;
    Add("retry",
        "max_attempts " + std::to_string(r.max_attempts) + ", backoff_ms " +
            std::to_string(r.backoff_ms) + ", max_backoff_ms " + std::to_string(r.max_backoff_ms) +
            ", retry_after_cap_ms " + std::to_string(r.retry_after_cap_ms) + ", retry_on " +
            IntList(r.retry_on) + ", retry_on_connection_errors " +
            (r.retry_on_connection_errors ? "true" : "false"),
        Setting("retry"));
    Add("stream", c.stream ? "true" : "false", Setting("stream"));
    if (c.stream) {
      Add("stream_idle_timeout_ms", std::to_string(c.stream_idle_timeout_ms),
          Setting("stream_idle_timeout_ms"));
    }
    const PromptOptions& pr = c.prompt;
    Add("prompt",
        std::string(pr.token_field == PromptOptions::TokenField::kMaxCompletionTokens
                        ? "max_completion_tokens "
                        : "max_tokens ") +
            std::to_string(pr.max_tokens) + ", label " + pr.label + ", system " +
            (pr.system.empty() ? "built in" : "custom") + ", user " +
            (pr.user.empty() ? "built in" : "custom"),
        Setting("prompt"));
    Add("max_body_bytes", std::to_string(c.max_body_bytes), Setting("max_body_bytes"));
    Add("ca_file", c.ca_file.empty() ? "(system CAs)" : c.ca_file, Setting("ca_file"));
    Add("allow_insecure_http", c.allow_insecure_http ? "true" : "false",
        Setting("allow_insecure_http"));
  }

  // The release's `headers:`; a secret one shown by its fingerprint.
  void HeaderSettings() {
    for (const auto& header : p_.config->headers) {
      const std::string& name =
          header.first;  // not a structured binding: clang-14 cannot capture one
      auto h = std::find_if(p_.headers.begin(), p_.headers.end(),
                            [&](const ResolvedHeader& x) { return x.name == name; });
      std::string value = h == p_.headers.end() ? ""
                          : h->secret           ? "secret " + KeyFingerprint(h->value)
                                                : h->value;
      Add("headers." + name, value, Resolved("headers." + name));
    }
  }

  // The fallback, the app's logs and the invalid-token call.
  void GuardSettings() {
    const ReleaseConfig& c = *p_.config;
    if (c.fallback) {
      std::vector<std::string> on;
      for (int s : c.fallback->on_status) on.push_back(std::to_string(s));
      on.insert(on.end(), c.fallback->on_codes.begin(), c.fallback->on_codes.end());
      Add("fallback",
          "model " + p_.fallback_model + " on [" + Join(on, ", ") + "], block_on_fallback " +
              (c.fallback->block_on_fallback ? "true" : "false"),
          Setting("fallback") + "; model from " + Resolved("fallback_model"));
    }
    if (c.logs) {
      std::string from = c.logs->file.empty()
                             ? "command `" + ShowCommand(c.logs->command) + "`"
                             : "file " + ResolveRelative(config_.dir, c.logs->file) +
                                   " (lines written after the probes start, at most " +
                                   std::to_string(c.logs->max_bytes) + " bytes)";
      Add("logs", from + ", require [" + Join(c.logs->require, ", ") + "]", Setting("logs"));
    }
    Add("negative_auth",
        config_.negative_auth.enabled
            ? "enabled, expect " + IntList(config_.negative_auth.expect_status)
            : "disabled",
        "negative_auth");
  }

  ExplainRequest Provider(const std::string& kind, const std::string& model, bool stream,
                          bool invalid, const std::string& note) const {
    HttpRequest req =
        ProviderRequest(p_, invalid ? "invalid" : p_.api_key, "rg-<correlation-id>", invalid);
    ExplainRequest r;
    r.kind = kind;
    r.method = req.method;
    r.target = UrlWithPort(req.url);
    for (const auto& header : req.headers) r.headers.push_back(header.first);
    r.body_fields = JsonBodyFieldNames(BuildSmokeRequestBody(model, p_.config->prompt, stream));
    r.note = note;
    return r;
  }

  void Requests() {
    const ReleaseConfig& c = *p_.config;
    if (c.probe == ProbeKind::kDirect) {
      out_->requests.push_back(
          Provider("chat", p_.model, false, false, "Authorization: Bearer <the api_key above>"));
      if (c.stream)
        out_->requests.push_back(Provider("stream", p_.model, true, false, "the streaming path"));
      if (c.fallback && !p_.fallback_model.empty()) {
        out_->requests.push_back(Provider("fallback", p_.fallback_model, false, false,
                                          "only when the chat call fails as fallback.on says"));
      }
    } else if (c.probe == ProbeKind::kExec) {
      out_->requests.push_back(
          {"app command",
           p_.ShownMethod(),
           p_.endpoint.substr(p_.endpoint.find(' ') + 1),
           {},
           {},
           "the app's own smoke entrypoint, with the ROLLGATE_* variables of docs/app-probes.md"});
    } else {
      ExplainRequest r{
          "app route",
          c.http.method,
          UrlWithPort(c.http.url),
          {},
          JsonBodyFieldNames(c.http.body),
          "the app's own smoke route, with the X-Rollgate-Smoke-* headers of docs/app-probes.md"};
      r.headers = {"Accept", "X-Client-Request-Id", "X-Rollgate-Smoke-Label",
                   "X-Rollgate-Smoke-Max-Tokens", "X-Rollgate-Smoke-Stream"};
      for (const auto& h : p_.headers) r.headers.push_back(h.name);
      out_->requests.push_back(std::move(r));
    }
    if (config_.negative_auth.enabled && !p_.provider_endpoint.empty()) {
      out_->requests.push_back(
          Provider("negative_auth", p_.model.empty() ? "gpt-4o-mini" : p_.model, false, true,
                   "a deliberately invalid token (and invalid secret headers), once"));
    }
  }

  const Config& config_;
  const ReleaseProfile& p_;
  ExplainReport* out_;
  Redactor redactor_;
};

}  // namespace

}  // namespace rollgate::internal

namespace rollgate {

Status ExplainRelease(const Config& config, const std::string& release,
                      const ResolveOptions& options, ExplainReport* report) {
  const ReleaseConfig* rel = config.FindRelease(release);
  if (!rel) {
    std::vector<std::string> names;
    for (const auto& r : config.releases) names.push_back(r.name);
    return Status::InvalidArgument("--release " + release + ": no such release in " + config.file +
                                   "; it has: " + internal::Join(names, ", "));
  }
  ROLLGATE_ASSIGN_OR_RETURN(
      std::vector<internal::ReleaseProfile> profiles,
      internal::ResolveWithoutProbing(
          config, {rel}, options.env ? *options.env : ProcessEnvironment(), options.cancel,
          "the built-in method and path are shown", &report->warnings));
  const internal::ReleaseProfile& profile = profiles[0];
  report->service = config.service;
  report->config_file = config.file;
  report->release = release;
  internal::Explainer(config, profile, report).Run();
  return Status::Ok();
}

Status ExplainFromFile(const std::string& config_path, const std::string& release,
                       const ResolveOptions& options, ExplainReport* report) {
  ROLLGATE_ASSIGN_OR_RETURN(Config config, internal::LoadConfig(config_path));
  return ExplainRelease(config, release, options, report);
}

}  // namespace rollgate
