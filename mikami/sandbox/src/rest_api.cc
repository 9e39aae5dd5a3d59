#include "rest_api.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "commands_api.h"
#include "console_api.h"
#include "timestamps.h"

namespace mikami::sandbox {
namespace {

std::string epoch_seconds(SteadyClock::duration from_now) {
  const double epoch =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch() + from_now)
          .count();
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", epoch);
  return buffer;
}

// PATCH /channels/{id} counts against the rename sublimit when it renames the channel or
// changes its topic.
bool renames(const RouteSpec& spec, const std::optional<json::value>& body) {
  if (!spec.rename_sublimit || !body || !body->is_object()) return false;
  return body->as_object().contains("name") || body->as_object().contains("topic");
}

std::string param(const RouteMatch& route, const char* name) {
  auto it = route.params.find(name);
  return it == route.params.end() ? std::string() : it->second;
}

}  // namespace

RestApi::RestApi(Context& context, Gateway& gateway)
    : context_(context),
      gateway_(gateway),
      guild_api_(
          context.guild, [&context] { return context.next_id(); },
          [&gateway](std::string_view type, json::value data) {
            gateway.dispatch_to_all(type, data);
          }) {}

Response RestApi::handle(const Request& request) {
  Stats& stats = context_.stats;
  ++stats.rest_requests;
  const SteadyTime now = SteadyClock::now();
  if (auto ban = context_.limiter.ban_remaining(now)) {
    // Discord's "Cloudflare ban": past the invalid-request limit, nothing gets through until
    // the window ends, and the answer comes from Cloudflare, not the API: a 429 with an HTML
    // error page and none of the X-RateLimit-* headers. These answers are not counted again.
    ++stats.rest_429_cloudflare;
    Response response(http::status::too_many_requests, 11);
    response.set(http::field::content_type, "text/html; charset=UTF-8");
    response.set(http::field::server, "cloudflare");
    response.body() =
        "<!DOCTYPE html>\n<html><head><title>Access denied | discord.com used Cloudflare to "
        "restrict access</title></head>\n<body><h1>Error 1015</h1><h2>You are being rate "
        "limited</h2><p>The owner of this website (discord.com) has banned you temporarily "
        "from accessing this website.</p></body></html>\n";
    if (!context_.options.cloudflare_omit_retry_after) {
      response.set(http::field::retry_after, std::to_string(static_cast<long long>(std::ceil(
                                                 std::chrono::duration<double>(*ban).count()))));
    }
    return response;
  }
  bool shared_scope = false;
  Response response = route_and_limit(request, now, shared_scope);
  const int status = static_cast<int>(response.result_int());
  if (context_.limiter.record_response(status, shared_scope, now)) ++stats.invalid_requests_total;
  switch (status) {
    case 400:
      ++stats.rest_400;
      break;
    case 401:
      ++stats.rest_401;
      break;
    case 403:
      ++stats.rest_403;
      break;
    case 404:
      ++stats.rest_404;
      break;
    default:
      if (status >= 500) ++stats.rest_5xx;
      break;
  }
  return response;
}

Response RestApi::route_and_limit(const Request& request, SteadyTime now, bool& shared_scope) {
  const std::string_view target(request.target().data(), request.target().size());
  const RouteMatch route = match_route(request.method(), split_path(target.substr(8)));
  if (route.spec == nullptr) {
    if (route.wrong_method)
      return discord_error(http::status::method_not_allowed, "405: Method Not Allowed", 0);
    return discord_error(http::status::not_found, "404: Not Found", 0);
  }
  const RouteSpec& spec = *route.spec;
  if (!spec.bot_auth && request.find(http::field::authorization) != request.end()) {
    ++context_.stats.interaction_requests_authorized;
  }
  if (spec.bot_auth && request[http::field::authorization] != "Bot " + context_.options.token) {
    return discord_error(http::status::unauthorized, "401: Unauthorized", 0);
  }
  const std::optional<json::value> body = parse_body(request.body());
  const LimitKey key{std::string(spec.hash), route.major, spec.global_exempt,
                     renames(spec, body) ? "channel-rename" : ""};
  SandboxFaults& faults = context_.faults;
  if (faults.rest_5xx > 0) {
    --faults.rest_5xx;
    return json_response(http::status::bad_gateway, {{"message", "502: Bad Gateway"}, {"code", 0}});
  }
  if (faults.rest_429 > 0) {
    --faults.rest_429;
    shared_scope = true;
    Decision storm;
    storm.retry_after = std::chrono::milliseconds(faults.rest_429_retry_after_ms);
    return too_many(key, storm, "shared");
  }
  const Decision decision = context_.limiter.acquire(key, now);
  switch (decision.verdict) {
    case Verdict::kGlobal:
      return too_many(key, decision, "global");
    case Verdict::kRoute:
      return too_many(key, decision, "user");
    case Verdict::kSublimit:
      ++context_.stats.rest_429_sublimit;
      return too_many(key, decision, "user");
    case Verdict::kAllowed:
      break;
  }
  Response response = body ? serve(route, request, *body)
                           : discord_error(http::status::bad_request,
                                           "The request body contains invalid JSON.", 50109);
  if (decision.bucket) set_limit_headers(response, key, *decision.bucket);
  return response;
}

