#include "stats.h"

#include <boost/json/array.hpp>

namespace mikami::sandbox {

boost::json::object Stats::to_json(std::int64_t invalid_requests) const {
  boost::json::array shards;
  for (const auto& [id, count] : identified_shards) {
    boost::json::array pair;
    pair.push_back(id);
    pair.push_back(count);
    shards.push_back(std::move(pair));
  }
  return {{"rest_requests", rest_requests},
          {"identified_shards", std::move(shards)},
          {"rest_429_user", rest_429_user},
          {"rest_429_sublimit", rest_429_sublimit},
          {"rest_429_shared", rest_429_shared},
          {"rest_429_global", rest_429_global},
          {"rest_5xx", rest_5xx},
          {"rest_400", rest_400},
          {"rest_401", rest_401},
          {"rest_403", rest_403},
          {"rest_429_cloudflare", rest_429_cloudflare},
          {"rest_404", rest_404},
          {"guild_reads", guild_reads},
          {"member_reads", member_reads},
          {"invalid_requests", invalid_requests},
          {"invalid_requests_total", invalid_requests_total},
          {"messages_created", messages_created},
          {"interaction_callbacks", interaction_callbacks},
          {"followups", followups},
          {"interaction_requests_authorized", interaction_requests_authorized},
          {"interaction_callbacks_late", interaction_callbacks_late},
          {"interaction_callbacks_repeated", interaction_callbacks_repeated},
          {"connections", connections},
          {"zlib_stream_connections", zlib_stream_connections},
          {"identifies", identifies},
          {"identify_compress", identify_compress},
          {"payloads_compressed", payloads_compressed},
          {"resumes", resumes},
          {"resume_failures", resume_failures},
          {"heartbeats", heartbeats},
          {"events", events},
          {"gateway_drops", gateway_drops},
          {"http_timeouts", http_timeouts},
          {"http_untrusted", http_untrusted},
          {"slow_consumer_drops", slow_consumer_drops}};
}

}  // namespace mikami::sandbox
