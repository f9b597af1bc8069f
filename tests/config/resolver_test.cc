#include "config/resolver.h"

#include <gtest/gtest.h>

#include "base/secret.h"
#include "config/profile.h"
#include "testutil/fake_environment.h"

namespace rollgate::internal {
namespace {

using testing::FakeEnvironment;

ValueSource Env(const std::string& name) {
  ValueSource s;
  s.kind = ValueSource::Kind::kEnv;
  s.name = name;
  return s;
}

ValueSource FileSrc(const std::string& path) {
  ValueSource s;
  s.kind = ValueSource::Kind::kFile;
  s.path = path;
  return s;
}

ValueSource Doc(ValueSource::Kind kind, const std::string& path, const std::string& key) {
  ValueSource s;
  s.kind = kind;
  s.path = path;
  s.key = key;
  return s;
}

TEST(ResolverTest, EnvIsTrimmedAndBlankCountsAsMissing) {
  FakeEnvironment env;
  env.vars = {{"KEY", "  sk-abc \n"}, {"BLANK", "  "}};
  Resolver r(env, "/cfg");
  ResolvedValue v = r.Resolve(Env("KEY"), true);
  ASSERT_TRUE(v.ok);
  EXPECT_EQ(v.value, "sk-abc");
  EXPECT_EQ(v.provenance, "env KEY");
  EXPECT_EQ(r.Resolve(Env("BLANK"), true).error, "env BLANK is set but blank");
  EXPECT_EQ(r.Resolve(Env("UNSET"), true).error, "env UNSET is not set");
}

TEST(ResolverTest, FileIsRelativeToTheConfigAndLosesItsTrailingNewline) {
  FakeEnvironment env;
  env.files["/cfg/secrets/key"] = "sk-file\n";
  Resolver r(env, "/cfg");
  ResolvedValue v = r.Resolve(FileSrc("secrets/key"), true);
  ASSERT_TRUE(v.ok);
  EXPECT_EQ(v.value, "sk-file");
  EXPECT_EQ(v.provenance, "file /cfg/secrets/key");
  ResolvedValue gone = r.Resolve(FileSrc("/run/deleted"), true);
  EXPECT_FALSE(gone.ok);
  EXPECT_NE(gone.error.find("/run/deleted: no such file"), std::string::npos);
}

TEST(ResolverTest, DefaultIsUsedAndSaysWhy) {
  FakeEnvironment env;
  Resolver r(env, "/cfg");
  ValueSource s = Env("MODEL");
  s.default_value = "gpt-4o-mini";
  ResolvedValue v = r.Resolve(s, false);
  ASSERT_TRUE(v.ok);
  EXPECT_TRUE(v.used_default);
  EXPECT_EQ(v.provenance, "default (env MODEL is not set)");
}

TEST(ResolverTest, StructuredDocumentsWithKeyPathsAndLines) {
  FakeEnvironment env;
  env.files["/cfg/app.yaml"] =
      "llm:\n  models:\n    - name: first\n    - name: second\n  model: gpt-5.4\n";
  env.files["/cfg/app.json"] = R"({"llm": {"model": "gpt-4o", "n": 3}})";
  env.files["/cfg/app.toml"] = "[llm]\nmodel = \"claude-sonnet-4-5\"\n";
  env.files["/cfg/.env"] = "# comment\nexport KEY=\"sk-quoted\"\nOTHER=plain # trailing\n";
  Resolver r(env, "/cfg");
  ResolvedValue y =
      r.Resolve(Doc(ValueSource::Kind::kYaml, "app.yaml", "llm.models.1.name"), false);
  ASSERT_TRUE(y.ok) << y.error;
  EXPECT_EQ(y.value, "second");
  EXPECT_EQ(y.provenance, "yaml /cfg/app.yaml:llm.models.1.name (line 4)");
  EXPECT_EQ(r.Resolve(Doc(ValueSource::Kind::kJson, "app.json", "llm.model"), false).value,
            "gpt-4o");
  EXPECT_EQ(r.Resolve(Doc(ValueSource::Kind::kJson, "app.json", "llm.n"), false).value, "3");
  EXPECT_EQ(r.Resolve(Doc(ValueSource::Kind::kToml, "app.toml", "llm.model"), false).value,
            "claude-sonnet-4-5");
  EXPECT_EQ(r.Resolve(Doc(ValueSource::Kind::kDotenv, ".env", "KEY"), true).value, "sk-quoted");
  EXPECT_EQ(r.Resolve(Doc(ValueSource::Kind::kDotenv, ".env", "OTHER"), false).value, "plain");
  ResolvedValue missing = r.Resolve(Doc(ValueSource::Kind::kYaml, "app.yaml", "llm.alias"), false);
  EXPECT_FALSE(missing.ok);
  EXPECT_NE(missing.error.find("key 'llm.alias' not found"), std::string::npos) << missing.error;
}

TEST(ResolverTest, FailingCommandNeverQuotesASecretsStdout) {
  FakeEnvironment env;
  env.command = [](const std::vector<std::string>&) -> Result<CommandResult> {
    CommandResult r;
    r.exit_code = 1;
    r.out = "sk-leaked-through-stdout";
    return r;
  };
  Resolver r(env, "/cfg");
  ValueSource s;
  s.kind = ValueSource::Kind::kCommand;
  s.argv = {"vault", "read", "key"};
  ResolvedValue secret = r.Resolve(s, /*secret=*/true);
  EXPECT_FALSE(secret.ok);
  EXPECT_EQ(secret.error.find("sk-leaked"), std::string::npos);
  EXPECT_NE(secret.error.find("exit code 1"), std::string::npos);
}

TEST(ProfileTest, EndpointJoinsLikeTheSdks) {
  EXPECT_EQ(JoinEndpoint("https://api.cometapi.com", "/v1/chat/completions"),
            "https://api.cometapi.com/v1/chat/completions");
  EXPECT_EQ(JoinEndpoint("https://api.cometapi.com/v1/", "/v1/chat/completions"),
            "https://api.cometapi.com/v1/chat/completions");
  EXPECT_EQ(JoinEndpoint("http://127.0.0.1:8/proxy", "/v1/chat/completions"),
            "http://127.0.0.1:8/proxy/v1/chat/completions");
}

TEST(ProfileTest, UnsafeOrUnresolvableValuesAreFindings) {
  FakeEnvironment env;
  env.vars = {{"KEY", "sk-0123456789"}};
  Resolver resolver(env, "/cfg");
  Contract contract;
  ReleaseConfig rel;
  rel.name = "rollback";
  rel.version.literal = "1";
  rel.model.value.literal = "m";
  rel.api_key = Env("KEY");
  rel.base_url.literal = "http://api.example.com";
  ReleaseProfile p = ResolveRelease(rel, contract, resolver);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].find("plain http"), std::string::npos);
  rel.allow_insecure_http = true;
  EXPECT_TRUE(ResolveRelease(rel, contract, resolver).usable());
  rel.base_url.literal = "https://user:pw@api.example.com";
  EXPECT_NE(ResolveRelease(rel, contract, resolver).errors.at(0).find("credentials"),
            std::string::npos);
  rel.base_url.literal = "http://127.0.0.1:9";
  rel.api_key = Env("KEY_ROLLBACK");
  ReleaseProfile unresolved = ResolveRelease(rel, contract, resolver);
  ASSERT_EQ(unresolved.errors.size(), 1u);
  EXPECT_EQ(unresolved.errors[0], "api_key from env KEY_ROLLBACK: env KEY_ROLLBACK is not set");
  EXPECT_EQ(unresolved.key_fingerprint, "");
}

