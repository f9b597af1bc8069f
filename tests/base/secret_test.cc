#include "base/secret.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/strings.h"
#include "testutil/secret_forms.h"

namespace rollgate::internal {
namespace {

TEST(SecretTest, FingerprintIsStableShortAndRevealsNothing) {
  // sha256("sk-test") = 0a9ae3...; the fingerprint keeps 12 hex digits.
  std::string fp = KeyFingerprint("sk-test");
  EXPECT_EQ(fp.rfind("sha256:", 0), 0u);
  EXPECT_EQ(fp.size(), 7u + 12u);
  EXPECT_EQ(fp, "sha256:" + Sha256Hex("sk-test").substr(0, 12));
  EXPECT_EQ(KeyFingerprint(""), "");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SecretTest, ConstantTimeEqualsComparesWholeValues) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(SecretTest, Base64MatchesRfc4648) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(RedactorTest, ScrubsKnownSecretsTheirBase64AndKeyShapedTokens) {
  Redactor r;
  r.AddSecret("my-secret-token-123");
  std::string b64 = Base64Encode("my-secret-token-123");
  std::string out = r.Redact("a my-secret-token-123 b " + b64 +
                             " c sk-abcdefghij1234 d sk-short e task-abcdefghijkl");
  EXPECT_EQ(out.find("my-secret-token-123"), std::string::npos);
  EXPECT_EQ(out.find(b64), std::string::npos);
  EXPECT_EQ(out.find("sk-abcdefghij1234"), std::string::npos);
  EXPECT_NE(out.find("sk-[redacted]"), std::string::npos);
  EXPECT_NE(out.find("sk-short"), std::string::npos);           // too short to be a key
  EXPECT_NE(out.find("task-abcdefghijkl"), std::string::npos);  // not a word start
}

TEST(RedactorTest, ASecretCutShortByABoundedDetailIsStillMasked) {
  Redactor r;
  r.AddSecret("gw-token-7f3a9c2e5b814d06");
  std::string out = r.Redact("upstream said: invalid key gw-token-7f3a9c2e…(40 more bytes)");
  EXPECT_EQ(out.find("gw-token-7f3a"), std::string::npos) << out;
  EXPECT_NE(out.find("invalid key [redacted]"), std::string::npos) << out;
  EXPECT_NE(r.Redact("gw-tok is not enough").find("gw-tok"), std::string::npos);
}

TEST(RedactorTest, ScrubsEverySpellingOfAwkwardKeys) {
  std::vector<std::string> keys = testing::AwkwardKeys();
  keys.push_back("sk-latin1-\xe9t\xe9-0123456789");  // not UTF-8 at all
  keys.push_back("a header value with spaces 42");   // '+' in form encoding
  for (const std::string& key : keys) {
    Redactor r;
    r.AddSecret(key);
    for (const auto& [name, spelled] : testing::SecretSpellings(key)) {
      std::string out = r.Redact("error: {" + spelled + "} rest");
      EXPECT_NE(out.find(Redactor::kMask), std::string::npos)
          << name << " of " << SanitizeForDisplay(key);
      for (const auto& [needle, what] : testing::SecretNeedles(key)) {
        EXPECT_EQ(out.find(needle), std::string::npos)
            << what << " left in the " << name << " form: " << out;
      }
      EXPECT_NE(out.find("} rest"), std::string::npos) << "the rest of the text stays: " << out;
    }
  }
}

TEST(RedactorTest, ASecretCutShortAtTheEndOfAMessageIsMasked) {
  Redactor r;
  const std::string key = "gw\\tok\"en/with+slash=and==pad 0123";
  r.AddSecret(key);
  for (std::size_t n = 8; n < key.size(); ++n) {
    std::string prefix = key.substr(0, n);
    EXPECT_EQ(r.Redact("invalid key " + prefix).find(prefix), std::string::npos) << n;
    nlohmann::json j = {{"message", "invalid key " + prefix}};
    std::string body = j.dump();
    EXPECT_NE(r.Redact(body).find("invalid key [redacted]\"}"), std::string::npos) << body;
  }
  // Fewer than 8 bytes is not enough to say; a different token that shares a prefix is not it.
  EXPECT_NE(r.Redact("gw\\tok\" is short").find("gw\\tok\""), std::string::npos);
  Redactor other;
  other.AddSecret("sk-LEAKCANARY-new-5f0e9d2c7b3a1846");
  EXPECT_EQ(other.Redact("sk-LEAKCANARY-newer"), "sk-[redacted]");
  EXPECT_EQ(other.Redact("Bearer sk-LEAKCANARY-new-5f0e9"), "Bearer [redacted]");
}

TEST(RedactorTest, AKeyWithABomOrWhitespaceIsAlsoScrubbedWithoutThem) {
  Redactor r;
  r.AddSecret("\xef\xbb\xbfkey-with-bom-and-space-77 \n");
  EXPECT_EQ(r.Redact("echo: key-with-bom-and-space-77."), "echo: [redacted].");
}

TEST(RedactorTest, LeavesOrdinaryTextAlone) {
  Redactor r;
  r.AddSecret("sk-LEAKCANARY-new-5f0e9d2c7b3a1846");
  r.AddSecret("https://hooks.example/secret-path-31");
  const std::string text =
      "{\"detail\": \"reached 127.0.0.1 over HTTP/1.1 (connect 1 ms) https://api.example/v1 %20 "
      "\\\\ &amp; \"}";
  EXPECT_EQ(r.Redact(text), text);
}

TEST(RedactorTest, TinySecretsAreNotScrubbedEverywhere) {
  Redactor r;
  r.AddSecret("ab");
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.Redact("abc"), "abc");
}

TEST(ShowCommandTest, MasksSecretLookingValuesInCommandLines) {
  EXPECT_EQ(ShowCommand({"env", "OPENAI_API_KEY=sk-live-123456789", "app", "smoke"}),
            "env OPENAI_API_KEY=[redacted] app smoke");
  EXPECT_EQ(ShowCommand({"app", "--api-key", "abc123", "--token=xyz", "--verbose", "v"}),
            "app --api-key [redacted] --token=[redacted] --verbose v");
  EXPECT_EQ(ShowCommand({"curl", "-H", "Authorization: Bearer abc", "-H", "Accept: x"}),
            "curl -H Authorization: [redacted] -H Accept: x");
  EXPECT_EQ(ShowCommand({"kubectl", "logs", "deploy/app", "--since=2m"}),
            "kubectl logs deploy/app --since=2m");
  EXPECT_EQ(ShowCommand({"curl", "https://u:pw@h.example/x?api_key=k1&q=1#f"}),
            "curl https://[redacted]@h.example/x?api_key=[redacted]&q=1#f");
  EXPECT_EQ(ShowUrl("http://127.0.0.1:8080/smoke?access_token=t"),
            "http://127.0.0.1:8080/smoke?access_token=[redacted]");
  EXPECT_EQ(ShowUrl("http://127.0.0.1:8080/smoke"), "http://127.0.0.1:8080/smoke");
}

TEST(ShowCommandTest, ReportsEachValueItMasks) {
  std::vector<std::string> masked;
  EXPECT_EQ(ShowCommand({"env", "A_KEY=k-1", "app", "--token", "t-2", "-H", "X-Auth:  Bearer b-3",
                         "https://u:p-4@h/x?api_key=q-5&q=1", "--verbose", "v"},
                        &masked),
            "env A_KEY=[redacted] app --token [redacted] -H X-Auth: [redacted] "
            "https://[redacted]@h/x?api_key=[redacted]&q=1 --verbose v");
  EXPECT_EQ(masked, (std::vector<std::string>{"k-1", "t-2", "Bearer b-3", "u:p-4", "q-5"}));
  masked.clear();
  EXPECT_EQ(ShowCommand({"kubectl", "logs", "--token="}, &masked),
            "kubectl logs --token=[redacted]");
  EXPECT_TRUE(masked.empty());
}

}  // namespace
}  // namespace rollgate::internal
