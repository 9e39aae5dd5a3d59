// How cases read: the reply to a moderator, /case show, a /history line, the mod-log post,
// the DM to the member and the audit-log reason. Private to the module.
#pragma once

#include <string>

#include "cases.h"

namespace mikami::modules::moderation {

// "bob", or "<@4>" when the name is not known.
std::string who(const std::string& name, const std::string& id);
// "kicked", "timed out for 10 minutes", "banned for 7 days", ...
std::string action_phrase(const Case& c);
// "Case #3: carol was kicked. Reason: rude."
std::string summary(const Case& c);
// Several lines: the case, the member, the moderator, the reason, when, the status.
std::string show(const Case& c);
// "#3 kick · rude · 2026-12-02 03:10 UTC"
std::string history_line(const Case& c);
// The mod-log post.
std::string log_post(const Case& c);
// The DM before a kick, ban, timeout or warning.
std::string notice(const Case& c, const std::string& guild_name);
// X-Audit-Log-Reason: "rude (case #3 by alice)".
std::string audit_reason(const Case& c);

// The guild configuration key of the mod-log channel.
inline constexpr const char* kLogChannelKey = "moderation.log_channel";

}  // namespace mikami::modules::moderation
