#include "routes.h"

namespace mikami::sandbox {
namespace {

using boost::beast::http::verb;

// Bucket hashes: one name per group of routes Discord limits together. A group's bucket
// is counted per top-level resource, so two channels (or guilds) never share quota.
constexpr std::string_view kMessages = "sandbox-messages";
constexpr std::string_view kMessageDelete = "sandbox-message-delete";
constexpr std::string_view kInteraction = "sandbox-interaction";
constexpr std::string_view kWebhook = "sandbox-webhook";
constexpr std::string_view kCommands = "sandbox-commands";
constexpr std::string_view kMemberRead = "sandbox-members-read";
constexpr std::string_view kMemberWrite = "sandbox-members-write";
constexpr std::string_view kRoles = "sandbox-roles";
constexpr std::string_view kSelf = "sandbox-self";
constexpr std::string_view kGuild = "sandbox-guild";
constexpr std::string_view kBans = "sandbox-bans";
constexpr std::string_view kChannel = "sandbox-channel";
constexpr std::string_view kGuildChannels = "sandbox-guild-channels";

const std::vector<RouteSpec> kRoutes = {
    {verb::get, "/gateway/bot", "", Endpoint::kGatewayBot, true},
    {verb::get, "/users/@me", kSelf, Endpoint::kGetCurrentUser},
    {verb::get, "/applications/@me", kSelf, Endpoint::kGetCurrentApplication},
    {verb::get, "/guilds/{guild}", kGuild, Endpoint::kGetGuild},
    {verb::post, "/channels/{channel}/messages", kMessages, Endpoint::kMessageCreate},
    {verb::patch, "/channels/{channel}/messages/{message}", kMessages, Endpoint::kMessageEdit},
    {verb::get, "/channels/{channel}/messages", kMessages, Endpoint::kListMessages},
    {verb::delete_, "/channels/{channel}/messages/{message}", kMessageDelete,
     Endpoint::kDeleteMessage},
    {verb::post, "/channels/{channel}/messages/bulk-delete", kMessageDelete,
     Endpoint::kBulkDeleteMessages},
    {verb::post, "/users/@me/channels", kSelf, Endpoint::kCreateDm},
    {verb::post, "/interactions/{interaction}/{token}/callback", kInteraction,
     Endpoint::kInteractionCallback, true, false},
    {verb::unknown, "/webhooks/{webhook}/{token}/**", kWebhook, Endpoint::kWebhook, true, false},
    {verb::put, "/applications/{application}/commands", kCommands, Endpoint::kCommands},
    {verb::get, "/applications/{application}/commands", kCommands, Endpoint::kGetCommands},
    {verb::put, "/applications/{application}/guilds/{guild}/commands", kCommands,
     Endpoint::kGuildCommands},
    {verb::get, "/applications/{application}/guilds/{guild}/commands", kCommands,
     Endpoint::kGetGuildCommands},
    {verb::get, "/guilds/{guild}/members", kMemberRead, Endpoint::kListMembers},
    {verb::get, "/guilds/{guild}/members/{user}", kMemberRead, Endpoint::kGetMember},
    {verb::patch, "/guilds/{guild}/members/{user}", kMemberWrite, Endpoint::kModifyMember},
    {verb::delete_, "/guilds/{guild}/members/{user}", kMemberWrite, Endpoint::kRemoveMember},
    {verb::put, "/guilds/{guild}/members/{user}/roles/{role}", kMemberWrite,
     Endpoint::kAddMemberRole},
    {verb::delete_, "/guilds/{guild}/members/{user}/roles/{role}", kMemberWrite,
     Endpoint::kRemoveMemberRole},
    {verb::get, "/guilds/{guild}/roles", kRoles, Endpoint::kListRoles},
    {verb::post, "/guilds/{guild}/roles", kRoles, Endpoint::kCreateRole},
    {verb::patch, "/guilds/{guild}/roles/{role}", kRoles, Endpoint::kModifyRole},
    {verb::delete_, "/guilds/{guild}/roles/{role}", kRoles, Endpoint::kDeleteRole},
    {verb::get, "/guilds/{guild}/bans", kBans, Endpoint::kListBans},
    {verb::get, "/guilds/{guild}/bans/{user}", kBans, Endpoint::kGetBan},
    {verb::put, "/guilds/{guild}/bans/{user}", kBans, Endpoint::kCreateBan},
    {verb::delete_, "/guilds/{guild}/bans/{user}", kBans, Endpoint::kRemoveBan},
    {verb::get, "/channels/{channel}", kChannel, Endpoint::kGetChannel},
    {verb::patch, "/channels/{channel}", kChannel, Endpoint::kModifyChannel, false, true, true},
    {verb::delete_, "/channels/{channel}", kChannel, Endpoint::kDeleteChannel},
    {verb::get, "/guilds/{guild}/channels", kGuildChannels, Endpoint::kListGuildChannels},
    {verb::post, "/guilds/{guild}/channels", kGuildChannels, Endpoint::kCreateGuildChannel},
};

// Matches `parts` against `pattern`, filling `params`.
bool path_matches(std::string_view pattern, const std::vector<std::string>& parts,
                  std::map<std::string, std::string>& params) {
  std::size_t i = 0;
  std::size_t start = 1;  // skip the leading '/'
  while (start <= pattern.size()) {
    auto end = pattern.find('/', start);
    if (end == std::string_view::npos) end = pattern.size();
    std::string_view segment = pattern.substr(start, end - start);
    start = end + 1;
    if (segment == "**") return true;  // any rest, including none
    if (i >= parts.size()) return false;
    if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
      params[std::string(segment.substr(1, segment.size() - 2))] = parts[i];
    } else if (segment != parts[i]) {
      return false;
    }
    ++i;
  }
  return i == parts.size();
}

}  // namespace

const std::vector<RouteSpec>& all_routes() { return kRoutes; }

RouteMatch match_route(verb method, const std::vector<std::string>& parts) {
  RouteMatch match;
  for (const RouteSpec& spec : kRoutes) {
    std::map<std::string, std::string> params;
    if (!path_matches(spec.pattern, parts, params)) continue;
    if (spec.verb != verb::unknown && spec.verb != method) {
      match.wrong_method = true;
      continue;
    }
    match.spec = &spec;
    match.wrong_method = false;
    match.params = std::move(params);
    break;
  }
  if (match.spec == nullptr) return match;
  // Discord's top-level resources: channels, guilds, webhooks (id + token). Interaction
  // callbacks are counted per interaction.
  auto param = [&](const char* name) -> std::string {
    auto it = match.params.find(name);
    return it == match.params.end() ? "" : it->second;
  };
  if (!param("channel").empty()) {
    match.major = param("channel");
  } else if (!param("guild").empty()) {
    match.major = param("guild");
  } else if (!param("webhook").empty()) {
    match.major = param("webhook") + "/" + param("token");
  } else if (!param("interaction").empty()) {
    match.major = param("interaction");
  }
  return match;
}

}  // namespace mikami::sandbox
