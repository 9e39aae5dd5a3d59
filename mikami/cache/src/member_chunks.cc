#include "mikami/cache/member_chunks.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/status.h"

namespace mikami::cache {

namespace json = boost::json;

std::string MemberChunkTracker::request(const ChunkRequest& request, std::string* nonce_out) {
  CORE_CHECK(request.user_ids.size() <= 100);
  std::string nonce = "mikami-" + std::to_string(next_nonce_++);
  json::object d{{"guild_id", request.guild_id.to_string()},
                 {"presences", request.presences},
                 {"nonce", nonce}};
  if (!request.user_ids.empty()) {
    json::array ids;
    for (model::UserId id : request.user_ids) ids.push_back(json::value(id.to_string()));
    d["user_ids"] = std::move(ids);
  } else {
    d["query"] = request.query;
    d["limit"] = request.limit;
  }
  Pending& p = pending_[nonce];
  p.guild_id = request.guild_id;
  p.completion.nonce = nonce;
  p.completion.guild_id = request.guild_id;
  if (nonce_out) *nonce_out = nonce;
  return json::serialize(json::object{{"op", 8}, {"d", std::move(d)}});
}

std::optional<ChunkCompletion> MemberChunkTracker::on_chunk(const model::MembersChunkEvent& c) {
  auto it = pending_.find(c.nonce);
  if (it == pending_.end() || it->second.guild_id != c.guild_id) return std::nullopt;
  Pending& p = it->second;
  if (p.seen.empty()) p.seen.assign(std::size_t(c.chunk_count), false);
  const auto index = std::size_t(c.chunk_index);
  if (index >= p.seen.size() || p.seen[index]) return std::nullopt;  // repeated or out of range
  p.seen[index] = true;
  ++p.seen_count;
  p.completion.members += c.members.size();
  p.completion.not_found.insert(p.completion.not_found.end(), c.not_found.begin(),
                                c.not_found.end());
  if (p.seen_count < p.seen.size()) return std::nullopt;
  ChunkCompletion done = std::move(p.completion);
  pending_.erase(it);
  return done;
}

}  // namespace mikami::cache
