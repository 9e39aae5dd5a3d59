// Gateway URLs (GET /gateway/bot's "url", READY's "resume_gateway_url", a configured one)
// split into what a WebSocket connection needs. Private to gateway_net.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mikami::gateway_net {

struct GatewayUrl {
  bool tls = false;           // wss://
  std::string host;           // for the resolver, SNI and certificate checks: no brackets
  std::string port;           // explicit, or 443 (wss) / 80 (ws)
  std::string host_header;    // Host: "name", "name:port", "[v6]:port"
  bool host_is_name = false;  // a registered name (SNI applies), not an IP literal
  std::string path;           // "/" when the URL has none
};

// Parses with Boost.URL. A query is dropped (the client adds v=10, encoding and compress).
// Fails with kInvalidArgument naming the URL and the part that is wrong: not a URL, a
// scheme other than ws/wss, no host, user info, an unusable port, a fragment.
core::Result<GatewayUrl> parse_gateway_url(std::string_view url);

}  // namespace mikami::gateway_net
