// The fleet's shards: a documented, platform-independent hash of the service name decides, so
// shards are disjoint, cover the fleet, and a service never moves when others come or go.
#include "run/fleet_shard.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "testutil/fake_environment.h"
#include "testutil/status_matchers.h"

namespace rollgate::internal {
namespace {

// The documented rule, checked against `printf %s NAME | sha256sum | cut -c1-16` (and Python's
// int(hashlib.sha256(NAME).hexdigest()[:16], 16)), so docs/fleet.md's one-liner tells the truth.
TEST(FleetShardTest, TheHashIsTheFirstEightBytesOfSha256BigEndian) {
  EXPECT_EQ(ShardHash("checkout-assistant"), 0x256ce2a484c8977eULL);
  EXPECT_EQ(ShardHash("svc-00"), 0x0b3a2f68d644638fULL);
  EXPECT_EQ(ShardHash(""), 0xe3b0c44298fc1c14ULL);
  EXPECT_EQ(ShardOf("checkout-assistant", 4), 2);
  EXPECT_EQ(ShardOf("checkout-assistant", 7), 1);
  EXPECT_EQ(ShardOf("svc-00", 4), 3);
  EXPECT_EQ(ShardOf("anything", 1), 0);
}

TEST(FleetShardTest, ShardsAreDisjointCompleteAndStableWhenServicesAreAdded) {
  std::vector<std::string> fleet;
  for (int i = 0; i < 200; ++i) fleet.push_back("svc-" + std::to_string(i));
  for (int count : {1, 2, 3, 4, 16}) {
    std::map<std::string, int> shard_of;
    std::vector<int> sizes(count, 0);
    for (int index = 0; index < count; ++index) {
      for (const auto& s : fleet) {
        if (ShardOf(s, count) != index) continue;
        EXPECT_TRUE(shard_of.emplace(s, index).second) << s << " is in two shards";
        ++sizes[index];
      }
    }
    EXPECT_EQ(shard_of.size(), fleet.size()) << "every service lands in a shard";
    for (int n : sizes) EXPECT_GT(n, 200 / count / 3) << "shards of " << count << " are uneven";
    // A hundred more services: none of the first two hundred moves.
    std::vector<std::string> grown = fleet;
    for (int i = 0; i < 100; ++i) grown.push_back("new-svc-" + std::to_string(i));
    for (const auto& s : fleet) EXPECT_EQ(ShardOf(s, count), shard_of[s]) << s;
  }
}

TEST(FleetShardTest, ParsesIndexCountAndAuto) {
  testing::FakeEnvironment env;
  Result<ShardSpec> plain = ParseShard("1/4", env);
  ASSERT_OK(plain);
  EXPECT_EQ(plain->index, 1);
  EXPECT_EQ(plain->count, 4);

  Result<ShardSpec> unset = ParseShard("auto/4", env);
  ASSERT_FALSE(unset.ok());
  EXPECT_EQ(unset.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(unset.status().message().find("JOB_COMPLETION_INDEX is not set"), std::string::npos);
  env.vars["JOB_COMPLETION_INDEX"] = "3";
  Result<ShardSpec> from_env = ParseShard("auto/4", env);
  ASSERT_OK(from_env);
  EXPECT_EQ(from_env->index, 3);
  env.vars["JOB_COMPLETION_INDEX"] = "4";
  Result<ShardSpec> outside = ParseShard("auto/4", env);
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.status().message().find(
                "index 4 (JOB_COMPLETION_INDEX) is out of range for 4 shards"),
            std::string::npos)
      << outside.status().message();
  env.vars["JOB_COMPLETION_INDEX"] = "two";
  EXPECT_FALSE(ParseShard("auto/4", env).ok());

  for (const char* bad : {"", "4", "1/", "/4", "4/4", "-1/4", "1/0", "1/-2", "a/b", "1/4/2", "1 /4",
                          "0/100001", "99999999999/4"}) {
    Result<ShardSpec> r = ParseShard(bad, env);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << bad;
    }
  }
}

}  // namespace
}  // namespace rollgate::internal