void RestApi::set_limit_headers(Response& response, const LimitKey& key, const BucketView& bucket) {
  response.set("X-RateLimit-Limit", std::to_string(bucket.limit));
  response.set("X-RateLimit-Remaining", std::to_string(bucket.remaining));
  response.set("X-RateLimit-Reset", epoch_seconds(bucket.reset_after));
  response.set("X-RateLimit-Reset-After", seconds_text(bucket.reset_after));
  response.set("X-RateLimit-Bucket", key.hash);
}

Response RestApi::too_many(const LimitKey& key, const Decision& decision, std::string_view scope) {
  Stats& stats = context_.stats;
  if (scope == "user") ++stats.rest_429_user;
  if (scope == "shared") ++stats.rest_429_shared;
  if (scope == "global") ++stats.rest_429_global;
  const double seconds =
      std::max(0.001, std::chrono::duration<double>(decision.retry_after).count());
  const bool global = scope == "global";
  // Written by hand: Boost.JSON would write retry_after as 6.4E1, Discord writes 64.0.
  char retry_after[32];
  std::snprintf(retry_after, sizeof retry_after, "%.3f", seconds);
  Response response(http::status::too_many_requests, 11);
  response.set(http::field::content_type, "application/json");
  response.body() =
      std::string(R"({"message":")") +
      (scope == "shared" ? "The resource is being rate limited." : "You are being rate limited.") +
      R"(","retry_after":)" + retry_after + R"(,"global":)" + (global ? "true" : "false") + "}";
  response.set(http::field::retry_after, std::to_string(static_cast<int>(std::ceil(seconds))));
  response.set("X-RateLimit-Scope", std::string(scope));
  if (global) {
    response.set("X-RateLimit-Global", "true");
  } else if (!key.hash.empty()) {
    if (decision.bucket) {
      // The bucket as it stands: a sublimit's 429 shows quota left.
      set_limit_headers(response, key, *decision.bucket);
    } else {
      // A shared-scope 429 (injected): the resource is limited, not this bot's quota.
      response.set("X-RateLimit-Limit", std::to_string(context_.options.bucket_limit));
      response.set("X-RateLimit-Remaining", "1");
      response.set("X-RateLimit-Reset-After", seconds_text(decision.retry_after));
      response.set("X-RateLimit-Reset", epoch_seconds(decision.retry_after));
      response.set("X-RateLimit-Bucket", key.hash);
    }
  }
  return response;
}

