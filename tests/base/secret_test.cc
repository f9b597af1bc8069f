#include "base/secret.h"

#include <gtest/gtest.h>

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

TEST(SecretTest, Base64MatchesRfc4648) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
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

TEST(RedactorTest, TinySecretsAreNotScrubbedEverywhere) {
  Redactor r;
  r.AddSecret("ab");
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.Redact("abc"), "abc");
}

}  // namespace
}  // namespace rollgate::internal
