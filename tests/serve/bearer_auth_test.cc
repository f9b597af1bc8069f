// Bearer-token checks for the run endpoints of `rollgate serve`.
#include "serve/bearer_auth.h"

#include <gtest/gtest.h>

#include <optional>

#include "base/headers.h"

namespace rollgate::internal {
namespace {

ServerRequest WithAuthorization(const std::string& value) {
  ServerRequest r;
  r.method = "POST";
  r.path = "/run";
  r.headers.emplace_back("Authorization", value);
  return r;
}

TEST(BearerAuthTest, AcceptsOnlyTheConfiguredTokenWithTheBearerScheme) {
  BearerAuth auth(std::string("s3cret-token-value"));
  EXPECT_TRUE(auth.Check(WithAuthorization("Bearer s3cret-token-value")).ok);
  EXPECT_TRUE(auth.Check(WithAuthorization("bearer   s3cret-token-value  ")).ok);
  for (const char* bad : {"Bearer s3cret-token-valu", "Bearer s3cret-token-value2", "Bearer ",
                          "Basic s3cret-token-value", "s3cret-token-value", ""}) {
    AuthVerdict v = auth.Check(WithAuthorization(bad));
    EXPECT_FALSE(v.ok) << bad;
    EXPECT_EQ(v.status, 401) << bad;
    EXPECT_EQ(v.message.find("s3cret"), std::string::npos) << v.message;
  }
  ServerRequest none;
  AuthVerdict missing = auth.Check(none);
  EXPECT_EQ(missing.status, 401);
  EXPECT_NE(missing.message.find("missing Authorization"), std::string::npos);
}

TEST(BearerAuthTest, WithoutAConfiguredTokenEveryRequestIs403) {
  BearerAuth auth(std::nullopt);
  EXPECT_FALSE(auth.configured());
  AuthVerdict v = auth.Check(WithAuthorization("Bearer anything"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.status, 403);
  EXPECT_NE(v.message.find("serve: {token:"), std::string::npos) << v.message;
}

TEST(BearerAuthTest, BearerTokenTakesTheSchemeInAnyCaseAndNothingElse) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("  bEaReR   abc  "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), std::nullopt);
  EXPECT_EQ(BearerToken("Bearer"), std::nullopt);
  EXPECT_EQ(BearerToken("Bearer   "), std::nullopt);
  EXPECT_EQ(BearerToken("Bearerabc"), std::nullopt);
}

}  // namespace
}  // namespace rollgate::internal
