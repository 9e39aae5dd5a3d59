#include <stdexcept>

#include "background.h"
#include "case_text.h"
#include "cases.h"
#include "discord.h"
#include "durations.h"
#include "mikami/framework/context.h"
#include "mikami/modules/moderation.h"

namespace mikami::modules {
namespace {

using framework::CommandContext;
using framework::CommandSpec;
using framework::OptionSpec;
using framework::OptionType;
using framework::Permission;
using framework::Reply;
using moderation::Case;
using moderation::Cases;
using moderation::Discord;

constexpr std::chrono::seconds kMaxTimeout{28LL * 86'400};
// Discord bulk-deletes only messages younger than 14 days; a minute's margin for clocks.
constexpr std::int64_t kBulkMaxAgeMs = 14LL * 86'400'000 - 60'000;

// A private reply declining the action; `why` names the refusal for analytics.
Reply refuse(std::string why, std::string message) {
  return Reply{std::move(message), "", true, "", std::move(why)};
}

template <class T>
T value_or_throw(core::Result<T> result) {
  if (!result) throw std::runtime_error(result.error().message());
  return std::move(*result);
}
void check(const core::Status& status) {
  if (!status) throw std::runtime_error(status.error().message());
}

std::string guild_of(CommandContext& ctx) { return ctx.interaction().guild_id.to_string(); }

// The user an option names, with their name as Discord resolved it.
struct Target {
  std::string id;
  std::string name;
  const model::Member* member = nullptr;  // null: not a member of this guild
};

Target target(CommandContext& ctx, const std::string& option) {
  Target t;
  const auto id = ctx.id(option);
  if (!id) return t;
  t.id = id->to_string();
  const model::Resolved& resolved = ctx.interaction().data->resolved;
  const model::UserId user(id->value());
  if (auto u = resolved.users.find(user); u != resolved.users.end()) t.name = u->second.username;
  if (auto m = resolved.members.find(user); m != resolved.members.end()) t.member = &m->second;
  return t;
}

Case draft(CommandContext& ctx, std::string action, const Target& t) {
  Case c;
  c.guild_id = guild_of(ctx);
  c.action = std::move(action);
  c.target_id = t.id;
  c.target_name = t.name;
  c.moderator_id = ctx.user_id().to_string();
  const model::User* invoker = ctx.interaction().invoker();
  c.moderator_name = invoker != nullptr ? invoker->username : "";
  c.reason = ctx.string("reason").value_or("");
  c.key = ctx.interaction().id.to_string();
  c.source = "command";
  c.created_ms = moderation::now_ms();
  return c;
}

std::string guild_name(CommandContext& ctx) {
  if (cache::GuildCache* cache = ctx.services().guild_cache(ctx.interaction().guild_id)) {
    if (auto guild = cache->get_guild(ctx.interaction().guild_id); guild && !guild->name.empty()) {
      return guild->name;
    }
  }
  return "a server";
}

// What the Discord step of an action did.
struct Done {
  bool ok = true;
  std::string error;    // when !ok: Discord's answer
  std::string details;  // kept in the case
  std::string note;     // only for the reply ("They were sent a DM.")
};

// Opens the case (keyed by the interaction), runs `act` unless this interaction already
// made one, completes the case and posts it to the mod log.
Reply run_case(CommandContext& ctx, Case c, const std::function<Done(Discord&, Case&)>& act) {
  RestClient* rest = ctx.services().rest();
  if (rest == nullptr)
    return refuse("no_discord_api", "moderation needs Discord's API, which this bot cannot reach");
  Cases cases(ctx.store());
  auto [opened, created] = value_or_throw(cases.open(c));
  if (!created) {
    // The same interaction again (a retry, a double click): nothing is done twice.
    return refuse("already_recorded", "Case #" + std::to_string(opened.number) +
                                          " already records this (" + opened.status + ").");
  }
  Discord discord(*rest);
  Done done = act(discord, opened);
  if (!done.ok) {
    check(cases.complete(opened, "failed", done.error, done.details));
    return refuse("discord_refused", "Discord refused: " + done.error + ". Case #" +
                                         std::to_string(opened.number) +
                                         " is marked failed; nothing was changed.");
  }
  opened.details = done.details;
  opened.status = "done";
  check(cases.complete(opened, "done", "", done.details));
  if (opened.action == "ban" && opened.duration_seconds > 0) {
    check(cases.add_temp_ban({opened.guild_id, opened.target_id,
                              opened.created_ms + opened.duration_seconds * 1000, opened.number}));
  } else if (opened.action == "ban" || opened.action == "unban") {
    // A permanent ban, or an unban, ends any temporary ban.
    check(cases.remove_temp_ban(opened.guild_id, opened.target_id));
  }
  moderation::post_to_mod_log(ctx.store(), discord, opened);
  return Reply{moderation::summary(opened) + (done.note.empty() ? "" : " " + done.note), "", false};
}

std::string dm_note(bool sent) {
  return sent ? "They were sent a DM." : "They could not be sent a DM.";
}

Done answer_to_done(const moderation::Answer& a, std::string details = "") {
  Done d;
  d.ok = a.ok();
  d.error = a.error;
  d.details = std::move(details);
  return d;
}

// For /warn, /timeout, /untimeout and /kick: the target must be in the server.
std::optional<Reply> needs_member(const Target& t) {
  if (t.member != nullptr) return std::nullopt;
  return refuse("not_a_member", moderation::who(t.name, t.id) + " is not a member of this server.");
}

OptionSpec user_option(std::string description) {
  return framework::option(OptionType::kUser, "user", std::move(description), true);
}

OptionSpec reason_option(bool required = false) {
  OptionSpec reason =
      framework::option(OptionType::kString, "reason", "Why (shown in the audit log)", required);
  reason.max_length = 400;
  return reason;
}

CommandSpec member_command(std::string name, std::string description, Permission permission) {
  CommandSpec spec;
  spec.name = std::move(name);
  spec.description = std::move(description);
  spec.default_member_permissions = permission;
  spec.bot_permissions = permission;
  spec.target_member_option = "user";
  return spec;
}

Reply warn(CommandContext& ctx) {
  const Target t = target(ctx, "user");
  if (auto refusal = needs_member(t)) return *refusal;
  const std::string server = guild_name(ctx);
  return run_case(ctx, draft(ctx, "warn", t), [&](Discord& discord, Case& c) {
    Done d;
    d.note = dm_note(discord.direct_message(c.target_id, moderation::notice(c, server)));
    return d;
  });
}

Reply timeout(CommandContext& ctx) {
  const Target t = target(ctx, "user");
  if (auto refusal = needs_member(t)) return *refusal;
  const auto length = moderation::parse_duration(ctx.string("duration").value_or(""));
  if (!length)
    return refuse("invalid_option", "duration: use a number and a unit, like 10m, 2h or 7d.");
  if (*length > kMaxTimeout) {
    return refuse("timeout_too_long", "duration: a timeout lasts at most 28 days (you asked for " +
                                          moderation::describe_duration(*length) + ").");
  }
  Case c = draft(ctx, "timeout", t);
  c.duration_seconds = length->count();
  const std::string server = guild_name(ctx);
  return run_case(ctx, c, [&](Discord& discord, Case& opened) {
    const auto until =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(opened.created_ms)) +
        *length;
    Done d = answer_to_done(discord.timeout(opened.guild_id, opened.target_id, until,
                                            moderation::audit_reason(opened)));
    if (d.ok) {
      d.note =
          dm_note(discord.direct_message(opened.target_id, moderation::notice(opened, server)));
    }
    return d;
  });
}

Reply untimeout(CommandContext& ctx) {
  const Target t = target(ctx, "user");
  if (auto refusal = needs_member(t)) return *refusal;
  if (!t.member->timed_out_at(moderation::now_ms())) {
    return refuse("not_timed_out", moderation::who(t.name, t.id) + " is not timed out.");
  }
  return run_case(ctx, draft(ctx, "untimeout", t), [](Discord& discord, Case& c) {
    return answer_to_done(
        discord.timeout(c.guild_id, c.target_id, std::nullopt, moderation::audit_reason(c)));
  });
}

Reply kick(CommandContext& ctx) {
  const Target t = target(ctx, "user");
  if (auto refusal = needs_member(t)) return *refusal;
  const std::string server = guild_name(ctx);
  return run_case(ctx, draft(ctx, "kick", t), [&](Discord& discord, Case& c) {
    // Before the kick: afterwards the bot shares no server with them and cannot DM.
    const bool sent = discord.direct_message(c.target_id, moderation::notice(c, server));
    Done d = answer_to_done(discord.kick(c.guild_id, c.target_id, moderation::audit_reason(c)));
    d.note = dm_note(sent);
    return d;
  });
}

Reply ban(CommandContext& ctx) {
  const Target t = target(ctx, "user");
  Case c = draft(ctx, "ban", t);
  if (auto text = ctx.string("duration")) {
    const auto length = moderation::parse_duration(*text);
    if (!length)
      return refuse("invalid_option", "duration: use a number and a unit, like 10m, 2h or 7d.");
    c.duration_seconds = length->count();
  }
  const std::int64_t delete_seconds = ctx.integer("delete_messages").value_or(0);
  const std::string server = guild_name(ctx);
  return run_case(ctx, c, [&](Discord& discord, Case& opened) {
    const bool sent = t.member != nullptr &&
                      discord.direct_message(opened.target_id, moderation::notice(opened, server));
    Done d = answer_to_done(
        discord.ban(opened.guild_id, opened.target_id, delete_seconds,
                    moderation::audit_reason(opened)),
        delete_seconds > 0 ? "Deleted their messages of the last " +
                                 moderation::describe_duration(std::chrono::seconds(delete_seconds))
                           : "");
    if (t.member != nullptr) d.note = dm_note(sent);
    return d;
  });
}

Reply unban(CommandContext& ctx) {
  const Target t = target(ctx, "user");
  RestClient* rest = ctx.services().rest();
  if (rest != nullptr) {
    const moderation::Answer banned = Discord(*rest).get_ban(guild_of(ctx), t.id);
    if (banned.status == 404)
      return refuse("not_banned", moderation::who(t.name, t.id) + " is not banned here.");
  }
  return run_case(ctx, draft(ctx, "unban", t), [](Discord& discord, Case& c) {
    return answer_to_done(discord.unban(c.guild_id, c.target_id, moderation::audit_reason(c)));
  });
}

Reply purge(CommandContext& ctx) {
  RestClient* rest = ctx.services().rest();
  if (rest == nullptr)
    return refuse("no_discord_api", "moderation needs Discord's API, which this bot cannot reach");
  const std::int64_t count = ctx.integer("count").value_or(0);
  const std::optional<model::Snowflake> author = ctx.id("user");
  const std::string channel = ctx.interaction().channel_id.to_string();
  std::string error;
  auto listed = Discord(*rest).recent_messages(channel, 100, error);
  if (!listed) return refuse("discord_refused", "cannot read this channel's messages: " + error);
  std::vector<std::string> recent;
  std::vector<std::string> old;
  const std::int64_t now = moderation::now_ms();
  for (const auto& m : *listed) {
    if (static_cast<std::int64_t>(recent.size() + old.size()) >= count) break;
    if (author && m.author_id != author->to_string()) continue;
    const auto id = model::Snowflake::parse(m.id);
    if (!id) continue;
    (now - id->timestamp_ms() < kBulkMaxAgeMs ? recent : old).push_back(m.id);
  }
  if (recent.empty() && old.empty()) {
    return refuse("nothing_to_purge", author ? "none of the last 100 messages here are theirs."
                                             : "there are no messages to delete here.");
  }
  Target t;
  t.id = channel;
  t.name = ctx.interaction().channel ? "#" + ctx.interaction().channel->name : "";
  Case c = draft(ctx, "purge", t);
  return run_case(ctx, c, [&](Discord& discord, Case& opened) {
    const std::string reason = moderation::audit_reason(opened);
    std::size_t bulk = 0;
    std::size_t single = 0;
    Done d;
    if (recent.size() >= 2) {
      const auto a = discord.bulk_delete(channel, recent, reason);
      if (!a.ok()) return answer_to_done(a);
      bulk = recent.size();
    } else {
      old.insert(old.end(), recent.begin(), recent.end());
    }
    for (const std::string& id : old) {
      // Older than 14 days (or alone): Discord deletes these only one by one.
      const auto a = discord.delete_message(channel, id, reason);
      if (a.ok() || a.status == 404) ++single;
    }
    d.details = "deleted " + std::to_string(bulk + single) + " message" +
                (bulk + single == 1 ? "" : "s") + " (" + std::to_string(bulk) + " in bulk, " +
                std::to_string(single) + " one by one)";
    return d;
  });
}

std::optional<std::int64_t> case_number(CommandContext& ctx) { return ctx.integer("number"); }

Reply case_command(CommandContext& ctx) {
  Cases cases(ctx.store());
  const std::int64_t number = case_number(ctx).value_or(0);
  auto found = value_or_throw(cases.get(guild_of(ctx), number));
  if (!found)
    return refuse("unknown_case",
                  "There is no case #" + std::to_string(number) + " in this server.");
  if (ctx.subcommand() == "reason") {
    const std::string reason = ctx.string("reason").value_or("");
    check(cases.set_reason(found->guild_id, found->number, reason));
    return Reply{"Case #" + std::to_string(number) + ": the reason is now: " + reason, "", false};
  }
  return Reply{moderation::show(*found), "", false};
}

Reply history(CommandContext& ctx) {
  const Target t = target(ctx, "user");
  constexpr int kShown = 20;
  auto list = value_or_throw(Cases(ctx.store()).history(guild_of(ctx), t.id, kShown));
  const std::string name = moderation::who(t.name, t.id);
  if (list.empty()) return Reply{name + " has no cases.", "", false};
  std::string out = name + " has " + std::to_string(list.size()) +
                    (list.size() == kShown ? "+" : "") + (list.size() == 1 ? " case" : " cases") +
                    ":";
  for (const Case& c : list) out += "\n" + moderation::history_line(c);
  return Reply{out, "", false};
}

Reply modlog(CommandContext& ctx) {
  if (ctx.subcommand() == "off") {
    check(ctx.store().set_guild_config(guild_of(ctx), moderation::kLogChannelKey, ""));
    return Reply{"Cases will no longer be posted to a mod-log channel.", "", false};
  }
  const auto channel = ctx.id("channel");
  const model::Resolved& resolved = ctx.interaction().data->resolved;
  std::string name = channel->to_string();
  if (auto it = resolved.channels.find(model::ChannelId(channel->value()));
      it != resolved.channels.end()) {
    name = it->second.name;
  }
  check(ctx.store().set_guild_config(guild_of(ctx), moderation::kLogChannelKey,
                                     channel->to_string()));
  return Reply{"Every case will be posted in #" + name + ".", "", false};
}

class ModerationModule final : public framework::Module {
 public:
  explicit ModerationModule(ModerationOptions options) : options_(options) {}
  std::string name() const override { return "moderation"; }
  std::string description() const override {
    return "warnings, timeouts, kicks, bans and purges, each a numbered case";
  }
  std::vector<Migration> migrations() const override { return moderation::case_migrations(); }
  std::vector<framework::EventSpec> events() const override { return moderation::events(); }
  std::vector<framework::TaskSpec> tasks() const override {
    return moderation::tasks(options_.sweep_every);
  }

