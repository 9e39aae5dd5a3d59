#include "mikami/route.h"

#include <charconv>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mikami {
namespace {

bool is_snowflake(std::string_view segment) {
  if (segment.empty()) return false;
  for (char c : segment) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::vector<std::string_view> split_path(std::string_view path) {
  if (auto query = path.find('?'); query != std::string_view::npos) path = path.substr(0, query);
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto end = path.find('/');
    segments.push_back(path.substr(0, end));
    if (end == std::string_view::npos) break;
    path.remove_prefix(end);
  }
  return segments;
}

}  // namespace

std::string_view to_string(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
  }
  return "?";
}

Route::Route(Method method, std::string path_template, std::string major_parameter,
             bool global_exempt)
    : method_(method),
      path_template_(std::move(path_template)),
      major_parameter_(std::move(major_parameter)),
      global_exempt_(global_exempt) {}

namespace {

// The age class of a deleted message, from its id's snowflake timestamp.
std::string_view delete_age_suffix(std::string_view message_id,
                                   std::chrono::system_clock::time_point now) {
  std::uint64_t id = 0;
  auto [end, ec] = std::from_chars(message_id.data(), message_id.data() + message_id.size(), id);
  if (ec != std::errc() || end != message_id.data() + message_id.size()) return "";
  constexpr std::int64_t kDiscordEpochMs = 1'420'070'400'000;
  const std::chrono::system_clock::time_point created{
      std::chrono::milliseconds(static_cast<std::int64_t>(id >> 22) + kDiscordEpochMs)};
  const auto age = now - created;
  if (age < std::chrono::seconds(10)) return " (younger than 10 s)";
  if (age > std::chrono::days(14)) return " (older than 14 days)";
  return "";
}

}  // namespace

Route Route::from_path(Method method, std::string_view path, bool interaction_followup,
                       std::chrono::system_clock::time_point now) {
  std::vector<std::string_view> segments = split_path(path);
  std::string templ;
  std::string major;
  bool exempt = interaction_followup;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    std::string_view segment = segments[i];
    templ += '/';
    const bool first = i == 0;
    const bool has_next = i + 1 < segments.size();
    if (first && has_next && (segment == "channels" || segment == "guilds")) {
      templ += segment;
      templ += segment == "channels" ? "/{channel_id}" : "/{guild_id}";
      major = std::string(segments[++i]);
    } else if (first && has_next && segment == "webhooks") {
      templ += "webhooks/{webhook_id}";
      major = std::string(segments[++i]);
      if (i + 1 < segments.size() && !is_snowflake(segments[i + 1]) &&
          segments[i + 1] != "messages" && segments[i + 1] != "slack" &&
          segments[i + 1] != "github") {
        templ += "/{webhook_token}";
        major += '/';
        major += segments[++i];
      }
    } else if (first && has_next && segment == "interactions") {
      // Interaction callbacks: limited per interaction, never by the global limit.
      templ += "interactions/{interaction_id}";
      major = std::string(segments[++i]);
      if (i + 1 < segments.size()) {
        templ += "/{interaction_token}";
        ++i;
      }
      exempt = true;
    } else if (segment == "reactions" && has_next) {
      templ += "reactions/{emoji}";
      ++i;
    } else if (is_snowflake(segment)) {
      templ += "{id}";
    } else {
      templ += segment;
    }
  }
  if (templ.empty()) templ = "/";
  if (method == Method::kDelete && templ == "/channels/{channel_id}/messages/{id}") {
    templ += delete_age_suffix(segments.back(), now);
  }
  return Route(method, std::move(templ), std::move(major), exempt);
}

std::string Route::template_key() const {
  std::string key(to_string(method_));
  key += ' ';
  key += path_template_;
  return key;
}

std::string Route::key() const {
  std::string k = template_key();
  k += " @";
  k += major_parameter_;
  return k;
}

std::string Route::display() const {
  std::string k = template_key();
  k += " @";
  // A webhook major parameter is "id/token"; the token is a credential.
  auto slash = major_parameter_.find('/');
  k += major_parameter_.substr(0, slash);
  if (slash != std::string::npos) k += "/***";
  return k;
}

}  // namespace mikami