Response RestApi::serve(const RouteMatch& route, const Request& request, const json::value& body) {
  const Endpoint endpoint = route.spec->endpoint;
  if (endpoint == Endpoint::kGetGuild) ++context_.stats.guild_reads;
  if (endpoint == Endpoint::kGetMember) ++context_.stats.member_reads;
  if (GuildApi::serves(endpoint)) return guild_api_.handle(route, request, body);
  switch (endpoint) {
    case Endpoint::kGetCurrentUser:
      return json_response(http::status::ok, context_.guild.user_json(context_.guild.bot_id));
    case Endpoint::kGetCurrentApplication:
      return json_response(http::status::ok,
                           {{"id", context_.guild.bot_id},
                            {"name", "mikami"},
                            {"bot_public", true},
                            {"flags", 0},
                            {"bot", context_.guild.user_json(context_.guild.bot_id)}});
    case Endpoint::kGatewayBot:
      return json_response(http::status::ok,
                           {{"url", context_.ws_url},
                            {"shards", context_.options.shard_count},
                            {"session_start_limit",
                             {{"total", 1000},
                              {"remaining", 1000},
                              {"reset_after", 0},
                              {"max_concurrency", context_.options.max_concurrency}}}});
    case Endpoint::kMessageCreate: {
      ++context_.stats.messages_created;
      Response response = message(route, body);
      // Kept, so it can be listed and deleted (a purge, a member's DMs read back by tests);
      // a refused message (an error answer, not a message) is not.
      if (response.result() != http::status::ok) return response;
      boost::system::error_code ec;
      const json::value sent = json::parse(response.body(), ec);
      const json::object* m = !ec ? sent.if_object() : nullptr;
      if (m == nullptr || !m->contains("channel_id") || !m->contains("id")) return response;
      const json::value* content = m->if_contains("content");
      const json::value* embeds = m->if_contains("embeds");
      guild_api_.store_message(
          std::string(m->at("channel_id").as_string()), context_.guild.bot_id,
          content != nullptr && content->is_string() ? std::string(content->as_string()) : "",
          embeds != nullptr ? *embeds : json::value(json::array{}),
          std::string(m->at("id").as_string()));
      return response;
    }
    case Endpoint::kMessageEdit:
      return message(route, body);
    case Endpoint::kWebhook:
      ++context_.stats.followups;
      return interaction_webhook(context_, route, request, body, message(route, body));
    case Endpoint::kInteractionCallback: {
      // Discord's rules first (the 3 s deadline, one callback per interaction), then what the
      // console records of an interaction it created.
      Response accepted = accept_interaction_callback(route);
      if (accepted.result() != http::status::no_content) return accepted;
      return interaction_callback(context_, route, body);
    }
    case Endpoint::kCommands:
    case Endpoint::kGuildCommands:
      return put_commands(context_.console, route.params.at("application"), param(route, "guild"),
                          body);
    case Endpoint::kGetCommands:
    case Endpoint::kGetGuildCommands:
      return get_commands(context_.console, param(route, "guild"));
    default:
      return discord_error(http::status::not_found, "404: Not Found", 0);
  }
}

Response RestApi::act_by_hand(const json::object& body) {
  auto text = [&](std::string_view key) {
    const json::value* v = body.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  const Guild& guild = context_.guild;
  auto user = [&](const std::string& who) -> std::string {
    if (guild.users.contains(who)) return who;
    for (const auto& [id, u] : guild.users) {
      if (u.username == who) return id;
    }
    return "";
  };
  const std::string actor = user(text("by"));
  const std::string target = user(text("target"));
  if (actor.empty() || target.empty()) {
    return json_response(http::status::bad_request,
                         {{"message", "\"by\" and \"target\" must name known users"}});
  }
  const std::string action = text("action");
  const std::string base = "/api/v10/guilds/" + guild.id;
  Request request;
  json::object payload;
  if (action == "kick") {
    request = Request(http::verb::delete_, base + "/members/" + target, 11);
  } else if (action == "ban") {
    request = Request(http::verb::put, base + "/bans/" + target, 11);
  } else if (action == "unban") {
    request = Request(http::verb::delete_, base + "/bans/" + target, 11);
  } else if (action == "timeout" || action == "untimeout") {
    request = Request(http::verb::patch, base + "/members/" + target, 11);
    const json::value* seconds = body.if_contains("seconds");
    payload["communication_disabled_until"] =
        action == "untimeout"
            ? json::value(nullptr)
            : json::value(format_iso8601(
                  std::chrono::system_clock::now() +
                  std::chrono::seconds(
                      seconds != nullptr && seconds->is_int64() ? seconds->as_int64() : 600)));
  } else {
    return json_response(
        http::status::bad_request,
        {{"message", "\"action\" must be kick, ban, unban, timeout or untimeout"}});
  }
  if (const std::string reason = text("reason"); !reason.empty()) {
    // As Discord's client sends it: URL-encoded.
    std::string encoded;
    for (const unsigned char c : reason) {
      if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
        encoded += static_cast<char>(c);
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", c);
        encoded += hex;
      }
    }
    request.set("X-Audit-Log-Reason", encoded);
  }
  const std::string_view target_path(request.target().data(), request.target().size());
  const RouteMatch route = match_route(request.method(), split_path(target_path.substr(8)));
  return guild_api_.handle(route, request, payload, actor);
}

