#include <gtest/gtest.h>

#include "mikami/gateway_protocol.h"

namespace mikami {
namespace {

TEST(CloseCodesTest, FatalCodesStop) {
  for (std::uint16_t code : {4004, 4010, 4011, 4012, 4013, 4014}) {
    EXPECT_EQ(classify_close(code), CloseDecision::kFatal) << code;
  }
}

TEST(CloseCodesTest, InvalidSequenceAndSessionTimeoutNeedANewSession) {
  EXPECT_EQ(classify_close(4007), CloseDecision::kReidentify);
  EXPECT_EQ(classify_close(4009), CloseDecision::kReidentify);
}

// Issue 10, section 0, "Close codes".
TEST(CloseCodesTest, UnknownOpcodeNotAuthenticatedAndAlreadyAuthenticatedAreNotResumable) {
  for (std::uint16_t code : {4001, 4003, 4005}) {
    EXPECT_EQ(classify_close(code), CloseDecision::kReidentify) << code;
  }
}

TEST(CloseCodesTest, EverythingElseResumes) {
  for (std::uint16_t code : {1000, 1001, 1006, 1011, 4000, 4002, 4008, 4900}) {
    EXPECT_EQ(classify_close(code), CloseDecision::kResume) << code;
  }
  EXPECT_EQ(classify_close(std::nullopt), CloseDecision::kResume);
}

TEST(CloseCodesTest, DescriptionsNameTheProblem) {
  EXPECT_NE(describe_close(4004).find("token"), std::string_view::npos);
  EXPECT_NE(describe_close(4014).find("intents"), std::string_view::npos);
}

}  // namespace
}  // namespace mikami
