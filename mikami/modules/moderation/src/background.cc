#include "background.h"

#include <boost/json.hpp>

#include "case_text.h"
#include "mikami/framework/context.h"

namespace mikami::modules::moderation {
namespace {

namespace json = boost::json;

std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

bool enabled_in(BotStore& store, const std::string& guild) {
  auto enabled = store.module_enabled(guild, "moderation");
  return !enabled || enabled->value_or(true);
}

std::string name_of(framework::BotServices& services, const std::string& guild,
                    const std::string& user) {
  auto g = model::GuildId::parse(guild);
  auto u = model::UserId::parse(user);
  cache::GuildCache* cache = g ? services.guild_cache(*g) : nullptr;
  if (cache == nullptr || !u) return "";
  auto member = cache->member(*g, *u);
  return member && member->user ? member->user->username : "";
}

// Audit-log action types (Discord's numbers) that are moderation.
constexpr std::int64_t kMemberKick = 20;
constexpr std::int64_t kMemberBanAdd = 22;
constexpr std::int64_t kMemberBanRemove = 23;
constexpr std::int64_t kMemberUpdate = 24;

void on_audit_entry(const json::value& data, BotStore& store, framework::BotServices& services) {
  if (!data.is_object()) return;
  const json::object& entry = data.as_object();
  const std::string guild = text(entry, "guild_id");
  const std::string actor = text(entry, "user_id");
  const std::string target = text(entry, "target_id");
  const std::string id = text(entry, "id");
  if (guild.empty() || actor.empty() || target.empty() || id.empty()) return;
  // The bot's own actions are cases already (made by the command, before Discord acted).
  auto bot = services.bot_user();
  if (bot && bot->to_string() == actor) return;
  if (!enabled_in(store, guild)) return;
  const json::value* type_value = entry.if_contains("action_type");
  if (type_value == nullptr || !type_value->is_int64()) return;
  Case c;
  c.guild_id = guild;
  c.target_id = target;
  c.moderator_id = actor;
  c.reason = text(entry, "reason");
  c.key = "audit:" + id;
  c.source = "discord";
  c.status = "done";
  c.created_ms = now_ms();
  switch (type_value->as_int64()) {
    case kMemberKick:
      c.action = "kick";
      break;
    case kMemberBanAdd:
      c.action = "ban";
      break;
    case kMemberBanRemove:
      c.action = "unban";
      break;
    case kMemberUpdate: {
      const json::value* changes = entry.if_contains("changes");
      if (changes == nullptr || !changes->is_array()) return;
      for (const json::value& change : changes->as_array()) {
        if (!change.is_object() ||
            text(change.as_object(), "key") != "communication_disabled_until")
          continue;
        const json::value* next = change.as_object().if_contains("new_value");
        if (next == nullptr || next->is_null()) {
          c.action = "untimeout";
        } else {
          c.action = "timeout";
          // The entry carries when it ends, not the length asked for.
          c.details = "until " + (next->is_string() ? std::string(next->as_string()) : "?");
        }
      }
      if (c.action.empty()) return;
      break;
    }
    default:
      return;
  }
  c.target_name = name_of(services, guild, target);
  c.moderator_name = name_of(services, guild, actor);
  auto opened = Cases(store).open(c);
  if (!opened || !opened->second) return;  // already recorded (a replayed event)
  if (c.action == "ban" || c.action == "unban") (void)Cases(store).remove_temp_ban(guild, target);
  if (RestClient* rest = services.rest()) {
    Discord discord(*rest);
    post_to_mod_log(store, discord, opened->first);
  }
}

// Whether the action of pending case `c` shows in Discord's state; nullopt when Discord
// could not tell (the case stays pending for the next sweep).
std::optional<bool> took_effect(Discord& discord, const Case& c) {
  if (c.action == "warn") return true;  // the case is the warning
  if (c.action == "purge") return false;
  const bool ban = c.action == "ban" || c.action == "unban";
  const Answer a =
      ban ? discord.get_ban(c.guild_id, c.target_id) : discord.get_member(c.guild_id, c.target_id);
  if (a.status != 200 && a.status != 404) return std::nullopt;
  if (c.action == "ban") return a.status == 200;
  if (c.action == "unban") return a.status == 404;
  if (c.action == "kick") return a.status == 404;
  if (a.status == 404) return false;  // a timeout of someone who left: not done by us
  boost::system::error_code ec;
  const json::value parsed = json::parse(a.body, ec);
  if (ec) return std::nullopt;
  auto member = model::parse_member(parsed);
  if (!member) return std::nullopt;
  const bool timed_out = member->timed_out_at(now_ms());
  return c.action == "timeout" ? timed_out : !timed_out;
}

void lift(BotStore& store, Discord& discord, const TempBan& ban, std::int64_t now) {
  Cases cases(store);
  Case c;
  c.guild_id = ban.guild_id;
  c.action = "unban";
  c.target_id = ban.user_id;
  c.moderator_id = "0";
  c.moderator_name = "Mikami";
  c.reason = "temporary ban of case #" + std::to_string(ban.case_number) + " ended";
  c.key = "expire:" + ban.guild_id + ":" + ban.user_id + ":" + std::to_string(ban.case_number);
  c.source = "bot";
  c.created_ms = now;
  auto opened = cases.open(c);
  if (!opened) return;
  Case& expiry = opened->first;
  if (expiry.target_name.empty()) {
    if (auto original = cases.get(ban.guild_id, ban.case_number); original && *original) {
      expiry.target_name = (*original)->target_name;
    }
  }
  if (expiry.status != "done") {
    const Answer a = discord.unban(ban.guild_id, ban.user_id, audit_reason(expiry));
    // 404: already unbanned (by hand, or by this sweep before a crash).
    if (!a.ok() && a.status != 404) return;  // stays pending: the next sweep retries
    if (!cases.complete(expiry, "done", "", "")) return;
    expiry.status = "done";
    post_to_mod_log(store, discord, expiry);
  }
  (void)cases.remove_temp_ban(ban.guild_id, ban.user_id);
}

}  // namespace

void post_to_mod_log(BotStore& store, Discord& discord, const Case& c) {
  auto channel = store.guild_config(c.guild_id, kLogChannelKey);
  if (!channel || !*channel || (*channel)->empty()) return;
  (void)discord.post(**channel, log_post(c));
}

void sweep(BotStore& store, Discord& discord, std::int64_t started_ms, std::int64_t now) {
  Cases cases(store);
  if (auto pending = cases.pending(started_ms)) {
    for (Case& c : *pending) {
      if (c.key.starts_with("expire:")) continue;  // the expiry below finishes these
      const auto effect = took_effect(discord, c);
      if (!effect) continue;
      if (*effect) {
        if (!cases.complete(c, "done", "", c.details)) continue;
        c.status = "done";
        if (c.action == "ban" && c.duration_seconds > 0) {
          (void)cases.add_temp_ban(
              {c.guild_id, c.target_id, c.created_ms + c.duration_seconds * 1000, c.number});
        }
        post_to_mod_log(store, discord, c);
      } else {
        (void)cases.complete(c, "failed", "interrupted before Discord acted", c.details);
      }
    }
  }
  if (auto expired = cases.expired_temp_bans(now)) {
    for (const TempBan& ban : *expired) lift(store, discord, ban, now);
  }
}

std::vector<framework::EventSpec> events() {
  framework::EventSpec audit;
  audit.event_name = "GUILD_AUDIT_LOG_ENTRY_CREATE";
  audit.handler_with_services = on_audit_entry;
  return {audit};
}

std::vector<framework::TaskSpec> tasks(std::chrono::milliseconds every) {
  // Cases pending before this process started were interrupted; later ones may be in a
  // handler right now.
  const std::int64_t started_ms = now_ms();
  framework::TaskSpec task;
  task.name = "moderation sweep";
  task.every = every;
  task.run = [started_ms](BotStore& store, framework::BotServices& services) {
    RestClient* rest = services.rest();
    if (rest == nullptr) return;
    Discord discord(*rest);
    sweep(store, discord, started_ms, now_ms());
  };
  return {task};
}

}  // namespace mikami::modules::moderation
