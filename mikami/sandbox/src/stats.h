// The sandbox's counters, served by GET /_sandbox/stats. Names are stable: tests and
// benchmarks read them.
#pragma once

#include <array>
#include <boost/json/object.hpp>
#include <cstdint>
#include <vector>

namespace mikami::sandbox {

struct Stats {
  // REST
  std::int64_t rest_requests = 0;
  std::int64_t rest_429_user = 0;      // route buckets and sublimits
  std::int64_t rest_429_sublimit = 0;  // of which sublimits
  std::int64_t rest_429_shared = 0;
  std::int64_t rest_429_global = 0;
  std::int64_t rest_5xx = 0;
  std::int64_t rest_400 = 0;
  std::int64_t rest_401 = 0;
  std::int64_t rest_403 = 0;
  std::int64_t rest_429_cloudflare = 0;  // the invalid-request ban's answers
  std::int64_t rest_404 = 0;
  std::int64_t invalid_requests_total = 0;
  std::int64_t messages_created = 0;
  std::int64_t guild_reads = 0;   // GET /guilds/{id}
  std::int64_t member_reads = 0;  // GET /guilds/{id}/members/{user}
  std::int64_t interaction_callbacks = 0;
  std::int64_t followups = 0;
  // Interaction callbacks and webhook calls that carried an Authorization header: they
  // need none (their token authorizes them), so a bot token travelling there is a leak.
  std::int64_t interaction_requests_authorized = 0;
  std::int64_t interaction_callbacks_late = 0;      // 10062: past the interaction's 3 s
  std::int64_t interaction_callbacks_repeated = 0;  // 40060: already acknowledged
  // gateway
  std::int64_t connections = 0;
  std::int64_t zlib_stream_connections = 0;
  std::int64_t identifies = 0;
  std::vector<std::array<std::int64_t, 2>> identified_shards;  // [id, count] of each IDENTIFY
  std::int64_t identify_compress = 0;    // IDENTIFYs asking for payload compression
  std::int64_t payloads_compressed = 0;  // payloads sent compressed for them
  std::int64_t resumes = 0;
  std::int64_t resume_failures = 0;
  std::int64_t heartbeats = 0;
  std::int64_t events = 0;
  std::int64_t gateway_drops = 0;  // connections ended by --fault-drop-every-ms
  // bounds (see "Limits" in the doc)
  std::int64_t http_timeouts = 0;        // requests not complete within the request timeout
  std::int64_t http_untrusted = 0;       // refused: foreign Host, or an Origin
  std::int64_t slow_consumer_drops = 0;  // gateway clients dropped for not reading

  // `invalid_requests`: the invalid-request count of the current window (kept by the
  // rate limiter, so passed in).
  boost::json::object to_json(std::int64_t invalid_requests) const;
};

}  // namespace mikami::sandbox
