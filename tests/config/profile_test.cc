// Release profiles: values that are not UTF-8 and plain http to anything but a loopback
// literal are findings that name the key; commands are recorded by the path that ran.
#include "config/profile.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "base/environment.h"
#include "base/strings.h"
#include "testutil/fake_environment.h"
#include "testutil/temp_dir.h"

namespace rollgate::internal {
namespace {

ReleaseConfig ProfileRelease() {
  ReleaseConfig rel;
  rel.name = "rollback";
  rel.version.literal = "2.3.1";
  rel.base_url.literal = "https://api.example.com";
  rel.api_key.literal = "sk-0123456789";
  rel.model.value.literal = "gpt-4o-mini";
  return rel;
}

std::string ProfileErrors(const ReleaseProfile& p) {
  std::string all;
  for (const auto& e : p.errors) all += e + "\n";
  return all;
}

TEST(ProfileUtf8Test, EveryResolvedValueIsCheckedWithKeyAndByteOffset) {
  testing::FakeEnvironment env;
  env.vars = {{"VERSION", "2.3.1-\xE9t\xE9"}};
  env.files["/cfg/model.txt"] = "gpt-\xFF\n";
  Resolver resolver(env, "/cfg");
  ReleaseConfig rel = ProfileRelease();
  rel.prompt.system = "Reply in JSON, caf\xE9 style.";
  rel.version.kind = ValueSource::Kind::kEnv;
  rel.version.name = "VERSION";
  rel.model.value.kind = ValueSource::Kind::kFile;
  rel.model.value.path = "model.txt";
  rel.headers["X-Team"].literal = "\xC3";  // a sequence cut short
  ReleaseProfile p = ResolveRelease(rel, Contract{}, resolver);
  std::string errors = ProfileErrors(p);
  EXPECT_FALSE(p.usable());
  EXPECT_NE(errors.find("version: invalid UTF-8 at byte 6 (0xE9) from env VERSION: set the "
                        "variable as UTF-8 text"),
            std::string::npos)
      << errors;
  EXPECT_NE(
      errors.find(
          "model: invalid UTF-8 at byte 4 (0xFF) from file /cfg/model.txt: save the file as UTF-8"),
      std::string::npos)
      << errors;
  EXPECT_NE(errors.find("prompt.system: invalid UTF-8 at byte 18 (0xE9)"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("headers.X-Team: invalid UTF-8 at byte 0 (0xC3)"), std::string::npos)
      << errors;
  // From here on the values carry U+FFFD, never the raw bytes.
  EXPECT_EQ(p.version, "2.3.1-\xEF\xBF\xBDt\xEF\xBF\xBD");
  EXPECT_EQ(p.model, "gpt-\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(errors));
}

TEST(ProfileUtf8Test, ACommandsOutputSaysToFixTheCommand) {
  testing::FakeEnvironment env;
  env.command = [](const std::vector<std::string>&) -> Result<CommandResult> {
    CommandResult r;
    r.exit_code = 0;
    r.out = "m\x80\n";
    return r;
  };
  Resolver resolver(env, "/cfg");
  ReleaseConfig rel = ProfileRelease();
  rel.model.value.kind = ValueSource::Kind::kCommand;
  rel.model.value.argv = {"vault", "read", "model"};
  std::string errors = ProfileErrors(ResolveRelease(rel, Contract{}, resolver));
  EXPECT_NE(errors.find("model: invalid UTF-8 at byte 1 (0x80) from command vault read model: make "
                        "the command print UTF-8"),
            std::string::npos)
      << errors;
}

TEST(ProfileLoopbackTest, PlainHttpOnlyToLoopbackLiterals) {
  testing::FakeEnvironment env;
  Resolver resolver(env, "/cfg");
  ReleaseConfig rel = ProfileRelease();
  for (const char* url : {"http://127.0.0.1.nip.io", "http://127.evil.example:8080",
                          "http://127.0.0.1.invalid/v1", "http://localhost.evil.example"}) {
    rel.base_url.literal = url;
    std::string errors = ProfileErrors(ResolveRelease(rel, Contract{}, resolver));
    EXPECT_NE(errors.find("plain http"), std::string::npos) << url << ": " << errors;
  }
  for (const char* url : {"http://127.0.0.1:9", "http://127.8.9.10:9/v1", "http://localhost:9",
                          "http://LOCALHOST.:9", "http://[::1]:9", "https://127.0.0.1.nip.io"}) {
    rel.base_url.literal = url;
    ReleaseProfile p = ResolveRelease(rel, Contract{}, resolver);
    EXPECT_TRUE(p.usable()) << url << ": " << ProfileErrors(p);
  }
  // Hosts libcurl might read differently from us are refused outright.
  for (const char* url :
       {"http://127.0.0.1\\@evil.example", "http://127.0.0.1%2eevil.example", "http://[::1]x.evil",
        "http://127.0.0.1:80\\evil.example", "http://h:99999", "http://h:", "http://[zz]:80",
        "http://0x7f000001", "http://127.1:80"}) {
    rel.base_url.literal = url;
    ReleaseProfile p = ResolveRelease(rel, Contract{}, resolver);
    EXPECT_FALSE(p.usable()) << url;
    EXPECT_EQ(ProfileErrors(p).find("plain http"), std::string::npos)
        << url << ": " << ProfileErrors(p);
  }
}

// An Environment on the real file system and processes with its own PATH.
class ProfilePathEnvironment : public SystemEnvironment {
 public:
  explicit ProfilePathEnvironment(std::string path) : path_(std::move(path)) {}
  std::optional<std::string> GetEnv(const std::string& name) const override {
    if (name == "PATH") return path_;
    return SystemEnvironment::GetEnv(name);
  }

 private:
  std::string path_;
};

TEST(ProfileCommandTest, RelativeProgramsRunFromTheConfigDirectoryAndBareNamesFromPath) {
  testing::TempDir dir;
  dir.Write("cfg/tool", "#!/bin/sh\necho real\n");
  dir.Write("cfg/bin/tool", "#!/bin/sh\necho real-bin\n");
  dir.Write("impostor/tool", "#!/bin/sh\necho impostor\n");
  dir.Write("cwd-tool", "#!/bin/sh\necho cwd\n");
  for (const char* f : {"cfg/tool", "cfg/bin/tool", "impostor/tool", "cwd-tool"}) {
    ::chmod(dir.Join(f).c_str(), 0755);
  }
  ProfilePathEnvironment env(".:" + dir.Join("impostor") + "::relative/dir");
  Resolver resolver(env, dir.Join("cfg"));
  ValueSource s;
  s.kind = ValueSource::Kind::kCommand;
  s.argv = {"./tool"};
  ResolvedValue v = resolver.Resolve(s, false);
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_EQ(v.value, "real");
  EXPECT_EQ(v.provenance, "command " + dir.Join("cfg/tool"));
  s.argv = {"bin/tool", "--flag"};
  v = resolver.Resolve(s, false);
  EXPECT_EQ(v.value, "real-bin");
  EXPECT_EQ(v.provenance, "command " + dir.Join("cfg/bin/tool") + " --flag");
  s.argv = {"tool"};
  v = resolver.Resolve(s, false);
  EXPECT_EQ(v.value, "impostor") << "a bare name is PATH's, by design";
  EXPECT_EQ(v.provenance, "command " + dir.Join("impostor/tool"));
  // "." and relative PATH entries are skipped: a file in some working directory never runs.
  EXPECT_FALSE(env.FindProgram("cwd-tool", dir.path()).ok());
  s.argv = {"no-such-program-rollgate"};
  v = resolver.Resolve(s, false);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.error.find("no executable of that name on PATH"), std::string::npos) << v.error;
}

TEST(ProfileCommandTest, AnExecProbeShowsTheProgramThatRuns) {
  testing::TempDir dir;
  dir.Write("cfg/smoke.sh", "#!/bin/sh\n");
  ProfilePathEnvironment env("/usr/bin:/bin");
  Resolver resolver(env, dir.Join("cfg"));
  ReleaseConfig rel = ProfileRelease();
  rel.probe = ProbeKind::kExec;
  rel.exec.command = {"./smoke.sh", "--json"};
  EXPECT_EQ(ResolveRelease(rel, Contract{}, resolver).endpoint,
            "exec: " + dir.Join("cfg/smoke.sh") + " --json");
  // A command has no HTTP method: none is kept, and the evidence shows "EXEC" as before.
  ReleaseProfile exec = ResolveRelease(rel, Contract{}, resolver);
  EXPECT_EQ(exec.method, "");
  EXPECT_EQ(exec.ShownMethod(), "EXEC");
  rel.exec.command = {"sh", "-c", "true"};
  std::string endpoint = ResolveRelease(rel, Contract{}, resolver).endpoint;
  EXPECT_TRUE(endpoint == "exec: /usr/bin/sh -c true" || endpoint == "exec: /bin/sh -c true")
      << endpoint;
}

}  // namespace
}  // namespace rollgate::internal
