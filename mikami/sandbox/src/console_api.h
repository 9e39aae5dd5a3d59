// The console's side of the sandbox: it plays Discord's client. A typed line becomes an
// INTERACTION_CREATE built from the registered commands (typed_line.h) and dispatched to
// the bot; the sandbox then records every answer the bot gives that interaction (its
// callback, edits of @original, follow-ups) so the console can show them.
//
// Control routes (under /_sandbox, see doc/sandbox.md):
//   POST /_sandbox/interact {"line": "/ping", "user": "alice" | "3", "channel": "general"}
//     -> 200 {"id": interaction id} or 400 {"message": why the line was refused}
//   GET  /_sandbox/interactions/{id} -> the record and its responses
//   GET  /_sandbox/interaction_latencies -> first-response latencies since the last read
//   GET  /_sandbox/commands -> every registered command and the number of PUTs
//   GET  /_sandbox/members -> the members one can act as
#pragma once

#include <optional>

#include "context.h"
#include "gateway.h"
#include "http_util.h"
#include "routes.h"

namespace mikami::sandbox {

// The control routes above; nullopt for any other path.
std::optional<Response> handle_console(Context& context, Gateway& gateway, const Request& request);

// POST /interactions/{id}/{token}/callback. For an interaction the sandbox created: 404
// Unknown interaction (10062) for a wrong token, 400 (40060) when already acknowledged;
// otherwise recorded, 204. Other ids are answered 204 as before (tests invent them).
Response interaction_callback(Context& context, const RouteMatch& route, const json::value& body);

// A webhook call answered with `message` (the message object): recorded when its token
// belongs to an interaction the sandbox created (404 Unknown Webhook, 10015, before the
// interaction was acknowledged).
Response interaction_webhook(Context& context, const RouteMatch& route, const Request& request,
                             const json::value& body, Response message);

// A member's permissions in the guild as Discord computes them without overwrites: the
// owner and administrators have all; a timed-out member keeps only viewing and reading.
std::string member_permissions(const Guild& guild, const std::string& user_id);

}  // namespace mikami::sandbox
