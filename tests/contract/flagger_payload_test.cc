// Flagger's webhook payload, as `rollgate serve`'s /hooks/flagger reads it.
#include "contract/flagger_payload.h"

#include <gtest/gtest.h>

#include "testutil/status_matchers.h"

namespace rollgate::internal {
namespace {

TEST(FlaggerPayloadTest, ParsesFlaggersPayload) {
  // As Flagger sends it (CanaryWebhookPayload); metadata values may be non-strings in custom
  // webhooks.
  Result<FlaggerPayload> p = ParseFlaggerPayload(
      R"({"name":"podinfo","namespace":"test","phase":"Progressing","checksum":"85d557f47b",)"
      R"("metadata":{"type":"pre-rollout","retries":3}})");
  ASSERT_OK(p);
  EXPECT_EQ(p->name, "podinfo");
  EXPECT_EQ(p->namespace_name, "test");
  EXPECT_EQ(p->phase, "Progressing");
  EXPECT_EQ(p->metadata.at("type"), "pre-rollout");
  EXPECT_EQ(p->metadata.at("retries"), "3");
  ASSERT_OK(ParseFlaggerPayload("{}"));
  EXPECT_FALSE(ParseFlaggerPayload("[]").ok());
  EXPECT_FALSE(ParseFlaggerPayload("{").ok());
  EXPECT_FALSE(ParseFlaggerPayload(R"({"phase":1})").ok());
  EXPECT_FALSE(ParseFlaggerPayload(R"({"metadata":"x"})").ok());
}

TEST(FlaggerPayloadTest, NullFieldsAreEmptyAndWrongTypesAreNamed) {
  Result<FlaggerPayload> p = ParseFlaggerPayload(R"({"name":null,"metadata":null})");
  ASSERT_OK(p);
  EXPECT_EQ(p->name, "");
  EXPECT_TRUE(p->metadata.empty());
  EXPECT_EQ(ParseFlaggerPayload(R"({"phase":1})").status().message(), "phase: expected a string");
  EXPECT_EQ(ParseFlaggerPayload(R"({"metadata":"x"})").status().message(),
            "metadata: expected an object");
  EXPECT_EQ(ParseFlaggerPayload("[]").status().message(),
            "the body is not a JSON object; Flagger sends {name, namespace, phase, metadata}");
  EXPECT_NE(ParseFlaggerPayload("{\"name\": ").status().message().find("the body is not JSON ("),
            std::string::npos);
  // A nesting bomb is refused by depth, not parsed.
  const std::string bomb =
      "{\"metadata\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_NE(ParseFlaggerPayload(bomb).status().message().find("nested deeper than"),
            std::string::npos)
      << ParseFlaggerPayload(bomb).status().message();
  Result<FlaggerPayload> nested = ParseFlaggerPayload(R"({"metadata":{"o":{"z":[1,"\u00e9"]}}})");
  ASSERT_OK(nested);
  EXPECT_EQ(nested->metadata.at("o"), "{\"z\":[1,\"\xc3\xa9\"]}");
}

}  // namespace
}  // namespace rollgate::internal
