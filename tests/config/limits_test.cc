// Config limits: every count and size has a bound with a clear error, and loading stays linear
// (a 4 MB config is refused or resolved in well under a second).
#include "config/limits.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "config/loader.h"
#include "config/profile.h"
#include "config/yaml_reader.h"
#include "testutil/fake_environment.h"
#include "testutil/status_matchers.h"

namespace rollgate::internal {
namespace {

std::string LimitsConfig(const std::string& new_extra, const std::string& top = "") {
  return "service: s\n" + top +
         "releases:\n  new:\n    version: '1'\n    base_url: https://h\n    api_key: k\n    model: "
         "m\n" +
         new_extra +
         "  rollback:\n    version: '1'\n    base_url: https://h\n    api_key: k\n    model: m\n";
}

std::string LimitsError(const std::string& text) {
  Result<Config> cfg = ParseConfig(text, "/cfg/rollgate.yaml");
  return cfg.ok() ? "(accepted)" : cfg.status().message();
}

double LimitsSeconds(const std::chrono::steady_clock::time_point& start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(ConfigLimitsTest, AFourMegabyteConfigWithAQuarterMillionHeadersIsRefusedFast) {
  const int n = 250000;
  std::string headers = "    headers: {";
  for (int i = 0; i < n; ++i) headers += (i ? ", X" : "X") + std::to_string(i) + ": v";
  headers += "}\n";
  while (headers.size() < (4u << 20) - 8192) headers += "    # " + std::string(4000, '-') + "\n";
  std::string text = LimitsConfig(headers);
  ASSERT_GT(text.size(), 4000000u);
  auto start = std::chrono::steady_clock::now();
  std::string error = LimitsError(text);
  double seconds = LimitsSeconds(start);
  EXPECT_NE(error.find("/cfg/rollgate.yaml:8: releases.new.headers: more than 256 headers; "
                       "rollgate takes at most 256"),
            std::string::npos)
      << error;
  EXPECT_LT(seconds, 5.0);  // generous for sanitizer builds; about 0.5 s in a release build
  std::printf("[ measured ] %zu bytes, %d headers: refused in %.3f s\n", text.size(), n, seconds);
}

TEST(ConfigLimitsTest, ALargeButValidConfigLoadsAndResolvesFast) {
  // 64 releases, each with 256 headers, a long prompt and a long list: about 3.8 MB.
  std::string text = "service: s\nexpect_differences: [model]\nreleases:\n";
  std::string prompt(60000, 'p');
  for (int r = 0; r < 64; ++r) {
    std::string name = r == 0 ? "new" : r == 1 ? "rollback" : "r" + std::to_string(r);
    text +=
        "  " + name +
        ":\n    version: '1'\n    base_url: https://h\n    api_key: sk-0123456789\n    model: m\n";
    text += "    prompt: {system: \"" + prompt.substr(0, 2000) + "\"}\n    retry: {retry_on: [";
    for (int i = 0; i < 100; ++i) text += (i ? ", " : "") + std::to_string(500 + i % 99);
    text += "]}\n    headers:\n";
    for (int h = 0; h < 256; ++h)
      text += "      X-Header-" + std::to_string(h) + ": " + std::string(200, 'v') + "\n";
  }
  ASSERT_GT(text.size(), 3500000u);
  ASSERT_LT(text.size(), 4u << 20);
  auto start = std::chrono::steady_clock::now();
  Result<Config> cfg = ParseConfig(text, "/cfg/rollgate.yaml");
  ASSERT_OK(cfg);
  testing::FakeEnvironment env;
  Resolver resolver(env, "/cfg");
  for (const auto& rel : cfg->releases)
    EXPECT_TRUE(ResolveRelease(rel, Contract{}, resolver).usable());
  double seconds = LimitsSeconds(start);
  EXPECT_EQ(cfg->releases.size(), 64u);
  EXPECT_LT(seconds, 5.0);
  std::printf("[ measured ] %zu bytes, 64 releases x 256 headers: loaded and resolved in %.3f s\n",
              text.size(), seconds);
}

TEST(ConfigLimitsTest, EachBoundHasAClearError) {
  std::string releases;
  for (int i = 0; i < 65; ++i) releases += "  r" + std::to_string(i) + ": {version: '1'}\n";
  EXPECT_NE(
      LimitsError("service: s\nreleases:\n" + releases).find("releases: more than 64 releases"),
      std::string::npos);

  std::string list = "expect_differences: [";
  for (int i = 0; i < 1025; ++i) list += (i ? ",model" : "model");
  EXPECT_NE(LimitsError(LimitsConfig("", list + "]\n"))
                .find("expect_differences: more than 1024 items in one list"),
            std::string::npos);

  std::string big = "    prompt: {system: \"" + std::string(70000, 'x') + "\"}\n";
  EXPECT_NE(LimitsError(LimitsConfig(big))
                .find("releases.new.prompt.system: a value of 70000 bytes; at most 65536"),
            std::string::npos);

  std::string deep = "x: ";
  for (int i = 0; i < 40; ++i) deep += "[";
  for (int i = 0; i < 40; ++i) deep += "]";
  EXPECT_NE(LimitsError(deep + "\n").find("nested deeper than 32 levels"), std::string::npos)
      << LimitsError(deep);

  // Many small lists, each within its bound: the file's value budget still holds.
  ConfigLimits small;
  small.max_nodes = 1000;
  std::string many = "x:\n";
  for (int i = 0; i < 300; ++i) many += "  k" + std::to_string(i) + ": [a, b, c]\n";
  YamlReader reader("/cfg/rollgate.yaml");
  Status st = CheckConfigLimits(reader, many, small);
  EXPECT_NE(st.message().find("more than 1000 values in the file"), std::string::npos)
      << st.message();
  // Anchors and aliases are not expanded by the loader: a "billion laughs" costs what it weighs.
  std::string laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    laughs += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 10; ++k) laughs += ", " + prev;
    laughs += "]\n";
  }
  auto start = std::chrono::steady_clock::now();
  EXPECT_NE(LimitsError(laughs).find("unknown key"), std::string::npos) << LimitsError(laughs);
  EXPECT_LT(LimitsSeconds(start), 5.0);
  // A map with too many entries is named by its own path, list items by their index.
  std::string headers = "    headers:\n";
  for (int i = 0; i < 257; ++i) headers += "      X-" + std::to_string(i) + ": v\n";
  EXPECT_NE(LimitsError(LimitsConfig(headers)).find("releases.new.headers: more than 256 headers"),
            std::string::npos);
  std::string nested = "x: [[a], [b, " + std::string(70000, 'c') + "]]\n";
  EXPECT_NE(LimitsError(nested).find("x[1][1]: a value of 70000 bytes"), std::string::npos)
      << LimitsError(nested);
}

TEST(ConfigLimitsTest, AResolvedValueIsBoundedToo) {
  testing::FakeEnvironment env;
  env.files["/cfg/model.txt"] = std::string(100000, 'm');
  Resolver resolver(env, "/cfg");
  ReleaseConfig rel;
  rel.name = "new";
  rel.version.literal = "1";
  rel.base_url.literal = "https://h";
  rel.api_key.literal = "sk-0123456789";
  rel.model.value.kind = ValueSource::Kind::kFile;
  rel.model.value.path = "model.txt";
  ReleaseProfile p = ResolveRelease(rel, Contract{}, resolver);
  ASSERT_FALSE(p.usable());
  EXPECT_NE(p.errors[0].find("model from file /cfg/model.txt is 100000 bytes; at most 65536"),
            std::string::npos)
      << p.errors[0];
}

}  // namespace
}  // namespace rollgate::internal
