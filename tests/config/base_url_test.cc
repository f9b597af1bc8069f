#include "config/base_url.h"

#include <gtest/gtest.h>

#include <string>

namespace rollgate::internal {
namespace {

std::string Refusal(const std::string& url) {
  Result<BaseUrl> parsed = ParseBaseUrl(url);
  return parsed.ok() ? "" : parsed.status().message();
}

TEST(BaseUrlTest, SplitsAsLibcurlDoes) {
  Result<BaseUrl> u = ParseBaseUrl("HTTPS://Api.CometAPI.com/v1/");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "Api.CometAPI.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->base_path, "/v1");

  u = ParseBaseUrl("http://[::1]:8080");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->host, "[::1]");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->base_path, "");

  // The path libcurl requests: dot segments are gone before the request is sent.
  u = ParseBaseUrl("http://h:9/v0/../v1");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->base_path, "/v1");
}

TEST(BaseUrlTest, RefusesWhatIsNotABaseUrlWithTheReason) {
  EXPECT_NE(Refusal("api.example.com").find("is not a URL"), std::string::npos);
  EXPECT_NE(Refusal("ftp://h").find("not http or https"), std::string::npos);
  EXPECT_NE(Refusal("https://user:pw@h/v1").find("credentials"), std::string::npos);
  EXPECT_NE(Refusal("https://h/v1?key=x").find("query or fragment"), std::string::npos);
  EXPECT_NE(Refusal("https://h/v1#x").find("query or fragment"), std::string::npos);
  EXPECT_NE(Refusal("https://h /v1").find("whitespace"), std::string::npos);
  EXPECT_NE(Refusal("https:///v1").find("no host"), std::string::npos);
  EXPECT_NE(Refusal("https://:443").find("no host"), std::string::npos);
  for (const char* port : {"http://h:", "http://h:99999", "http://h:0", "http://h:-1"})
    EXPECT_NE(Refusal(port).find("port must be a number from 1 to 65535"), std::string::npos)
        << port;
  EXPECT_NE(Refusal("http://[zz]:80").find("not an IPv6 address"), std::string::npos);
  EXPECT_FALSE(Refusal("http://[::1]x.evil").empty());
}

// Hosts libcurl would rewrite or decode before it connects are refused, so that no check and no
// evidence ever names a host other than the one called.
TEST(BaseUrlTest, AHostLibcurlRewritesIsRefusedAndNamesWhatLibcurlReads) {
  EXPECT_NE(Refusal("http://127.1:80").find("libcurl reads the host '127.1' as 127.0.0.1"),
            std::string::npos)
      << Refusal("http://127.1:80");
  EXPECT_NE(Refusal("https://0x7f000001/v1").find("write 127.0.0.1 in base_url"), std::string::npos)
      << Refusal("https://0x7f000001/v1");
  // Percent-encoding (curl_url would decode "%2e" to a dot) and backslashes never reach it.
  EXPECT_NE(Refusal("http://127.0.0.1%2eevil.example").find("is not a host name"),
            std::string::npos);
  EXPECT_NE(Refusal("http://127.0.0.1\\@evil.example").find("credentials"), std::string::npos);
  EXPECT_NE(Refusal("http://127.0.0.1:80\\evil.example").find("is not a host name"),
            std::string::npos);
}

TEST(BaseUrlTest, TheOriginWritesThePortOut) {
  EXPECT_EQ(UrlOrigin("http://h:9"), "http://h:9");
  EXPECT_EQ(UrlOrigin("http://h:10/v1"), "http://h:10");
  EXPECT_EQ(UrlOrigin("https://Api.CometAPI.com/v1/"), "https://api.cometapi.com:443");
  EXPECT_EQ(UrlOrigin("http://h"), "http://h:80");
  EXPECT_EQ(UrlOrigin("http://[::1]:8080/x"), "http://[::1]:8080");
  EXPECT_EQ(UrlOrigin("http://[::1]"), "http://[::1]:80");
  EXPECT_EQ(UrlOrigin("http://h:009"), "http://h:9");
  EXPECT_EQ(UrlOrigin("ftp://h"), "");
  EXPECT_EQ(UrlOrigin(""), "");
}

TEST(BaseUrlTest, JoinsTheEndpointTheWayTheSdksDo) {
  EXPECT_EQ(JoinEndpoint("https://h/v1", "/v1/chat/completions"), "https://h/v1/chat/completions");
  EXPECT_EQ(JoinEndpoint("https://h/v1/", "/v1/chat/completions"), "https://h/v1/chat/completions");
  EXPECT_EQ(JoinEndpoint("https://h", "/v1/chat/completions"), "https://h/v1/chat/completions");
  EXPECT_EQ(JoinEndpoint("https://h/openai", "/v1/chat/completions"),
            "https://h/openai/v1/chat/completions");
}

}  // namespace
}  // namespace rollgate::internal
