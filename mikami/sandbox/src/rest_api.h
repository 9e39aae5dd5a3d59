// The REST API under /api/v10: the invalid-request ban, routing, bot authentication,
// injected faults, rate limits (global, per bucket and top-level resource, sublimits) and
// the routes themselves. Every answer carries Discord's rate-limit headers when its route
// has a bucket.
#pragma once

#include "context.h"
#include "gateway.h"
#include "guild_api.h"
#include "http_util.h"
#include "rate_limiter.h"
#include "routes.h"

namespace mikami::sandbox {

class RestApi {
 public:
  RestApi(Context& context, Gateway& gateway);

  // `request.target()` starts with /api/v10/.
  Response handle(const Request& request);
  // POST /_sandbox/moderate: a person ("by") acts in Discord's client, not through the bot:
  // {"by", "action": kick|ban|unban|timeout|untimeout, "target", "reason", "seconds"}. The
  // same state change, events and audit-log entry (by that person) as the REST route.
  Response act_by_hand(const json::object& body);
  // POST /_sandbox/messages: members' messages, {"channel", "author", "count", "content",
  // "age_days"} (dated that many days ago). 200 {"ids": [...]}.
  Response seed_messages(const json::object& body);

 private:
  Response route_and_limit(const Request& request, SteadyTime now, bool& shared_scope);
  Response serve(const RouteMatch& route, const Request& request, const json::value& body);
  Response too_many(const LimitKey& key, const Decision& decision, std::string_view scope);
  void set_limit_headers(Response& response, const LimitKey& key, const BucketView& bucket);
  Response accept_interaction_callback(const RouteMatch& route);
  Response message(const RouteMatch& route, const json::value& body);

  Context& context_;
  Gateway& gateway_;
  GuildApi guild_api_;
};

}  // namespace mikami::sandbox
