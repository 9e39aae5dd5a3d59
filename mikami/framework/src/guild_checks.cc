#include "mikami/framework/guild_checks.h"

#include <algorithm>
#include <vector>

namespace mikami::framework {
namespace {

core::Error no_cache(std::string_view what) {
  return core::Error(
      core::ErrorCode::kUnavailable,
      std::string(what) + ": the interaction does not carry it and no cache is kept");
}

// The member's roles looked up in the guild's role list; kUnavailable for a role the guild
// does not list (the cache is behind).
core::Result<std::vector<model::Role>> roles_of(const model::Guild& guild,
                                                const std::vector<model::RoleId>& ids) {
  std::vector<model::Role> out;
  for (model::RoleId id : ids) {
    auto it = std::find_if(guild.roles.begin(), guild.roles.end(),
                           [&](const model::Role& r) { return r.id == id; });
    if (it == guild.roles.end()) {
      return core::fail(
          core::ErrorCode::kUnavailable,
          "role " + id.to_string() + " is not known in guild " + guild.id.to_string());
    }
    out.push_back(*it);
  }
  return out;
}

}  // namespace

core::Result<Permissions> bot_permissions(const model::Interaction& interaction,
                                          cache::GuildCache* cache, model::UserId bot,
                                          std::int64_t now_ms) {
  if (interaction.app_permissions) return *interaction.app_permissions;
  if (cache == nullptr) return core::fail(no_cache("the bot's permissions"));
  return cache->permissions_in(interaction.guild_id, interaction.channel_id, bot, now_ms);
}

core::Result<std::optional<std::string>> check_hierarchy(const CommandSpec& spec,
                                                         const model::Interaction& interaction,
                                                         cache::GuildCache* cache,
                                                         model::UserId bot) {
  using Verdict = std::optional<std::string>;
  if (spec.target_member_option.empty() || !interaction.data || !interaction.in_guild()) {
    return Verdict();
  }
  const model::InteractionOption* option = interaction.data->option(spec.target_member_option);
  if (option == nullptr || option->as_id() == nullptr) return Verdict();
  const auto target = model::id_cast<model::UserId>(*option->as_id());
  const model::User* invoker = interaction.invoker();
  if (invoker != nullptr && invoker->id == target) {
    return Verdict("you cannot use /" + spec.name + " on yourself");
  }
  if (cache == nullptr) return core::fail(no_cache("the guild's roles"));
  // Positions and the owner: the interaction never carries them.
  auto guild = cache->get_guild(interaction.guild_id);
  if (!guild) return core::fail(guild.error());
  if (target == guild->owner_id)
    return Verdict("you cannot use /" + spec.name + " on the server owner");
  // The target's roles: resolved with the option when a member, else the cache's.
  std::vector<model::RoleId> target_role_ids;
  const auto& resolved = interaction.data->resolved.members;
  if (auto it = resolved.find(target); it != resolved.end()) {
    target_role_ids = it->second.roles;
  } else {
    auto member = cache->get_member(interaction.guild_id, target);
    if (!member) {
      if (member.error().code() == core::ErrorCode::kNotFound) return Verdict();  // no member
      return core::fail(member.error());
    }
    target_role_ids = member->roles;
  }
  auto target_roles = roles_of(*guild, target_role_ids);
  if (!target_roles) return core::fail(target_roles.error());
  cache::MemberContext target_context;
  target_context.guild_id = guild->id;
  target_context.owner_id = guild->owner_id;
  target_context.user_id = target;
  target_context.roles = *target_roles;

  // The invoker: its roles come with the interaction.
  if (invoker != nullptr && interaction.member) {
    auto roles = roles_of(*guild, interaction.member->roles);
    if (!roles) return core::fail(roles.error());
    cache::MemberContext actor = target_context;
    actor.user_id = invoker->id;
    actor.roles = *roles;
    if (!cache::can_act_on(actor, target_context)) {
      return Verdict("you can only use /" + spec.name + " on members below your highest role");
    }
  }
  // The bot: its member comes from the cache.
  auto bot_member = cache->get_member(interaction.guild_id, bot);
  if (!bot_member) return core::fail(bot_member.error().with_context("the bot's member"));
  auto bot_roles = roles_of(*guild, bot_member->roles);
  if (!bot_roles) return core::fail(bot_roles.error());
  cache::MemberContext me = target_context;
  me.user_id = bot;
  me.roles = *bot_roles;
  if (!cache::can_act_on(me, target_context)) {
    return Verdict("that member's highest role is not below mine");
  }
  return Verdict();
}

}  // namespace mikami::framework
