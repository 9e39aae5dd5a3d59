#include "mikami/model/snowflake.h"

#include <gtest/gtest.h>

#include "mikami/model/permissions.h"
#include "mikami/model/user.h"

namespace mikami::model {
namespace {

TEST(Snowflake, TimestampFollowsDiscordsDocumentedExample) {
  // The example of Discord's reference: 175928847299117063 was made 2016-04-30 11:18:25.796.
  auto id = UserId::parse("175928847299117063");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->value(), 175928847299117063ULL);
  EXPECT_EQ(id->timestamp_ms(), 1462015105796);
  EXPECT_EQ(id->to_string(), "175928847299117063");
}

TEST(Snowflake, RejectsWhatIsNotADecimalU64) {
  EXPECT_FALSE(parse_snowflake(""));
  EXPECT_FALSE(parse_snowflake("12a"));
  EXPECT_FALSE(parse_snowflake("-1"));
  EXPECT_FALSE(parse_snowflake("+1"));
  EXPECT_FALSE(parse_snowflake("18446744073709551616"));  // 2^64
  EXPECT_TRUE(parse_snowflake("18446744073709551615"));
}

TEST(Snowflake, KindsAreDistinctTypesButCastable) {
  static_assert(!std::is_convertible_v<UserId, RoleId>);
  GuildId guild(42);
  EXPECT_EQ(id_cast<RoleId>(guild), RoleId(42));
  EXPECT_FALSE(UserId().is_set());
}

TEST(Permissions, BitsAndNamesMatchDiscord) {
  EXPECT_EQ(Permissions(Permission::kAdministrator).bits(), 0x8u);
  EXPECT_EQ(Permissions(Permission::kViewChannel).bits(), 1ULL << 10);
  EXPECT_EQ(Permissions(Permission::kModerateMembers).bits(), 1ULL << 40);
  EXPECT_EQ(Permissions(Permission::kUseExternalApps).bits(), 1ULL << 50);
  Permissions p = Permission::kViewChannel | Permission::kSendMessages;
  EXPECT_EQ(p.names(), (std::vector<std::string>{"VIEW_CHANNEL", "SEND_MESSAGES"}));
  EXPECT_EQ(Permissions(1ULL << 60).names(), (std::vector<std::string>{"BIT_60"}));
  EXPECT_EQ(permission_name(Permission::kManageRoles), "MANAGE_ROLES");
  EXPECT_TRUE(Permissions::all().has(Permission::kSendPolls));
  EXPECT_FALSE(Permissions::all().contains(Permissions(1ULL << 47)));
}

TEST(Permissions, ParsesTheDecimalWireForm) {
  auto p = Permissions::parse("2147483648");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->has(Permission::kUseApplicationCommands));
  EXPECT_FALSE(Permissions::parse("0x10"));
  Permissions have = Permission::kViewChannel;
  EXPECT_EQ(have.missing(Permission::kViewChannel | Permission::kBanMembers),
            Permissions(Permission::kBanMembers));
}

TEST(Timestamp, ParsesDiscordsShapes) {
  EXPECT_EQ(*parse_timestamp_ms("2015-01-01T00:00:00+00:00"), kDiscordEpochMs);
  EXPECT_EQ(*parse_timestamp_ms("2021-03-04T05:06:07.123456+00:00"), 1614834367123);
  EXPECT_EQ(*parse_timestamp_ms("2021-03-04T05:06:07.5Z"), 1614834367500);
  EXPECT_EQ(*parse_timestamp_ms("2021-03-04T07:06:07+02:00"), 1614834367000);
  EXPECT_FALSE(parse_timestamp_ms("2021-03-04"));
  EXPECT_FALSE(parse_timestamp_ms("2021-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_timestamp_ms("2021-03-04T05:06:07"));
}

}  // namespace
}  // namespace mikami::model
