// GET /gateway/bot: where to connect, how many shards Discord recommends, and the session
// start limit the identify queue must honour.
// Reference: https://discord.com/developers/docs/events/gateway#get-gateway-bot
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mikami {

class RestClient;

struct SessionStartLimit {
  int total = 1'000;                         // session starts allowed per reset period
  int remaining = 1'000;                     // left before the reset
  std::chrono::milliseconds reset_after{0};  // until `remaining` becomes `total` again
  int max_concurrency = 1;                   // IDENTIFYs allowed per 5 s (rate-limit keys)
};

struct GatewayBotInfo {
  std::string url;  // e.g. "wss://gateway.discord.gg"
  int shards = 1;   // recommended shard count
  SessionStartLimit session_start_limit;
};

// Parses the JSON body. Fails with kInvalidArgument naming the missing or mistyped field.
core::Result<GatewayBotInfo> parse_gateway_bot(std::string_view json);

// Asks Discord (through the client's rate-limit scheduler) and waits for the answer. Fails
// with kInvalidArgument when the token is refused (401), kUnavailable for other failures;
// the message never contains the token.
core::Result<GatewayBotInfo> fetch_gateway_bot(RestClient& rest);

}  // namespace mikami
