#include "mikami/gateway_codec.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace mikami {
namespace {

TEST(GatewayCodecTest, DecodesHello) {
  auto p =
      decode_gateway_payload(R"({"op":10,"s":null,"t":null,"d":{"heartbeat_interval":41250}})");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->op, GatewayOp::kHello);
  EXPECT_EQ(p->heartbeat_interval, std::chrono::milliseconds(41250));
  EXPECT_FALSE(p->sequence);
}

TEST(GatewayCodecTest, DecodesReadyAndKeepsTheData) {
  auto p = decode_gateway_payload(
      R"({"op":0,"s":1,"t":"READY","d":{"v":10,"session_id":"abc","resume_gateway_url":"wss://r"}})");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->event_name, "READY");
  EXPECT_EQ(p->sequence, 1);
  EXPECT_EQ(p->session_id, "abc");
  EXPECT_EQ(p->resume_gateway_url, "wss://r");
  EXPECT_EQ(p->data.at("v").as_int64(), 10);
}

TEST(GatewayCodecTest, HandsTheDispatchDataOnWithoutCopyingIt) {
  auto p = decode_gateway_payload(R"({"op":0,"s":2,"t":"MESSAGE_CREATE","d":{"id":"7"}})");
  ASSERT_TRUE(p) << p.error().message();
  const boost::json::string* id = &p->data.at("id").as_string();
  // The payload travels by move, as the shard and the gateway client hand it on: the very
  // nodes the parser built arrive, in the arena they were parsed into.
  InboundPayload moved = std::move(*p);
  EXPECT_EQ(&moved.data.at("id").as_string(), id);
  EXPECT_TRUE(moved.data.storage().is_deallocate_trivial());  // the arena
  DispatchAction action{std::move(moved.event_name), 2, std::move(moved.data)};
  EXPECT_EQ(&action.data.at("id").as_string(), id);
  EXPECT_EQ(*id, "7");
}

TEST(GatewayCodecTest, NonDispatchPayloadsCarryNoData) {
  auto p = decode_gateway_payload(R"({"op":11})");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_TRUE(p->data.is_null());
}

TEST(GatewayCodecTest, DecodesInvalidSessionFlag) {
  EXPECT_TRUE(decode_gateway_payload(R"({"op":9,"d":true})")->resumable);
  EXPECT_FALSE(decode_gateway_payload(R"({"op":9,"d":false})")->resumable);
}

TEST(GatewayCodecTest, RejectsMalformedPayloads) {
  EXPECT_FALSE(decode_gateway_payload("not json"));
  EXPECT_FALSE(decode_gateway_payload("[1,2]"));
  EXPECT_FALSE(decode_gateway_payload(R"({"d":1})"));
  EXPECT_FALSE(decode_gateway_payload(R"({"op":10,"d":{}})"));
  EXPECT_FALSE(decode_gateway_payload(R"({"op":0,"s":1,"t":"READY","d":{}})"));
}

TEST(GatewayCodecTest, EncodesIdentifyResumeAndHeartbeat) {
  SendAction identify;
  identify.kind = OutboundKind::kIdentify;
  identify.shard_id = 1;
  identify.shard_count = 4;
  identify.intents = 513;
  auto v = boost::json::parse(encode_gateway_payload(identify, "TOKEN"));
  EXPECT_EQ(v.at("op").as_int64(), 2);
  EXPECT_EQ(v.at("d").at("token").as_string(), "TOKEN");
  EXPECT_EQ(v.at("d").at("intents").to_number<std::int64_t>(), 513);
  EXPECT_EQ(v.at("d").at("shard").as_array()[1].as_int64(), 4);

  SendAction resume;
  resume.kind = OutboundKind::kResume;
  resume.session_id = "s1";
  resume.sequence = 42;
  v = boost::json::parse(encode_gateway_payload(resume, "TOKEN"));
  EXPECT_EQ(v.at("op").as_int64(), 6);
  EXPECT_EQ(v.at("d").at("seq").as_int64(), 42);
  EXPECT_EQ(v.at("d").at("session_id").as_string(), "s1");

  SendAction beat;
  beat.kind = OutboundKind::kHeartbeat;
  EXPECT_EQ(encode_gateway_payload(beat, "TOKEN"), R"({"op":1,"d":null})");
  beat.sequence = 7;
  EXPECT_EQ(encode_gateway_payload(beat, "TOKEN"), R"({"op":1,"d":7})");
  EXPECT_EQ(encode_gateway_payload(beat, "TOKEN").find("TOKEN"), std::string::npos);
}

}  // namespace
}  // namespace mikami
