// libFuzzer target: the config loader (YAML, schema, value sources) and the contract loader,
// then resolution of every release against an in-memory environment: whatever the file says,
// rollgate answers with a Status or a finding, never a crash or an escaped exception.
#include <cstdint>
#include <map>
#include <string>

#include "base/environment.h"
#include "config/loader.h"
#include "config/profile.h"
#include "config/resolver.h"

namespace {

// Files and variables the fuzzed config can name; commands never run.
class FuzzEnvironment : public rollgate::internal::Environment {
 public:
  std::optional<std::string> GetEnv(const std::string& name) const override {
    if (name == "KEY") return std::string("sk-fuzz-000000000000");
    if (name == "BLANK") return std::string("  ");
    if (name == "PATHVAR") return std::string("/fuzz/key");
    return std::nullopt;
  }
  rollgate::Result<std::string> ReadFile(const std::string& path) const override {
    static const std::map<std::string, std::string> kFiles = {
        {"/fuzz/key", "sk-fuzz-file\n"},
        {"/fuzz/app.yaml", "llm:\n  model: gpt-4o\n  aliases: {fast: gpt-4o-mini}\n  list: [a, b]\n"},
        {"/fuzz/app.json", R"({"llm": {"model": "m", "n": 1, "list": [1, {"x": "y"}]}})"},
        {"/fuzz/app.toml", "[llm]\nmodel = \"m\"\n[llm.aliases]\nfast = \"x\"\n"},
        {"/fuzz/.env", "KEY=value\nexport OTHER='quoted'\n"},
        {"/fuzz/contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 30\n"}};
    auto it = kFiles.find(path);
    if (it == kFiles.end()) return rollgate::Status::NotFound(path + ": no such file");
    return it->second;
  }
  rollgate::Result<rollgate::internal::CommandResult> Run(const std::vector<std::string>& argv,
                                                          const rollgate::internal::CommandOptions&) const override {
    return rollgate::Status::NotFound("cannot run '" + (argv.empty() ? std::string() : argv[0]) + "' while fuzzing");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string text(reinterpret_cast<const char*>(bytes), size);
  (void)rollgate::internal::ParseContract(text, "/fuzz/contract.yaml");
  rollgate::Result<rollgate::Config> cfg = rollgate::internal::ParseConfig(text, "/fuzz/rollgate.yaml");
  if (!cfg.ok()) return 0;
  static const FuzzEnvironment env;
  rollgate::internal::Resolver resolver(env, "/fuzz");
  rollgate::Contract contract;
  for (const auto& rel : cfg->releases) rollgate::internal::ResolveRelease(rel, contract, resolver);
  return 0;
}
