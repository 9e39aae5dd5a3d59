// The REST client's base URL and request targets, parsed with Boost.URL (RFC 3986).
// Internal to mikami_rest.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mikami::rest_internal {

struct BaseUrl {
  bool tls = false;
  std::string host;         // what to resolve and verify: a name, IPv4 or IPv6 address
  bool host_is_ip = false;  // no SNI for address literals (RFC 6066, section 3)
  std::string port;         // always set: the URL's, or 443 / 80
  std::string host_header;  // "discord.com", "127.0.0.1:8080", "[::1]:8080"
  std::string path_prefix;  // "/api/v10", never with a trailing slash; may be empty
};

// Accepts https:// and http:// URLs with a host, an optional port (1-65535) and an optional
// path; refuses user information, queries and fragments. Errors (kInvalidArgument) name the
// offending part; they never echo user information, which may hold a password.
core::Result<BaseUrl> parse_base_url(std::string_view text);

// Checks a request path such as "/channels/1/messages?limit=5": it must be an origin-form
// target (RFC 9112, section 3.2.1). Errors name the problem but never echo the path, which
// may hold a webhook or interaction token.
core::Status check_request_path(std::string_view path);

}  // namespace mikami::rest_internal
