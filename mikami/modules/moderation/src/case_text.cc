#include "case_text.h"

#include "durations.h"

namespace mikami::modules::moderation {
namespace {

std::string reason_or_none(const Case& c) { return c.reason.empty() ? "none given" : c.reason; }

std::chrono::system_clock::time_point created(const Case& c) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(c.created_ms));
}

std::string duration(const Case& c) {
  return describe_duration(std::chrono::seconds(c.duration_seconds));
}

}  // namespace

std::string who(const std::string& name, const std::string& id) {
  return name.empty() ? "<@" + id + ">" : name;
}

std::string action_phrase(const Case& c) {
  if (c.action == "warn") return "warned";
  if (c.action == "timeout") return "timed out for " + duration(c);
  if (c.action == "untimeout") return "released from their timeout";
  if (c.action == "kick") return "kicked";
  if (c.action == "ban") return c.duration_seconds > 0 ? "banned for " + duration(c) : "banned";
  if (c.action == "unban") return "unbanned";
  return c.action;
}

std::string summary(const Case& c) {
  const std::string number = "Case #" + std::to_string(c.number) + ": ";
  if (c.action == "purge") {
    return number + c.details + " in " + who(c.target_name, c.target_id) +
           ". Reason: " + reason_or_none(c) + ".";
  }
  return number + who(c.target_name, c.target_id) + " was " + action_phrase(c) +
         ". Reason: " + reason_or_none(c) + "." + (c.details.empty() ? "" : " " + c.details + ".");
}

std::string show(const Case& c) {
  std::string out = "Case #" + std::to_string(c.number) + " · " + c.action;
  if (c.duration_seconds > 0) out += " · " + duration(c);
  out += "\n";
  out += (c.action == "purge" ? "Channel: " : "Member: ") + who(c.target_name, c.target_id) + " (" +
         c.target_id + ")\n";
  out += "Moderator: " + who(c.moderator_name, c.moderator_id) + " (" + c.moderator_id + ")" +
         (c.source == "discord" ? ", by hand in Discord" : "") + "\n";
  out += "Reason: " + reason_or_none(c) + "\n";
  if (!c.details.empty()) out += "Details: " + c.details + "\n";
  out += "When: " + describe_time(created(c)) + "\n";
  out += "Status: " + c.status + (c.error.empty() ? "" : " (" + c.error + ")");
  return out;
}

std::string history_line(const Case& c) {
  std::string out = "#" + std::to_string(c.number) + " " + c.action;
  if (c.duration_seconds > 0) out += " " + duration(c);
  out += " · " + reason_or_none(c) + " · by " + who(c.moderator_name, c.moderator_id) + " · " +
         describe_time(created(c));
  if (c.status != "done") out += " · " + c.status;
  return out;
}

std::string log_post(const Case& c) {
  std::string out = "**Case #" + std::to_string(c.number) + "** · " + c.action;
  if (c.duration_seconds > 0) out += " · " + duration(c);
  out += "\n" + std::string(c.action == "purge" ? "Channel: " : "Member: ") + "<@" + c.target_id +
         "> (" + c.target_id + ")";
  if (c.action == "purge") out = out.replace(out.find("<@"), 2, "<#");
  out += "\nModerator: <@" + c.moderator_id + ">" +
         (c.source == "discord" ? " (by hand in Discord)" : "");
  out += "\nReason: " + reason_or_none(c);
  if (!c.details.empty()) out += "\n" + c.details;
  return out;
}

std::string notice(const Case& c, const std::string& guild_name) {
  return "You were " + action_phrase(c) + " in " + guild_name + ". Reason: " + reason_or_none(c) +
         ".";
}

std::string audit_reason(const Case& c) {
  return reason_or_none(c) + " (case #" + std::to_string(c.number) + " by " +
         who(c.moderator_name, c.moderator_id) + ")";
}

}  // namespace mikami::modules::moderation
