// Permission computation exactly as Discord documents it, and role hierarchy. Pure
// functions over what the caller resolved (from the cache, or from an interaction).
// Reference: https://discord.com/developers/docs/topics/permissions#permission-overwrites
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "mikami/model/channel.h"
#include "mikami/model/interaction.h"
#include "mikami/model/permissions.h"
#include "mikami/model/user.h"

namespace mikami::cache {

using model::ChannelId;
using model::GuildId;
using model::Permissions;
using model::RoleId;
using model::UserId;

// What the algorithm needs about the guild and the member.
struct MemberContext {
  GuildId guild_id{};
  UserId owner_id{};
  UserId user_id{};
  Permissions everyone{};                // the @everyone role's permissions
  std::span<const model::Role> roles{};  // the member's roles (not @everyone)
  bool timed_out = false;                // communication_disabled_until is in the future
};

// Guild-level permissions: the owner has all; else @everyone | each role; ADMINISTRATOR
// grants all. Timed-out members (not the owner, not administrators) keep only VIEW_CHANNEL
// and READ_MESSAGE_HISTORY.
Permissions base_permissions(const MemberContext& member);

// Channel permissions from the base, in Discord's order: ADMINISTRATOR (or owner) -> all;
// the @everyone overwrite (deny, then allow); the member's role overwrites combined (all
// denies, then all allows); the member's own overwrite. Then the implicit denials: without
// VIEW_CHANNEL nothing; without SEND_MESSAGES (SEND_MESSAGES_IN_THREADS in a thread) no
// MENTION_EVERYONE, SEND_TTS_MESSAGES, ATTACH_FILES or EMBED_LINKS; a timed-out member keeps
// only VIEW_CHANNEL and READ_MESSAGE_HISTORY. A thread has no overwrites of its own: pass
// its parent's overwrites and is_thread = true.
Permissions channel_permissions(const MemberContext& member,
                                std::span<const model::PermissionOverwrite> overwrites,
                                bool is_thread);

// Role order: higher position first; equal positions are ordered by id, the older (lower
// id) role above, as Discord's client sorts them. Returns <0 when `a` is below `b`.
int compare_roles(const model::Role& a, const model::Role& b);

// The member's highest role, or nullptr when they hold only @everyone.
const model::Role* highest_role(std::span<const model::Role> roles);

// Whether `actor` may act on `target` (kick, ban, timeout, nickname, role changes): the
// owner can act on anyone else; nobody acts on the owner or on themself; otherwise the actor's
// highest role must be strictly above the target's.
bool can_act_on(const MemberContext& actor, const MemberContext& target);
// Whether `actor` may assign or edit `role`: the owner may; others need their highest role
// strictly above it.
bool can_manage_role(const MemberContext& actor, const model::Role& role);

// What a command's checks use, from the interaction alone (no cache): the invoker's and
// the bot's permissions in the channel as Discord computed them, and for a resolved member
// (an option's target) that member's. nullopt where the interaction does not carry it (DMs,
// a member that was not resolved): fetch it, never assume.
struct InteractionPermissions {
  std::optional<Permissions> invoker{};
  std::optional<Permissions> bot{};
};
InteractionPermissions permissions_from_interaction(const model::Interaction& interaction);
std::optional<Permissions> resolved_member_permissions(const model::Interaction& interaction,
                                                       UserId user);

}  // namespace mikami::cache
