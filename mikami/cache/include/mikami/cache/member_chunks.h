// Member chunk requests (gateway op 8, Request Guild Members) and the tracking of their
// GUILD_MEMBERS_CHUNK replies by nonce: a request is complete when chunk_count chunks with
// its nonce arrived; the ids Discord could not find (not_found) are reported, never guessed.
// Without the privileged GUILD_MEMBERS intent Discord refuses a query for all members; a
// request for user_ids works without it.
// Reference: https://discord.com/developers/docs/events/gateway-events#request-guild-members
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mikami/model/guild.h"
#include "mikami/model/snowflake.h"

namespace mikami::cache {

struct ChunkRequest {
  model::GuildId guild_id{};
  // Either user_ids (at most 100) or a username prefix query ("" with limit 0: everyone).
  std::vector<model::UserId> user_ids{};
  std::string query{};
  std::uint32_t limit = 0;
  bool presences = false;
};

struct ChunkCompletion {
  std::string nonce{};
  model::GuildId guild_id{};
  std::size_t members = 0;  // members received over all chunks
  std::vector<model::UserId> not_found{};
};

// Not thread safe: owned by the cache, used under its lock.
class MemberChunkTracker {
 public:
  // The op 8 payload to send (a complete gateway JSON text) for `request`, with a fresh
  // nonce (at most 32 characters, as Discord requires) that is remembered until complete.
  // CORE_CHECKs at most 100 user_ids.
  std::string request(const ChunkRequest& request, std::string* nonce_out = nullptr);

  // Accounts one chunk. Returns the completion when it was the last missing chunk of a
  // request this tracker made; nullopt for other chunks (and for unknown nonces).
  std::optional<ChunkCompletion> on_chunk(const model::MembersChunkEvent& chunk);

  std::size_t in_flight() const { return pending_.size(); }

 private:
  struct Pending {
    model::GuildId guild_id{};
    std::vector<bool> seen{};
    std::size_t seen_count = 0;
    ChunkCompletion completion{};
  };
  std::uint64_t next_nonce_ = 1;
  std::unordered_map<std::string, Pending> pending_{};
};

}  // namespace mikami::cache
