// base/net: loopback means loopback literals, and a listen address is never a name.
#include "base/net.h"

#include <gtest/gtest.h>

#include "testutil/status_matchers.h"

namespace rollgate::internal {
namespace {

TEST(NetLoopbackTest, LiteralsOnly) {
  for (const char* yes :
       {"127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "[::1]", "0:0:0:0:0:0:0:1",
        "::ffff:127.0.0.1", "[::ffff:127.9.9.9]", "localhost", "LocalHost", "localhost."}) {
    EXPECT_TRUE(IsLoopbackHost(yes)) << yes;
  }
  // Names that only look like loopback: whatever their DNS says, they are not.
  for (const char* no :
       {"127.0.0.1.nip.io", "127.evil.example", "127.0.0.1.invalid", "127.", "127", "127.1",
        "0127.0.0.1", "127.0.0.01", "localhost.evil.example", "mylocalhost", "localhost..", "[::1",
        "::2", "::ffff:10.0.0.1", "10.0.0.1", "0.0.0.0", "", "::1%lo", "[::1]:80"}) {
    EXPECT_FALSE(IsLoopbackHost(no)) << no;
  }
}

TEST(NetListenTest, LiteralAddressesAndLocalhost) {
  Result<ListenAddress> a = ParseListenAddress("127.0.0.1:9464");
  ASSERT_OK(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9464);
  EXPECT_TRUE(a->loopback);
  a = ParseListenAddress("[::1]:0");
  ASSERT_OK(a);
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 0);
  EXPECT_TRUE(a->loopback);
  a = ParseListenAddress("localhost:8080");
  ASSERT_OK(a);
  EXPECT_EQ(a->host, "127.0.0.1") << "localhost is bound as 127.0.0.1, never looked up";
  a = ParseListenAddress("0.0.0.0:9464");
  ASSERT_OK(a);
  EXPECT_FALSE(a->loopback);
}

TEST(NetListenTest, NamesAndMalformedAddressesAreRefused) {
  for (const char* bad : {"127.evil.example:0", "example.com:0", "127.0.0.1.nip.io:80", "9464",
                          ":9464", "localhost:", "localhost:http", "h:65536", "127.0.0.1:-1",
                          "::1:80", "[::1:80", "[example.com]:80", "127.0.0.1:99999", "[]:1"}) {
    Result<ListenAddress> a = ParseListenAddress(bad);
    EXPECT_EQ(a.status().code(), Status::Code::kInvalidArgument) << bad;
  }
  Result<ListenAddress> name = ParseListenAddress("example.com:0");
  EXPECT_NE(name.status().message().find("is not an IP address"), std::string::npos)
      << name.status().message();
  EXPECT_NE(name.status().message().find("never looked up"), std::string::npos);
}

}  // namespace
}  // namespace rollgate::internal
