// Follows Discord's documented algorithm step by step ("Permission Overwrites" and
// "Implicit Permissions" of the permissions topic), one case per rule.
#include "mikami/cache/permissions.h"

#include <gtest/gtest.h>

namespace mikami::cache {
namespace {

using model::OverwriteType;
using model::Permission;
using model::PermissionOverwrite;
using model::Role;

const GuildId kGuild(100);
const UserId kOwner(1);
const UserId kAlice(2);
const UserId kBob(3);

Role role(std::uint64_t id, int position, Permissions p) {
  Role r;
  r.id = RoleId(id);
  r.position = position;
  r.permissions = p;
  return r;
}

PermissionOverwrite everyone_ow(Permissions allow, Permissions deny) {
  return {model::Snowflake(kGuild.value()), OverwriteType::kRole, allow, deny};
}
PermissionOverwrite role_ow(std::uint64_t id, Permissions allow, Permissions deny) {
  return {model::Snowflake(id), OverwriteType::kRole, allow, deny};
}
PermissionOverwrite member_ow(UserId id, Permissions allow, Permissions deny) {
  return {model::Snowflake(id.value()), OverwriteType::kMember, allow, deny};
}

const Permissions kEveryone = Permission::kViewChannel | Permission::kSendMessages |
                              Permission::kReadMessageHistory | Permission::kEmbedLinks |
                              Permission::kAttachFiles;

MemberContext member(UserId user, std::span<const Role> roles, bool timed_out = false) {
  return {kGuild, kOwner, user, kEveryone, roles, timed_out};
}

TEST(BasePermissions, EveryoneOrEachRole) {
  const Role roles[] = {role(10, 1, Permission::kKickMembers),
                        role(11, 2, Permission::kBanMembers)};
  EXPECT_EQ(base_permissions(member(kAlice, {})), kEveryone);
  EXPECT_EQ(base_permissions(member(kAlice, roles)),
            kEveryone | Permission::kKickMembers | Permission::kBanMembers);
}

TEST(BasePermissions, OwnerHasAll) {
  EXPECT_EQ(base_permissions({kGuild, kOwner, kOwner, Permissions(), {}}), Permissions::all());
}

TEST(BasePermissions, AdministratorHasAll) {
  const Role admin[] = {role(10, 1, Permission::kAdministrator)};
  EXPECT_EQ(base_permissions(member(kAlice, admin)), Permissions::all());
}

TEST(ChannelPermissions, AdministratorIgnoresOverwrites) {
  const Role admin[] = {role(10, 1, Permission::kAdministrator)};
  const PermissionOverwrite ows[] = {everyone_ow({}, Permission::kViewChannel),
                                     member_ow(kAlice, {}, Permission::kViewChannel)};
  EXPECT_EQ(channel_permissions(member(kAlice, admin), ows, false), Permissions::all());
  EXPECT_EQ(channel_permissions({kGuild, kOwner, kOwner, {}, {}}, ows, false), Permissions::all());
}

TEST(ChannelPermissions, EveryoneOverwriteDeniesThenAllows) {
  const PermissionOverwrite ows[] = {
      everyone_ow(Permission::kAddReactions, Permission::kAttachFiles | Permission::kAddReactions)};
  const Permissions p = channel_permissions(member(kAlice, {}), ows, false);
  EXPECT_FALSE(p.has(Permission::kAttachFiles));
  EXPECT_TRUE(p.has(Permission::kAddReactions));  // allow is applied after deny
}

TEST(ChannelPermissions, RoleOverwritesCombineAllowsOverDenies) {
  // Role 10 denies sending, role 11 allows it: the combined allow wins over the combined deny,
  // whatever the roles' order or positions.
  const Role roles[] = {role(10, 5, {}), role(11, 1, {})};
  const PermissionOverwrite ows[] = {role_ow(10, {}, Permission::kSendMessages),
                                     role_ow(11, Permission::kSendMessages, {})};
  EXPECT_TRUE(
      channel_permissions(member(kAlice, roles), ows, false).has(Permission::kSendMessages));
  // A role overwrite for a role the member lacks does not apply.
  const PermissionOverwrite other[] = {role_ow(99, {}, Permission::kSendMessages)};
  EXPECT_TRUE(
      channel_permissions(member(kAlice, roles), other, false).has(Permission::kSendMessages));
}

TEST(ChannelPermissions, RoleOverwritesOverrideEveryone) {
  const Role roles[] = {role(10, 1, {})};
  const PermissionOverwrite ows[] = {everyone_ow({}, Permission::kSendMessages),
                                     role_ow(10, Permission::kSendMessages, {})};
  EXPECT_TRUE(
      channel_permissions(member(kAlice, roles), ows, false).has(Permission::kSendMessages));
  EXPECT_FALSE(channel_permissions(member(kBob, {}), ows, false).has(Permission::kSendMessages));
}

TEST(ChannelPermissions, MemberOverwriteComesLast) {
  const Role roles[] = {role(10, 1, {})};
  const PermissionOverwrite ows[] = {role_ow(10, Permission::kManageMessages, {}),
                                     member_ow(kAlice, {}, Permission::kManageMessages),
                                     member_ow(kBob, Permission::kMentionEveryone, {})};
  EXPECT_FALSE(
      channel_permissions(member(kAlice, roles), ows, false).has(Permission::kManageMessages));
  // Bob's overwrite is his alone.
  EXPECT_TRUE(channel_permissions(member(kBob, {}), ows, false).has(Permission::kMentionEveryone));
  EXPECT_FALSE(
      channel_permissions(member(kAlice, roles), ows, false).has(Permission::kMentionEveryone));
}

TEST(ChannelPermissions, AMemberOverwriteIsNotARoleOverwriteWithTheSameId) {
  // A user id that happens to equal a role id must not be read as that role.
  const Role roles[] = {role(kBob.value(), 1, {})};
  const PermissionOverwrite ows[] = {member_ow(kBob, {}, Permission::kSendMessages)};
  EXPECT_TRUE(
      channel_permissions(member(kAlice, roles), ows, false).has(Permission::kSendMessages));
}

TEST(ImplicitPermissions, NoViewChannelMeansNothing) {
  const PermissionOverwrite ows[] = {
      everyone_ow(Permission::kManageMessages, Permission::kViewChannel)};
  EXPECT_EQ(channel_permissions(member(kAlice, {}), ows, false), Permissions());
}

TEST(ImplicitPermissions, NoSendMessagesRemovesMentionsTtsFilesAndEmbeds) {
  const Role roles[] = {role(10, 1, Permission::kMentionEveryone | Permission::kSendTtsMessages)};
  const PermissionOverwrite ows[] = {everyone_ow({}, Permission::kSendMessages)};
  const Permissions p = channel_permissions(member(kAlice, roles), ows, false);
  EXPECT_TRUE(p.has(Permission::kViewChannel));
  EXPECT_TRUE(p.has(Permission::kReadMessageHistory));
  for (Permission lost : {Permission::kMentionEveryone, Permission::kSendTtsMessages,
                          Permission::kAttachFiles, Permission::kEmbedLinks}) {
    EXPECT_FALSE(p.has(lost)) << model::permission_name(lost);
  }
}

TEST(ImplicitPermissions, TimedOutMembersKeepOnlyViewAndHistory) {
  const Role roles[] = {role(10, 1, Permission::kManageMessages)};
  const Permissions base = base_permissions(member(kAlice, roles, true));
  EXPECT_EQ(base, Permission::kViewChannel | Permission::kReadMessageHistory);
  const PermissionOverwrite ows[] = {member_ow(kAlice, Permission::kSendMessages, {})};
  EXPECT_EQ(channel_permissions(member(kAlice, roles, true), ows, false),
            Permission::kViewChannel | Permission::kReadMessageHistory);
  // Discord cannot time out administrators or the owner: they keep everything.
  const Role admin[] = {role(11, 1, Permission::kAdministrator)};
  EXPECT_EQ(channel_permissions(member(kAlice, admin, true), ows, false), Permissions::all());
}

TEST(ImplicitPermissions, ThreadsUseTheParentsOverwritesAndThreadSending) {
  // The parent denies SEND_MESSAGES but allows posting in threads: in a thread, embeds and
  // files still go with the post; in the channel itself they do not.
  const PermissionOverwrite parent[] = {
      everyone_ow(Permission::kSendMessagesInThreads, Permission::kSendMessages)};
  const Permissions in_thread = channel_permissions(member(kAlice, {}), parent, true);
  EXPECT_TRUE(in_thread.has(Permission::kSendMessagesInThreads));
  EXPECT_TRUE(in_thread.has(Permission::kEmbedLinks));
  const Permissions in_channel = channel_permissions(member(kAlice, {}), parent, false);
  EXPECT_FALSE(in_channel.has(Permission::kEmbedLinks));
  const PermissionOverwrite no_threads[] = {everyone_ow({}, Permission::kSendMessagesInThreads)};
  EXPECT_FALSE(
      channel_permissions(member(kAlice, {}), no_threads, true).has(Permission::kAttachFiles));
}

TEST(RoleHierarchy, HigherPositionWinsAndTiesGoToTheOlderRole) {
  const Role low = role(20, 1, {});
  const Role high = role(21, 2, {});
  const Role tie_old = role(30, 3, {});
  const Role tie_new = role(31, 3, {});
  EXPECT_LT(compare_roles(low, high), 0);
  EXPECT_GT(compare_roles(tie_old, tie_new), 0);
  EXPECT_EQ(compare_roles(low, low), 0);
  const Role roles[] = {low, tie_new, high};
  EXPECT_EQ(highest_role(roles)->id, RoleId(31));
  EXPECT_EQ(highest_role({}), nullptr);
}

TEST(RoleHierarchy, ActingOnMembers) {
  const Role mod[] = {role(20, 5, Permission::kKickMembers)};
  const Role helper[] = {role(21, 3, {})};
  const Role peer[] = {role(22, 5, {})};  // same position, newer: below mod
  EXPECT_TRUE(can_act_on(member(kAlice, mod), member(kBob, helper)));
  EXPECT_FALSE(can_act_on(member(kBob, helper), member(kAlice, mod)));
  EXPECT_TRUE(can_act_on(member(kAlice, mod), member(kBob, peer)));
  EXPECT_FALSE(can_act_on(member(kAlice, mod), member(kAlice, mod)));  // not themself
  EXPECT_TRUE(can_act_on(member(kAlice, helper), member(kBob, {})));
  EXPECT_FALSE(can_act_on(member(kAlice, {}), member(kBob, {})));
  const MemberContext owner{kGuild, kOwner, kOwner, kEveryone, {}};
  EXPECT_TRUE(can_act_on(owner, member(kBob, mod)));  // the owner is above all
  EXPECT_FALSE(can_act_on(member(kAlice, mod), owner));
  EXPECT_TRUE(can_manage_role(member(kAlice, mod), helper[0]));
  EXPECT_FALSE(can_manage_role(member(kBob, helper), mod[0]));
  EXPECT_FALSE(can_manage_role(member(kAlice, mod), mod[0]));  // not their own top role
  EXPECT_TRUE(can_manage_role(owner, mod[0]));
}

TEST(InteractionPermissions, ComeFromWhatTheInteractionCarries) {
  auto parsed = model::parse_interaction_text(R"({"id": "1", "application_id": "2", "type": 2,
    "token": "t", "guild_id": "100", "channel_id": "5", "app_permissions": "3072",
    "member": {"user": {"id": "2"}, "roles": [], "permissions": "8"},
    "data": {"name": "kick", "options": [{"name": "who", "type": 6, "value": "3"}],
             "resolved": {"users": {"3": {"id": "3"}},
                          "members": {"3": {"roles": [], "permissions": "1024"}}}}})");
  ASSERT_TRUE(parsed) << parsed.error().message();
  const InteractionPermissions p = permissions_from_interaction(*parsed);
  EXPECT_EQ(p.invoker, Permissions(Permission::kAdministrator));
  EXPECT_EQ(p.bot, Permission::kViewChannel | Permission::kSendMessages);
  EXPECT_EQ(resolved_member_permissions(*parsed, kBob), Permissions(Permission::kViewChannel));
  EXPECT_EQ(resolved_member_permissions(*parsed, UserId(9)), std::nullopt);  // fetch, not guess
}

}  // namespace
}  // namespace mikami::cache