TEST(ProfileTest, ModelAliasMissingFromTheMapFailsLoudly) {
  FakeEnvironment env;
  env.vars = {{"KEY", "sk-0123456789"}, {"ALIAS", "smart"}};
  env.files["/cfg/models.yaml"] = "aliases:\n  fast: gpt-4o-mini\n  cheap: gpt-5-mini\n";
  Resolver resolver(env, "/cfg");
  ReleaseConfig rel;
  rel.name = "new";
  rel.version.literal = "1";
  rel.api_key = Env("KEY");
  rel.base_url.literal = "http://127.0.0.1:9";
  rel.model.value = Env("ALIAS");
  rel.model.map = Doc(ValueSource::Kind::kYaml, "models.yaml", "aliases");
  ReleaseProfile p = ResolveRelease(rel, Contract{}, resolver);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].find("model alias 'smart' (from env ALIAS) is not in the model map"),
            std::string::npos);
  env.vars["ALIAS"] = "fast";
  ReleaseProfile ok = ResolveRelease(rel, Contract{}, resolver);
  EXPECT_TRUE(ok.usable());
  EXPECT_EQ(ok.model, "gpt-4o-mini");
  EXPECT_EQ(ok.model_alias, "fast");
}

ReleaseConfig HeaderTestRelease() {
  ReleaseConfig rel;
  rel.name = "new";
  rel.version.literal = "1";
  rel.model.value.literal = "m";
  rel.api_key = Env("KEY");
  rel.base_url.literal = "http://127.0.0.1:9";
  return rel;
}

