#include "http_util.h"

#include <algorithm>
#include <cstdio>

namespace mikami::sandbox {

Response json_response(http::status status, const json::value& body) {
  Response response(status, 11);
  response.set(http::field::content_type, "application/json");
  response.body() = json::serialize(body);
  return response;
}

Response empty_response(http::status status) { return Response(status, 11); }

std::vector<std::string> split_path(std::string_view target) {
  if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= target.size()) {
    auto end = target.find('/', start);
    if (end == std::string_view::npos) end = target.size();
    if (end > start) parts.emplace_back(target.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

namespace {

// Text the sandbox reads from a request goes back out in JSON answers (error messages, audit
// log reasons), and JSON text is UTF-8: a byte that does not begin or continue a well-formed
// sequence (no overlongs, no surrogates, nothing past U+10FFFF) becomes U+FFFD, as a browser
// decodes it.
std::string valid_utf8(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    const std::size_t n = c < 0x80                 ? 1
                          : c >= 0xC2 && c <= 0xDF ? 2
                          : c >= 0xE0 && c <= 0xEF ? 3
                          : c >= 0xF0 && c <= 0xF4 ? 4
                                                   : 0;
    bool ok = n > 0 && i + n <= in.size();
    for (std::size_t k = 1; ok && k < n; ++k) ok = (in[i + k] & 0xC0) == 0x80;
    if (ok && n >= 3) {
      const auto d = static_cast<unsigned char>(in[i + 1]);
      ok = !(c == 0xE0 && d < 0xA0) && !(c == 0xED && d > 0x9F) && !(c == 0xF0 && d < 0x90) &&
           !(c == 0xF4 && d > 0x8F);
    }
    if (ok) {
      out.append(in, i, n);
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

}  // namespace

// The decoded text is made valid UTF-8 (valid_utf8 above).
std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else if (plus_is_space && text[i] == '+') {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return valid_utf8(out);
}

std::map<std::string, std::string> query_params(std::string_view target) {
  std::map<std::string, std::string> params;
  auto q = target.find('?');
  if (q == std::string_view::npos) return params;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (!pair.empty()) {
      params[percent_decode(pair.substr(0, eq), true)] =
          eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return params;
}

std::string seconds_text(std::chrono::steady_clock::duration d) {
  double s = std::max(0.0, std::chrono::duration<double>(d).count());
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", s);
  return buffer;
}

Response discord_error(http::status status, std::string_view message, int code) {
  return json_response(status, json::object{{"message", message}, {"code", code}});
}

std::optional<json::value> parse_body(std::string_view text) {
  if (text.empty()) return json::value(json::object{});
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

}  // namespace mikami::sandbox
