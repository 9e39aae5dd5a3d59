// The REST routes the sandbox serves (under /api/v10): which endpoint a request is, its
// bucket hash (several routes share one, as on Discord), its top-level resource (the
// "major parameter" a bucket is counted for), whether the global limit applies, and
// whether it needs the bot token.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <map>
#include <ostream>  // boost/beast/http/verb.hpp needs it first
#include <string>
#include <string_view>
#include <vector>

namespace mikami::sandbox {

enum class Endpoint {
  kGatewayBot,
  kGetCurrentUser,
  kGetCurrentApplication,
  kGetGuild,
  kMessageCreate,
  kMessageEdit,
  kInteractionCallback,
  kWebhook,
  kCommands,
  kGetCommands,
  kGuildCommands,
  kGetGuildCommands,
  kGetMember,
  kListMembers,
  kModifyMember,
  kAddMemberRole,
  kRemoveMemberRole,
  kRemoveMember,
  kListRoles,
  kCreateRole,
  kModifyRole,
  kDeleteRole,
  kListBans,
  kGetBan,
  kCreateBan,
  kRemoveBan,
  kGetChannel,
  kModifyChannel,
  kDeleteChannel,
  kListGuildChannels,
  kCreateGuildChannel,
  kListMessages,
  kDeleteMessage,
  kBulkDeleteMessages,
  kCreateDm,
};

struct RouteSpec {
  boost::beast::http::verb verb;
  std::string_view pattern;  // "/channels/{channel}/messages"; a final "**" is any rest
  std::string_view hash;     // bucket hash; empty: no per-route limit
  Endpoint endpoint;
  bool global_exempt = false;
  bool bot_auth = true;
  // PATCH /channels/{id} with "name" or "topic": Discord's 2-per-10-minutes sublimit.
  bool rename_sublimit = false;
};

struct RouteMatch {
  const RouteSpec* spec = nullptr;            // null: no route has this path
  bool wrong_method = false;                  // a route has this path, with another method
  std::map<std::string, std::string> params;  // {channel}, {guild}, {user}, ...
  std::string major;                          // the top-level resource
};

// `parts`: the path below /api/v10, split at '/'.
RouteMatch match_route(boost::beast::http::verb verb, const std::vector<std::string>& parts);

// Every route, for the documentation test.
const std::vector<RouteSpec>& all_routes();

}  // namespace mikami::sandbox
