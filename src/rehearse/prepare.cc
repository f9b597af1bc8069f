// The rehearsal's one-time preparation of the user's setup: see prepare.h.
#include "rehearse/prepare.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "base/strings.h"
#include "config/loader.h"
#include "config/resolver.h"

namespace rollgate::internal {

ValueSource LiteralValue(const std::string& value) {
  ValueSource s;
  s.literal = value;
  return s;
}

namespace {

std::string KeyFor(const std::string& release) {
  return "sk-rehearse-" + release + "-5f3a9d2c7b1e";
}

// The release's secret headers as they resolve here (profile.cc's rule: a value from a source,
// or under a credential-looking name).
void AddHeaderSecrets(const Resolver& resolver, const ReleaseConfig& rel,
                      std::vector<std::string>* secrets) {
  for (const auto& [name, source] : rel.headers) {
    if (source.kind == ValueSource::Kind::kLiteral && !LooksLikeSecretName(name)) continue;
    ResolvedValue v = resolver.Resolve(source, true);
    if (v.ok) secrets->push_back(v.value);
  }
}

// What makes two releases' keys "the same key": the value, when it resolves, else the source.
// A key that resolves is added to `secrets`.
std::string KeyIdentity(const Resolver& resolver, const ValueSource& key,
                        std::vector<std::string>* secrets) {
  ResolvedValue v = resolver.Resolve(key, true);
  if (v.ok) {
    secrets->push_back(v.value);
    return "value:" + v.value;
  }
  return "source:" + std::to_string(static_cast<int>(key.kind)) + "|" + key.literal + "|" +
         key.name + "|" + key.path + "|" + key.key + "|" + Join(key.argv, "\x1f");
}

}  // namespace

PreparedRehearsal PrepareRehearsal(const Config& loaded, const Environment& env) {
  PreparedRehearsal p;
  p.config = loaded;
  Contract contract;
  if (!loaded.contract_path.empty()) {
    Result<Contract> c = LoadContract(loaded.contract_path);
    if (c.ok()) contract = *c;
  }
  p.contract_fields = contract.request_fields;
  Resolver resolver(env, loaded.dir);
  std::map<std::string, std::string> key_owner;  // KeyIdentity -> first release reading it
  std::set<ProbeKind> probes_before, probes_after;
  for (auto& rel : p.config.releases) {
    ResolvedValue version = resolver.Resolve(rel.version, false);
    std::string model;
    if (!rel.model.map) {
      ResolvedValue m = resolver.Resolve(rel.model.value, false);
      if (m.ok) model = m.value;
    }
    if (model.empty()) model = "gpt-4o-mini";
    std::string owner =
        key_owner.emplace(KeyIdentity(resolver, rel.api_key, &p.secrets), rel.name).first->second;
    AddHeaderSecrets(resolver, rel, &p.secrets);
    p.keys[rel.name] = KeyFor(owner);
    p.secrets.push_back(p.keys[rel.name]);
    ResolvedValue base = rel.has_base_url ? resolver.Resolve(rel.base_url, false) : ResolvedValue{};
    AppPlan plan = PlanApp(rel, contract.path, base.ok ? base.value : "");
    probes_before.insert(rel.probe);
    if (plan.through_app) {
      p.any_app = true;  // exec stays exec; http is called on its local instance (RunMode)
    } else {
      if (rel.probe != ProbeKind::kDirect) p.notes.push_back(rel.name + ": " + plan.reason);
      rel.probe = ProbeKind::kDirect;
    }
    probes_after.insert(rel.probe);
    p.plans[rel.name] = plan;
    rel.has_base_url = true;
    rel.version = LiteralValue(version.ok ? version.value : "rehearsal");
    rel.model = ModelSource{LiteralValue(model), std::nullopt};
    rel.api_key = LiteralValue(p.keys[rel.name]);
    rel.logs.reset();
    if (rel.fallback) {
      ResolvedValue fb = resolver.Resolve(rel.fallback->model, false);
      rel.fallback->model = LiteralValue(fb.ok ? fb.value : "gpt-4o");
    }
    if (rel.stream && !p.any_stream) {
      p.any_stream = true;
      p.first_stream = rel.name;
    }
  }
  // Releases that agreed on their probe kind and now differ only because one fell back to a
  // direct probe: that difference is the rehearsal's, not the config's.
  auto& expected = p.config.expect_differences;
  if (probes_before.size() == 1 && probes_after.size() > 1 &&
      std::find(expected.begin(), expected.end(), "probe") == expected.end()) {
    expected.push_back("probe");
  }
  for (const auto& secret : p.secrets) p.redactor.AddSecret(secret);
  return p;
}

std::string SessionFor(const std::string& prefix, const std::string& release) {
  std::string r = release.substr(0, 60);
  for (char& c : r) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  }
  return prefix + r;
}

}  // namespace rollgate::internal