TEST(ProfileTest, HeadersResolveFromAnySourceAndSecretOnesAreMarked) {
  FakeEnvironment env;
  env.vars = {{"KEY", "sk-0123456789"}, {"GW", "gw-secret-4711"}, {"ORG", "org-9"}};
  Resolver resolver(env, "/cfg");
  ReleaseConfig rel = HeaderTestRelease();
  rel.headers["X-Api-Key"] = Env("GW");                  // a source: a secret
  rel.headers["OpenAI-Organization"].literal = "org-1";  // a plain literal: not one
  rel.headers["X-Auth-Token"].literal = "literal-tok";   // a credential's name: a secret
  rel.headers["X-Org"] = Env("ORG");
  ReleaseProfile p = ResolveRelease(rel, Contract{}, resolver);
  ASSERT_TRUE(p.usable()) << p.errors.at(0);
  std::map<std::string, std::pair<std::string, bool>> got;
  for (const auto& h : p.headers) got[h.name] = {h.value, h.secret};
  EXPECT_EQ(got["X-Api-Key"], std::make_pair(std::string("gw-secret-4711"), true));
  EXPECT_EQ(got["OpenAI-Organization"], std::make_pair(std::string("org-1"), false));
  EXPECT_EQ(got["X-Auth-Token"], std::make_pair(std::string("literal-tok"), true));
  EXPECT_EQ(got["X-Org"], std::make_pair(std::string("org-9"), true));
  EXPECT_EQ(p.provenance["headers.X-Api-Key"], "env GW");

  rel.headers["X-Missing"] = Env("NOT_SET");
  env.vars["GW"] = "line\r\nX-Injected: 1";
  ReleaseProfile bad = ResolveRelease(rel, Contract{}, resolver);
  ASSERT_EQ(bad.errors.size(), 2u);
  EXPECT_NE(bad.errors[0].find("headers.X-Api-Key (env GW) contains a line break"),
            std::string::npos)
      << bad.errors[0];
  EXPECT_EQ(bad.errors[1], "headers.X-Missing from env NOT_SET: env NOT_SET is not set");
}

TEST(ProfileTest, AKeyWithABomOrSurroundingWhitespaceIsANote) {
  FakeEnvironment env;
  env.files["/cfg/bom.key"] = "\xef\xbb\xbfsk-0123456789\n";
  env.files["/cfg/space.key"] = "sk-0123456789 \n";
  env.files["/cfg/inner.key"] = "sk-0123 456789\n";
  Resolver resolver(env, "/cfg");
  ReleaseConfig rel = HeaderTestRelease();
  rel.api_key = FileSrc("bom.key");
  ReleaseProfile bom = ResolveRelease(rel, Contract{}, resolver);
  EXPECT_TRUE(bom.usable());
  ASSERT_EQ(bom.warnings.size(), 1u);
  EXPECT_NE(bom.warnings[0].find("api_key (file /cfg/bom.key) starts with a UTF-8 byte-order mark"),
            std::string::npos)
      << bom.warnings[0];
  EXPECT_NE(bom.warnings[0].find(KeyFingerprint("sk-0123456789")), std::string::npos)
      << "the trimmed key's";
  rel.api_key = FileSrc("space.key");
  ReleaseProfile space = ResolveRelease(rel, Contract{}, resolver);
  EXPECT_TRUE(space.usable());
  ASSERT_EQ(space.warnings.size(), 1u);
  EXPECT_NE(space.warnings[0].find("ends with whitespace"), std::string::npos) << space.warnings[0];
  rel.api_key = FileSrc("inner.key");
  EXPECT_FALSE(ResolveRelease(rel, Contract{}, resolver).usable())
      << "whitespace inside a key stays an error";
}

TEST(ProfileTest, AnExecCommandIsShownWithoutTheSecretsItCarries) {
  FakeEnvironment env;
  Resolver resolver(env, "/cfg");
  ReleaseConfig rel;
  rel.name = "new";
  rel.version.literal = "1";
  rel.probe = ProbeKind::kExec;
  rel.has_base_url = false;
  rel.exec.command = {"env",  "OPENAI_API_KEY=proj-live-0123456789", "app", "--token", "t0k3n",
                      "smoke"};
  ReleaseProfile p = ResolveRelease(rel, Contract{}, resolver);
  EXPECT_EQ(p.endpoint, "exec: env OPENAI_API_KEY=[redacted] app --token [redacted] smoke");
}

}  // namespace
}  // namespace rollgate::internal
