// Routes and bucket keys of Discord's REST API, as the rate-limit scheduler sees them.
// See https://discord.com/developers/docs/topics/rate-limits: limits are per route (method +
// path template), computed separately for each top-level resource (the "major parameter":
// channel id, guild id, webhook id + token), and several routes may share one bucket, which
// the server names in X-RateLimit-Bucket.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mikami {

enum class Method : std::uint8_t { kGet, kPost, kPut, kPatch, kDelete };

std::string_view to_string(Method method);

// One REST endpoint as the scheduler keys it. A value type; cheap to copy for the sizes
// involved. Never carries a bot token (webhook and interaction tokens appear only inside the
// major parameter, which is never logged by the scheduler; see `display()`).
class Route {
 public:
  // `path_template` names placeholders, e.g. "/channels/{channel_id}/messages";
  // `major_parameter` is the top-level resource id ("" when the route has none).
  // `global_exempt` marks interaction callbacks and webhook follow-ups, which Discord does
  // not count against the global limit.
  Route(Method method, std::string path_template, std::string major_parameter,
        bool global_exempt = false);

  // Derives the route from a concrete request path such as "/channels/123/messages/456":
  // the major parameter is kept, other ids become placeholders, reaction emoji are
  // collapsed, query strings are dropped. Paths under /interactions/ are global-exempt;
  // pass `interaction_followup` for /webhooks/{application_id}/{interaction_token} calls.
  // DELETE /channels/{id}/messages/{id} is limited by the message's age (its snowflake
  // against `now`), as discord.js keys it: younger than 10 s, older than 14 days, or the
  // rest each have their own bucket, so the template gets a suffix for the first two.
  static Route from_path(
      Method method, std::string_view path, bool interaction_followup = false,
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  Method method() const { return method_; }
  const std::string& path_template() const { return path_template_; }
  const std::string& major_parameter() const { return major_parameter_; }
  bool global_exempt() const { return global_exempt_; }

  // "POST /channels/{channel_id}/messages" : the key under which a bucket hash is learned.
  // Routes that differ only in the major parameter share it.
  std::string template_key() const;
  // template_key() + " @" + major parameter: the identity of the queue before the bucket
  // hash is known.
  std::string key() const;
  // Like key() but with any webhook or interaction token masked, for logs and events.
  std::string display() const;

  friend bool operator==(const Route&, const Route&) = default;

 private:
  Method method_;
  std::string path_template_;
  std::string major_parameter_;
  bool global_exempt_;
};

// The identity of a learned bucket: the X-RateLimit-Bucket hash plus the major parameter
// (a hash is shared across resources, but each resource has its own counters).
struct BucketKey {
  std::string hash;
  std::string major_parameter;

  friend bool operator==(const BucketKey&, const BucketKey&) = default;
  friend auto operator<=>(const BucketKey&, const BucketKey&) = default;
};

}  // namespace mikami
