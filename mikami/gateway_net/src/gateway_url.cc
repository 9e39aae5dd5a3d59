#include "gateway_url.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>

#include "mikami/tls_client.h"

namespace mikami::gateway_net {
namespace urls = boost::urls;

core::Result<GatewayUrl> parse_gateway_url(std::string_view url) {
  auto bad = [&](std::string what) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "gateway URL \"" + std::string(url) + "\": " + std::move(what));
  };
  auto parsed = urls::parse_uri(url);
  if (!parsed) return bad("not an absolute URL (" + parsed.error().message() + ")");
  const urls::url_view& u = *parsed;
  GatewayUrl out;
  switch (u.scheme_id()) {
    case urls::scheme::wss:
      out.tls = true;
      break;
    case urls::scheme::ws:
      break;
    default:
      return bad("scheme \"" + std::string(u.scheme()) + "\" is not ws or wss");
  }
  if (u.has_userinfo()) return bad("user info before the host is not allowed");
  switch (u.host_type()) {
    case urls::host_type::name:
      out.host_is_name = true;
      [[fallthrough]];
    case urls::host_type::ipv4:
    case urls::host_type::ipv6:
      out.host = u.host_address();
      break;
    default:
      break;
  }
  if (out.host.empty()) return bad("no host");
  if (!out.tls && !is_loopback_host(out.host)) {
    // IDENTIFY and RESUME carry the bot token.
    return bad(
        "ws:// to a host that is not this machine's loopback would send the token in "
        "clear: use wss://");
  }
  if (u.has_port()) {
    const std::string port(u.port());
    if (port.empty()) return bad("empty port after ':'");
    unsigned number = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (error != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535) {
      return bad("port \"" + port + "\" is not a number from 1 to 65535");
    }
    out.port = port;
  } else {
    out.port = out.tls ? "443" : "80";
  }
  if (u.has_fragment()) return bad("a fragment (\"#" + std::string(u.fragment()) + "\")");
  out.path = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (out.path.front() != '/') return bad("path \"" + out.path + "\" does not start with '/'");
  // The Host header keeps the authority as written, brackets included for IPv6.
  out.host_header = std::string(u.encoded_host());
  if (u.has_port()) out.host_header += ":" + out.port;
  return out;
}

}  // namespace mikami::gateway_net
