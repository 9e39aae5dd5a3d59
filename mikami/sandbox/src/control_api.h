// The control API under /_sandbox: statistics, dispatching events, injecting faults,
// shutting down. See doc/sandbox.md.
#pragma once

#include "context.h"
#include "gateway.h"
#include "http_util.h"
#include "rest_api.h"

namespace mikami::sandbox {

class ControlApi {
 public:
  ControlApi(Context& context, Gateway& gateway, RestApi& rest)
      : context_(context), gateway_(gateway), rest_(rest) {}

  // `request.target()` starts with /_sandbox/.
  Response handle(const Request& request);

 private:
  Response dispatch(const json::object& body);
  // A user the sandbox knows, not a member, joins: GUILD_MEMBER_ADD.
  Response join(const json::object& body);
  Response fault(const json::object& body);

  Context& context_;
  Gateway& gateway_;
  RestApi& rest_;
};

}  // namespace mikami::sandbox