  std::vector<CommandSpec> commands() const override {
    std::vector<CommandSpec> out;

    CommandSpec warn_spec = member_command("warn", "Warn a member (a case; they get a DM)",
                                           Permission::kModerateMembers);
    warn_spec.bot_permissions = {};
    warn_spec.options = {user_option("The member to warn"), reason_option(true)};
    warn_spec.handler = warn;
    out.push_back(warn_spec);

    CommandSpec timeout_spec =
        member_command("timeout", "Time a member out (10m, 2h, 7d; at most 28 days)",
                       Permission::kModerateMembers);
    timeout_spec.options = {
        user_option("The member to time out"),
        framework::option(OptionType::kString, "duration", "How long: 10m, 2h, 7d (max 28d)", true),
        reason_option()};
    timeout_spec.handler = timeout;
    out.push_back(timeout_spec);

    CommandSpec untimeout_spec =
        member_command("untimeout", "End a member's timeout", Permission::kModerateMembers);
    untimeout_spec.options = {user_option("The member"), reason_option()};
    untimeout_spec.handler = untimeout;
    out.push_back(untimeout_spec);

    CommandSpec kick_spec =
        member_command("kick", "Kick a member (they get a DM first)", Permission::kKickMembers);
    kick_spec.options = {user_option("The member to kick"), reason_option()};
    kick_spec.handler = kick;
    out.push_back(kick_spec);

    CommandSpec ban_spec =
        member_command("ban", "Ban a user, for good or for a while", Permission::kBanMembers);
    OptionSpec delete_messages =
        framework::option(OptionType::kInteger, "delete_messages",
                          "Delete their messages of the last N seconds (up to 604800, 7 days)");
    delete_messages.min_value = 0;
    delete_messages.max_value = 604'800;
    ban_spec.options = {
        user_option("The user to ban"), reason_option(), delete_messages,
        framework::option(OptionType::kString, "duration",
                          "A temporary ban: lifted after 1h, 7d, ... (none: for good)")};
    ban_spec.handler = ban;
    out.push_back(ban_spec);

    CommandSpec unban_spec;
    unban_spec.name = "unban";
    unban_spec.description = "Lift a ban";
    unban_spec.default_member_permissions = Permission::kBanMembers;
    unban_spec.bot_permissions = Permission::kBanMembers;
    unban_spec.options = {user_option("The banned user"), reason_option()};
    unban_spec.handler = unban;
    out.push_back(unban_spec);

    CommandSpec purge_spec;
    purge_spec.name = "purge";
    purge_spec.description = "Delete recent messages here (up to 100), optionally one member's";
    purge_spec.default_member_permissions = Permission::kManageMessages;
    purge_spec.bot_permissions = Permission::kManageMessages | Permission::kReadMessageHistory;
    OptionSpec count = framework::option(OptionType::kInteger, "count", "How many (1-100)", true);
    count.min_value = 1;
    count.max_value = 100;
    purge_spec.options = {count, framework::option(OptionType::kUser, "user", "Only this member's"),
                          reason_option()};
    purge_spec.handler = purge;
    out.push_back(purge_spec);

    OptionSpec number = framework::option(OptionType::kInteger, "number", "The case number", true);
    number.min_value = 1;
    CommandSpec case_spec;
    case_spec.name = "case";
    case_spec.description = "Read or amend a moderation case";
    case_spec.default_member_permissions = Permission::kModerateMembers;
    OptionSpec new_reason = reason_option(true);
    new_reason.description = "The new reason";
    case_spec.options = {
        framework::option(OptionType::kSubCommand, "show", "Show a case", false, {number}),
        framework::option(OptionType::kSubCommand, "reason", "Change a case's reason", false,
                          {number, new_reason})};
    case_spec.handler = case_command;
    out.push_back(case_spec);

    CommandSpec history_spec;
    history_spec.name = "history";
    history_spec.description = "A member's cases, newest first";
    history_spec.default_member_permissions = Permission::kModerateMembers;
    history_spec.options = {user_option("The member")};
    history_spec.handler = history;
    out.push_back(history_spec);

    CommandSpec modlog_spec;
    modlog_spec.name = "modlog";
    modlog_spec.description = "Where cases are posted";
    modlog_spec.default_member_permissions = Permission::kManageGuild;
    OptionSpec channel =
        framework::option(OptionType::kChannel, "channel", "The mod-log channel", true);
    modlog_spec.options = {framework::option(OptionType::kSubCommand, "set",
                                             "Post every case in a channel", false, {channel}),
                           framework::option(OptionType::kSubCommand, "off", "Stop posting cases")};
    modlog_spec.handler = modlog;
    out.push_back(modlog_spec);
    return out;
  }

 private:
  ModerationOptions options_;
};

}  // namespace

std::unique_ptr<framework::Module> make_moderation_module(ModerationOptions options) {
  return std::make_unique<ModerationModule>(options);
}

}  // namespace mikami::modules
