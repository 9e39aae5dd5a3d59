// HTTP helpers shared by the sandbox's REST and control APIs: request and response types,
// JSON answers, path and query splitting, Discord's JSON error shapes.
#pragma once

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mikami::sandbox {

namespace http = boost::beast::http;
namespace json = boost::json;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

Response json_response(http::status status, const json::value& body);
Response empty_response(http::status status);

// "/a/b/c?x=1" -> {"a", "b", "c"} (the query is dropped).
std::vector<std::string> split_path(std::string_view target);
// "/a?limit=5&after=10" -> {{"limit","5"},{"after","10"}} (percent-decoded).
std::map<std::string, std::string> query_params(std::string_view target);
// %XX escapes; '+' is a space only in query strings (`plus_is_space`).
std::string percent_decode(std::string_view text, bool plus_is_space = false);

// Seconds with millisecond precision, "1.250" (never negative).
std::string seconds_text(std::chrono::steady_clock::duration d);

// Discord's JSON error: {"message": ..., "code": ...}.
Response discord_error(http::status status, std::string_view message, int code);

// A JSON body: empty text is an empty object; unparsable text is nullopt.
std::optional<json::value> parse_body(std::string_view text);

}  // namespace mikami::sandbox
