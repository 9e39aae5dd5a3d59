#include "mikami/cache/permissions.h"

namespace mikami::cache {

using model::Permission;

namespace {

constexpr Permissions kTimeoutKeeps = Permission::kViewChannel | Permission::kReadMessageHistory;

constexpr Permissions kNeedsSend = Permission::kMentionEveryone | Permission::kSendTtsMessages |
                                   Permission::kAttachFiles | Permission::kEmbedLinks;

bool is_owner(const MemberContext& m) { return m.owner_id.is_set() && m.user_id == m.owner_id; }

void apply(Permissions& p, Permissions deny, Permissions allow) {
  p &= ~deny;
  p |= allow;
}

}  // namespace

Permissions base_permissions(const MemberContext& member) {
  if (is_owner(member)) return Permissions::all();
  Permissions p = member.everyone;
  for (const model::Role& role : member.roles) p |= role.permissions;
  if (p.has(Permission::kAdministrator)) return Permissions::all();
  if (member.timed_out) p &= kTimeoutKeeps;
  return p;
}

Permissions channel_permissions(const MemberContext& member,
                                std::span<const model::PermissionOverwrite> overwrites,
                                bool is_thread) {
  const Permissions base = base_permissions(member);
  if (base.has(Permission::kAdministrator)) return Permissions::all();  // owner too
  Permissions p = base;
  const model::PermissionOverwrite* everyone = nullptr;
  const model::PermissionOverwrite* own = nullptr;
  Permissions role_allow, role_deny;
  for (const model::PermissionOverwrite& ow : overwrites) {
    if (ow.type == model::OverwriteType::kMember) {
      if (ow.id.value() == member.user_id.value()) own = &ow;
      continue;
    }
    if (ow.id.value() == member.guild_id.value()) {
      everyone = &ow;
      continue;
    }
    for (const model::Role& role : member.roles) {
      if (role.id.value() == ow.id.value()) {
        role_allow |= ow.allow;
        role_deny |= ow.deny;
        break;
      }
    }
  }
  if (everyone) apply(p, everyone->deny, everyone->allow);
  apply(p, role_deny, role_allow);
  if (own) apply(p, own->deny, own->allow);

  if (!p.has(Permission::kViewChannel)) return Permissions();
  // In a thread, posting is SEND_MESSAGES_IN_THREADS; a channel that denies SEND_MESSAGES
  // but allows thread posts still lets thread posts carry embeds and files.
  const Permission send =
      is_thread ? Permission::kSendMessagesInThreads : Permission::kSendMessages;
  if (!p.has(send)) p &= ~kNeedsSend;
  if (member.timed_out) p &= kTimeoutKeeps;
  return p;
}

int compare_roles(const model::Role& a, const model::Role& b) {
  if (a.position != b.position) return a.position < b.position ? -1 : 1;
  if (a.id == b.id) return 0;
  return a.id < b.id ? 1 : -1;  // the older role sorts above
}

const model::Role* highest_role(std::span<const model::Role> roles) {
  const model::Role* best = nullptr;
  for (const model::Role& role : roles) {
    if (!best || compare_roles(role, *best) > 0) best = &role;
  }
  return best;
}

bool can_act_on(const MemberContext& actor, const MemberContext& target) {
  if (actor.user_id == target.user_id) return false;
  if (is_owner(target)) return false;
  if (is_owner(actor)) return true;
  const model::Role* mine = highest_role(actor.roles);
  const model::Role* theirs = highest_role(target.roles);
  if (!mine) return false;
  if (!theirs) return true;
  return compare_roles(*mine, *theirs) > 0;
}

bool can_manage_role(const MemberContext& actor, const model::Role& role) {
  if (is_owner(actor)) return true;
  const model::Role* mine = highest_role(actor.roles);
  return mine && compare_roles(*mine, role) > 0;
}

InteractionPermissions permissions_from_interaction(const model::Interaction& interaction) {
  return {interaction.invoker_permissions(), interaction.app_permissions};
}

std::optional<Permissions> resolved_member_permissions(const model::Interaction& interaction,
                                                       UserId user) {
  if (!interaction.data) return std::nullopt;
  auto it = interaction.data->resolved.members.find(user);
  if (it == interaction.data->resolved.members.end()) return std::nullopt;
  return it->second.permissions;
}

}  // namespace mikami::cache
