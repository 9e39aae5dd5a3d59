#include "base_url.h"

#include <boost/url/authority_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_path.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>

#include "mikami/tls_client.h"

namespace mikami::rest_internal {
namespace {

namespace urls = boost::urls;

constexpr std::string_view kExpected = "expected https://host[:port][/path]";

std::unexpected<core::Error> invalid(std::string message) {
  return core::fail(core::ErrorCode::kInvalidArgument, std::move(message));
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Boost.URL 1.81 accepts "http://host:8x/" as port 8 and the path "x/" (a path after an
// authority must start with '/', RFC 3986 section 3.3).
bool authority_is_malformed(std::string_view authority) {
  auto parsed = urls::parse_uri("http://" + std::string(authority));
  return parsed && !parsed->encoded_path().empty();
}

// Boost.URL says only that the whole text does not parse; this finds which part is at fault
// by parsing the parts one at a time.
std::unexpected<core::Error> diagnose(std::string_view text, const boost::system::error_code& ec) {
  const auto colon = text.find(':');
  const auto delimiter = text.find_first_of("/?#");
  if (colon == std::string_view::npos ||
      (delimiter != std::string_view::npos && delimiter < colon)) {
    return invalid("base URL has no scheme; " + std::string(kExpected));
  }
  const std::string scheme = lower(text.substr(0, colon));
  if (scheme != "https" && scheme != "http") {
    return invalid("base URL scheme '" + std::string(text.substr(0, colon)) +
                   "' is not supported; use https:// (or http:// for a local sandbox)");
  }
  std::string_view rest = text.substr(colon + 1);
  if (rest.substr(0, 2) != "//") {
    return invalid("base URL has no authority ('//' and a host after '" + scheme + ":'); " +
                   std::string(kExpected));
  }
  rest.remove_prefix(2);
  const auto end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, end);
  if (auto parsed = urls::parse_authority(authority);
      !parsed || authority_is_malformed(authority)) {
    // Only what follows user information is echoed: that part may hold a password.
    const auto at = authority.rfind('@');
    const std::string_view host_port =
        at == std::string_view::npos ? authority : authority.substr(at + 1);
    const auto close = host_port.rfind(']');
    const auto colon_at = host_port.rfind(':');
    const bool literal = !host_port.empty() && host_port.front() == '[';
    const bool has_port = colon_at != std::string_view::npos &&
                          (literal ? close != std::string_view::npos && colon_at > close : true);
    if (has_port) {
      const std::string_view port = host_port.substr(colon_at + 1);
      if (port.find_first_not_of("0123456789") != std::string_view::npos) {
        return invalid("base URL port '" + std::string(port) + "' is not a number");
      }
      return invalid("base URL host '" + std::string(host_port.substr(0, colon_at)) +
                     "' is not a valid host name or address");
    }
    return invalid("base URL host '" + std::string(host_port) +
                   "' is not a valid host name or address");
  }
  const std::string_view tail = end == std::string_view::npos ? "" : rest.substr(end);
  const std::string_view path = tail.substr(0, tail.find_first_of("?#"));
  if (auto parsed = urls::parse_path(path); !parsed) {
    return invalid("base URL path '" + std::string(path) +
                   "' is not valid (characters such as spaces must be percent-encoded)");
  }
  return invalid("base URL query or fragment is not valid: " + ec.message());
}

}  // namespace

core::Result<BaseUrl> parse_base_url(std::string_view text) {
  if (text.empty()) return invalid("base URL is empty; " + std::string(kExpected));
  auto parsed = urls::parse_uri(text);
  if (!parsed) return diagnose(text, parsed.error());
  const urls::url_view& url = *parsed;
  if (url.has_authority() && !url.encoded_path().empty() && !url.is_path_absolute()) {
    return diagnose(text, urls::error::not_a_base);  // see authority_is_malformed()
  }

  BaseUrl base;
  const urls::scheme scheme = url.scheme_id();
  if (scheme != urls::scheme::https && scheme != urls::scheme::http) {
    return invalid("base URL scheme '" + std::string(url.scheme()) +
                   "' is not supported; use https:// (or http:// for a local sandbox)");
  }
  base.tls = scheme == urls::scheme::https;
  if (!url.has_authority()) {
    return invalid("base URL has no authority ('//' and a host after '" +
                   std::string(url.scheme()) + ":'); " + std::string(kExpected));
  }
  if (url.has_userinfo()) {
    return invalid(
        "base URL must not contain user information ('user:password@'); the bot token goes "
        "in RestOptions::token");
  }
  switch (url.host_type()) {
    case urls::host_type::name:
      base.host = url.host_address();
      break;
    case urls::host_type::ipv4:
    case urls::host_type::ipv6:
      base.host = url.host_address();
      base.host_is_ip = true;
      break;
    case urls::host_type::ipvfuture:
      return invalid("base URL host '" + std::string(url.encoded_host()) +
                     "' is an IPvFuture literal, which is not supported");
    case urls::host_type::none:
      break;
  }
  if (base.host.empty()) return invalid("base URL has no host; " + std::string(kExpected));
  if (!base.tls && !is_loopback_host(base.host)) {
    // The bot token travels in every request's Authorization header.
    return invalid("base URL '" + std::string(text) +
                   "' uses http:// for a host that is not this machine's loopback; the token "
                   "would travel in clear: use https://");
  }

  const std::string default_port = base.tls ? "443" : "80";
  base.port = default_port;
  if (url.has_port() && !url.port().empty()) {  // "host:" means the default port (RFC 3986)
    const std::string_view text_port = url.port();
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text_port.data(), text_port.data() + text_port.size(), value);
    if (ec != std::errc() || end != text_port.data() + text_port.size() || value < 1 ||
        value > 65535) {
      return invalid("base URL port '" + std::string(text_port) + "' is out of range (1-65535)");
    }
    base.port = std::to_string(value);
  }
  if (url.has_query()) return invalid("base URL must not have a query ('?...')");
  if (url.has_fragment()) return invalid("base URL must not have a fragment ('#...')");

  base.host_header = std::string(url.encoded_host());  // IPv6 keeps its brackets here
  if (base.port != default_port) base.host_header += ":" + base.port;
  base.path_prefix = std::string(url.encoded_path());
  while (!base.path_prefix.empty() && base.path_prefix.back() == '/') base.path_prefix.pop_back();
  return base;
}

core::Status check_request_path(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return invalid("request path must start with '/' (e.g. \"/channels/1/messages\")");
  }
  if (auto parsed = urls::parse_origin_form(path); !parsed) {
    return invalid("request path is not a valid origin-form target (RFC 9112): " +
                   parsed.error().message());
  }
  return core::ok_status();
}

}  // namespace mikami::rest_internal