Response RestApi::seed_messages(const json::object& body) {
  auto text = [&](std::string_view key, std::string fallback) {
    const json::value* v = body.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : fallback;
  };
  auto number = [&](std::string_view key, std::int64_t fallback) {
    const json::value* v = body.if_contains(key);
    return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
  };
  const Guild& guild = context_.guild;
  std::string author = text("author", "1");
  for (const auto& [id, u] : guild.users) {
    if (u.username == author) author = id;
  }
  const std::string channel = text("channel", "100");
  const std::int64_t count = number("count", 1);
  const std::int64_t age_days = number("age_days", 0);
  if (!guild.users.contains(author) || !guild.channels.contains(channel) || count < 1 ||
      count > 1000 || age_days < 0 || age_days > 3650) {
    return json_response(http::status::bad_request,
                         {{"message",
                           "needs a known \"author\" and \"channel\", \"count\" 1-1000 and "
                           "\"age_days\" 0-3650"}});
  }
  json::array ids;
  for (std::int64_t i = 0; i < count; ++i) {
    std::string id = context_.next_id();
    if (age_days > 0) {
      // Dated in the past: the timestamp bits moved back, the low bits kept unique.
      const std::uint64_t now_id = std::stoull(id);
      const std::uint64_t shift = static_cast<std::uint64_t>(age_days) * 86'400'000ULL << 22;
      id = std::to_string(now_id - shift);
    }
    guild_api_.store_message(channel, author, text("content", "message " + std::to_string(i)),
                             nullptr, id);
    ids.push_back(json::value(id));
  }
  return json_response(http::status::ok, json::object{{"ids", ids}});
}

// Discord takes one callback per interaction, within 3 s of its creation (its snowflake).
Response RestApi::accept_interaction_callback(const RouteMatch& route) {
  const auto param = route.params.find("interaction");
  std::uint64_t id = 0;
  if (param != route.params.end()) {
    const std::string& text = param->second;
    std::from_chars(text.data(), text.data() + text.size(), id);
  }
  const auto created_ms = static_cast<std::int64_t>(id >> 22) + Context::kDiscordEpochMs;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  constexpr std::int64_t kDeadlineMs = 3'000;
  // Forget what can no longer be answered anyway: the map stays small.
  auto& acknowledged = context_.acknowledged;
  while (!acknowledged.empty() &&
         static_cast<std::int64_t>(acknowledged.begin()->first >> 22) + Context::kDiscordEpochMs <
             now_ms - kDeadlineMs) {
    acknowledged.erase(acknowledged.begin());
  }
  if (now_ms - created_ms > kDeadlineMs) {
    ++context_.stats.interaction_callbacks_late;
    return discord_error(http::status::not_found, "Unknown interaction", 10062);
  }
  if (!acknowledged.emplace(id, true).second) {
    ++context_.stats.interaction_callbacks_repeated;
    return discord_error(http::status::bad_request, "Interaction has already been acknowledged.",
                         40060);
  }
  ++context_.stats.interaction_callbacks;
  return empty_response(http::status::no_content);
}

Response RestApi::message(const RouteMatch& route, const json::value& body) {
  const auto channel = route.params.find("channel");
  const auto message_id = route.params.find("message");
  json::object message{
      {"id", message_id != route.params.end() ? message_id->second : context_.next_id()},
      {"type", 0},
      {"channel_id", channel != route.params.end() ? channel->second : route.major},
      {"author", context_.guild.user_json(context_.guild.bot_id)},
      {"content", ""},
      {"timestamp", format_iso8601(std::chrono::system_clock::now())},
      {"edited_timestamp", nullptr},
      {"tts", false},
      {"mention_everyone", false},
      {"mentions", json::array{}},
      {"mention_roles", json::array{}},
      {"attachments", json::array{}},
      {"embeds", json::array{}},
      {"pinned", false}};
  if (body.is_object()) {
    if (auto* content = body.as_object().if_contains("content")) message["content"] = *content;
    if (auto* embeds = body.as_object().if_contains("embeds")) message["embeds"] = *embeds;
    if (auto* flags = body.as_object().if_contains("flags")) message["flags"] = *flags;
  }
  return json_response(http::status::ok, message);
}

}  // namespace mikami::sandbox
