// libFuzzer target: the config loader (YAML, schema, limits, value sources) and the contract
// loader, then resolution of every release against an in-memory environment whose variables,
// files and commands also hand back raw bytes of the input, and then what a run does with the
// resolved values: the request bodies (smoke, stream, fallback) and every evidence file.
// Whatever the file says, rollgate answers with a Status or a finding, never a crash or an
// escaped exception (nlohmann's dump throws on invalid UTF-8 unless told not to).
#include <cstdint>
#include <map>
#include <string>

#include "base/environment.h"
#include "config/loader.h"
#include "config/profile.h"
#include "config/resolver.h"
#include "contract/smoke_request.h"
#include "evidence/evidence.h"

namespace {

// Files and variables the fuzzed config can name. RAW (a variable), /fuzz/raw (a file) and
// every command answer with the input's own bytes, so that resolved values can hold anything.
class FuzzEnvironment : public rollgate::internal::Environment {
 public:
  explicit FuzzEnvironment(std::string raw) : raw_(std::move(raw)) {}

  std::optional<std::string> GetEnv(const std::string& name) const override {
    if (name == "KEY") return std::string("sk-fuzz-000000000000");
    if (name == "BLANK") return std::string("  ");
    if (name == "PATHVAR") return std::string("/fuzz/key");
    if (name == "RAW") return raw_.substr(raw_.size() / 2);
    return std::nullopt;
  }
  rollgate::Result<std::string> ReadFile(const std::string& path) const override {
    static const std::map<std::string, std::string> kFiles = {
        {"/fuzz/key", "sk-fuzz-file\n"},
        {"/fuzz/app.yaml",
         "llm:\n  model: gpt-4o\n  aliases: {fast: gpt-4o-mini}\n  list: [a, b]\n"},
        {"/fuzz/app.json", R"({"llm": {"model": "m", "n": 1, "list": [1, {"x": "y"}]}})"},
        {"/fuzz/app.toml", "[llm]\nmodel = \"m\"\n[llm.aliases]\nfast = \"x\"\n"},
        {"/fuzz/.env", "KEY=value\nexport OTHER='quoted'\n"},
        {"/fuzz/contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 30\n"}};
    if (path == "/fuzz/raw") return raw_;
    auto it = kFiles.find(path);
    if (it == kFiles.end()) return rollgate::Status::NotFound(path + ": no such file");
    return it->second;
  }
  rollgate::Result<rollgate::internal::CommandResult> Run(
      const std::vector<std::string>& argv,
      const rollgate::internal::CommandOptions&) const override {
    rollgate::internal::CommandResult r;  // commands never run while fuzzing: they print the input
    r.exit_code = argv.size() > 1 && argv[1] == "fail" ? 1 : 0;
    r.out = raw_.substr(0, raw_.size() / 2);
    r.err = raw_.substr(raw_.size() / 3);
    return r;
  }

 private:
  std::string raw_;
};

// What a run renders from the profiles, without the network: one report with every release.
void RenderEvidence(const std::vector<rollgate::internal::ReleaseProfile>& profiles,
                    const rollgate::Config& cfg) {
  rollgate::RunReport report;
  report.command = rollgate::Command::kGate;
  report.run_id = "fuzz";
  report.service = cfg.service;
  report.config_file = cfg.file;
  report.decision = rollgate::Decision::kBlock;
  for (const auto& p : profiles) {
    rollgate::ReleaseReport r;
    r.name = p.name;
    r.version = p.version;
    r.endpoint = p.endpoint;
    r.method = p.ShownMethod();  // as the runner fills it (runner.cc)
    r.model = p.model;
    r.provenance = p.provenance;
    std::string detail;
    for (const auto& e : p.errors) detail += e + "; ";
    r.checks.push_back({"configuration",
                        p.usable() ? rollgate::CheckStatus::kPass : rollgate::CheckStatus::kFail,
                        detail, false});
    rollgate::AttemptRecord a;
    a.error = detail;
    r.attempts.push_back(a);
    report.releases.push_back(std::move(r));
  }
  (void)rollgate::internal::RenderGateJson(report);
  (void)rollgate::internal::RenderJunitXml(report);
  (void)rollgate::internal::RenderSummaryMarkdown(report);
  (void)rollgate::internal::RenderProbesJsonl(report);
  (void)rollgate::internal::RenderConsole(report, {});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string text(reinterpret_cast<const char*>(bytes), size);
  (void)rollgate::internal::ParseContract(text, "/fuzz/contract.yaml");
  rollgate::Result<rollgate::Config> cfg =
      rollgate::internal::ParseConfig(text, "/fuzz/rollgate.yaml");
  if (!cfg.ok()) return 0;
  const FuzzEnvironment env(text);
  rollgate::internal::Resolver resolver(env, "/fuzz");
  rollgate::Contract contract;
  std::vector<rollgate::internal::ReleaseProfile> profiles;
  for (const auto& rel : cfg->releases) {
    rollgate::internal::ReleaseProfile p =
        rollgate::internal::ResolveRelease(rel, contract, resolver);
    // The request bodies, as the probes build them: the usable path and, as a second line of
    // defence, whatever a finding left behind.
    for (bool stream : {false, true}) {
      (void)rollgate::internal::BuildSmokeRequestBody(p.model, rel.prompt, stream);
      if (!p.fallback_model.empty())
        (void)rollgate::internal::BuildSmokeRequestBody(p.fallback_model, rel.prompt, stream);
    }
    (void)rollgate::internal::ExpectedSmokeContent(rel.prompt.label);
    profiles.push_back(std::move(p));
  }
  RenderEvidence(profiles, *cfg);
  return 0;
}
