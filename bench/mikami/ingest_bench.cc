// Gateway ingestion on one shard: a recorded zlib-stream of a realistic event mix, replayed
// through what the bot runs for every frame (zlib-stream inflate, gateway payload decode,
// typed model parse, cache update). The stream is generated (seeded) and compressed before
// the clock starts, so neither the generator nor a server is measured.
//
//   mikami_ingest_bench [events=100000] [guilds=10] [members_per_guild=1000] [runs=5]
//
// The mix after READY and one GUILD_CREATE per guild (each with its members, 20 channels,
// 10 roles): 50% MESSAGE_CREATE, 25% PRESENCE_UPDATE, 12% GUILD_MEMBER_UPDATE,
// 5% INTERACTION_CREATE, 5% TYPING_START, 3% GUILD_MEMBER_ADD/REMOVE. Rates are given per
// wall second and per CPU second (the machine may be shared), with CPU split by stage.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "mikami/cache/guild_cache.h"
#include "mikami/gateway_codec.h"
#include "mikami/zlib_stream.h"

namespace {

struct Stream {
  std::vector<std::string> frames;  // one zlib-stream message each
  std::size_t raw_bytes = 0;
  std::size_t events = 0;
  std::size_t guild_creates = 0;
};

std::string id(std::uint64_t v) { return "\"" + std::to_string(v) + "\""; }

class Generator {
 public:
  Generator(int guilds, int members) : guilds_(guilds), members_(members) {}

  std::uint64_t guild_id(int g) const { return 900000000000000000ULL + g; }
  std::uint64_t user_id(int u) const { return 500000000000000000ULL + u; }
  std::uint64_t channel_id(int g, int c) const { return 800000000000000000ULL + g * 100 + c; }
  std::uint64_t role_id(int g, int r) const { return 700000000000000000ULL + g * 100 + r; }

  std::string user(int u) const {
    return R"({"id":)" + id(user_id(u)) + R"(,"username":"user)" + std::to_string(u) +
           R"(","global_name":"User )" + std::to_string(u) +
           R"(","discriminator":"0","avatar":"a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6","public_flags":0})";
  }
  std::string member_fields(int g, int u) const {
    std::string roles = "[" + id(role_id(g, 1 + u % 9));
    if (u % 3 == 0) roles += "," + id(role_id(g, 1 + (u / 3) % 9));
    roles += "]";
    return R"("user":)" + user(u) + R"(,"roles":)" + roles +
           R"(,"joined_at":"2023-05-06T07:08:09.123456+00:00","nick":null,"avatar":null,)"
           R"("premium_since":null,"deaf":false,"mute":false,"pending":false,"flags":0,)"
           R"("communication_disabled_until":null)";
  }
  std::string ready() const {
    std::string guilds;
    for (int g = 0; g < guilds_; ++g) {
      guilds +=
          (g ? "," : "") + std::string(R"({"id":)") + id(guild_id(g)) + R"(,"unavailable":true})";
    }
    return R"({"v":10,"user":{"id":"1100000000000000000","username":"mikami","bot":true},)"
           R"("guilds":[)" +
           guilds +
           R"(],"session_id":"0123456789abcdef","resume_gateway_url":"wss://gateway.example",)"
           R"("shard":[0,1],"application":{"id":"1100000000000000000","flags":0}})";
  }
  std::string guild_create(int g) const {
    std::string roles = R"({"id":)" + id(guild_id(g)) +
                        R"(,"name":"@everyone","position":0,"permissions":"1071698660929",)"
                        R"("color":0,"hoist":false,"managed":false,"mentionable":false,"flags":0})";
    for (int r = 1; r < 10; ++r) {
      roles += R"(,{"id":)" + id(role_id(g, r)) + R"(,"name":"role)" + std::to_string(r) +
               R"(","position":)" + std::to_string(r) +
               R"(,"permissions":"2048","color":3447003,"hoist":true,"managed":false,)"
               R"("mentionable":true,"flags":0,"icon":null,"unicode_emoji":null})";
    }
    std::string channels;
    for (int c = 0; c < 20; ++c) {
      channels += (c ? "," : "") + std::string(R"({"id":)") + id(channel_id(g, c)) +
                  R"(,"type":0,"name":"channel-)" + std::to_string(c) + R"(","position":)" +
                  std::to_string(c) +
                  R"(,"topic":"a topic","nsfw":false,"rate_limit_per_user":0,)"
                  R"("last_message_id":null,"parent_id":null,"permission_overwrites":[)"
                  R"({"id":)" +
                  id(guild_id(g)) +
                  R"(,"type":0,"allow":"0","deny":"2048"},)"
                  R"({"id":)" +
                  id(role_id(g, 1 + c % 9)) + R"(,"type":1,"allow":"2048","deny":"0"}]})";
    }
    std::string members;
    for (int u = 0; u < members_; ++u) {
      members += (u ? ",{" : "{") + member_fields(g, g * members_ + u) + "}";
    }
    return R"({"id":)" + id(guild_id(g)) + R"(,"name":"Guild )" + std::to_string(g) +
           R"(","owner_id":)" + id(user_id(g * members_)) + R"(,"icon":null,"member_count":)" +
           std::to_string(members_) +
           R"(,"large":true,"preferred_locale":"en-US","joined_at":"2023-01-01T00:00:00+00:00",)"
           R"("roles":[)" +
           roles + R"(],"channels":[)" + channels +
           R"(],"threads":[],)"
           R"("members":[)" +
           members +
           R"(],"presences":[],"voice_states":[],"emojis":[],)"
           R"("stickers":[],"features":["COMMUNITY"]})";
  }
  std::string message(int g, int u, std::uint64_t n) const {
    return R"({"type":0,"tts":false,"timestamp":"2024-06-01T12:00:00.000000+00:00",)"
           R"("pinned":false,"mentions":[],"mention_roles":[],"mention_everyone":false,)"
           R"("member":{"roles":[)" +
           id(role_id(g, 1 + u % 9)) +
           R"(],"joined_at":"2023-05-06T07:08:09.123456+00:00","deaf":false,"mute":false,)"
           R"("flags":0},"id":)" +
           id(1200000000000000000ULL + n) +
           R"(,"flags":0,"embeds":[],"edited_timestamp":null,)"
           R"("content":"hello there, this is message number )" +
           std::to_string(n) + R"(","components":[],"channel_id":)" +
           id(channel_id(g, int(n % 20))) + R"(,"author":)" + user(u) +
           R"(,"attachments":[],"guild_id":)" + id(guild_id(g)) + "}";
  }
  std::string presence(int g, int u, std::uint64_t n) const {
    static const char* kStatus[] = {"online", "idle", "dnd", "offline"};
    return R"({"user":{"id":)" + id(user_id(u)) + R"(},"status":")" + kStatus[n % 4] +
           R"(","guild_id":)" + id(guild_id(g)) +
           R"(,"client_status":{"desktop":"online"},"activities":[{"type":0,"name":"a game",)"
           R"("created_at":1717243200000}]})";
  }
  std::string member_update(int g, int u) const {
    return R"({"guild_id":)" + id(guild_id(g)) + "," + member_fields(g, u) + "}";
  }
  std::string interaction(int g, int u, std::uint64_t n) const {
    return R"({"version":1,"type":2,"token":"aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzb21ldG9rZW4",)"
           R"("id":)" +
           id(1300000000000000000ULL + n) +
           R"(,"application_id":"1100000000000000000","guild_id":)" + id(guild_id(g)) +
           R"(,"channel_id":)" + id(channel_id(g, 0)) +
           R"(,"app_permissions":"562949953421311","locale":"en-US","guild_locale":"en-US",)"
           R"("entitlements":[],"context":0,"member":{)" +
           member_fields(g, u) +
           R"(,"permissions":"1071698660929"},"data":{"type":1,"name":"bet",)"
           R"("id":"1150000000000000000","options":[{"type":3,"name":"game","value":"dice"},)"
           R"({"type":4,"name":"amount","value":250}]}})";
  }
  std::string typing(int g, int u) const {
    return R"({"user_id":)" + id(user_id(u)) + R"(,"timestamp":1717243200,"guild_id":)" +
           id(guild_id(g)) + R"(,"channel_id":)" + id(channel_id(g, 1)) + "}";
  }

 private:
  int guilds_;
  int members_;
};

Stream record(long events, int guilds, int members) {
  Generator gen(guilds, members);
  mikami::ZlibStreamDeflater deflater;
  Stream s;
  std::int64_t seq = 0;
  auto push = [&](const std::string& name, const std::string& d) {
    const std::string payload =
        R"({"op":0,"s":)" + std::to_string(++seq) + R"(,"t":")" + name + R"(","d":)" + d + "}";
    s.raw_bytes += payload.size();
    s.frames.push_back(deflater.compress(payload));
    ++s.events;
  };
  push("READY", gen.ready());
  for (int g = 0; g < guilds; ++g) push("GUILD_CREATE", gen.guild_create(g));
  s.guild_creates = std::size_t(guilds);
  std::mt19937_64 rng(42);
  const int users = guilds * members;
  for (long n = 0; n < events; ++n) {
    const int g = int(rng() % std::uint64_t(guilds));
    const int u = g * members + int(rng() % std::uint64_t(members));
    const int pick = int(rng() % 100);
    if (pick < 50) {
      push("MESSAGE_CREATE", gen.message(g, u, std::uint64_t(n)));
    } else if (pick < 75) {
      push("PRESENCE_UPDATE", gen.presence(g, u, std::uint64_t(n)));
    } else if (pick < 87) {
      push("GUILD_MEMBER_UPDATE", gen.member_update(g, u));
    } else if (pick < 92) {
      push("INTERACTION_CREATE", gen.interaction(g, u, std::uint64_t(n)));
    } else if (pick < 97) {
      push("TYPING_START", gen.typing(g, u));
    } else if (pick % 2) {
      push("GUILD_MEMBER_ADD", gen.member_update(g, users + int(n)));
    } else {
      push("GUILD_MEMBER_REMOVE",
           R"({"guild_id":)" + id(gen.guild_id(g)) + R"(,"user":)" + gen.user(u) + "}");
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const long events = argc > 1 ? std::atol(argv[1]) : 100'000;
  const int guilds = argc > 2 ? std::atoi(argv[2]) : 10;
  const int members = argc > 3 ? std::atoi(argv[3]) : 1000;
  const int runs = argc > 4 ? std::atoi(argv[4]) : 5;
  if (events < 0 || guilds < 1 || members < 1 || runs < 1) {
    std::fprintf(stderr, "usage: %s [events] [guilds] [members_per_guild] [runs]\n", argv[0]);
    return 2;
  }
  const Stream stream = record(events, guilds, members);
  std::size_t compressed = 0;
  for (const std::string& f : stream.frames) compressed += f.size();
  std::printf(
      "stream: %zu events (%zu GUILD_CREATE of %d members), %.1f MB JSON, %.1f MB "
      "zlib-stream\n",
      stream.events, stream.guild_creates, members, stream.raw_bytes / 1e6, compressed / 1e6);
  std::vector<double> rates;
  std::vector<double> cpu_rates;
  for (int run = 0; run < runs; ++run) {
    mikami::ZlibStreamInflater inflater;
    mikami::cache::GuildCache cache;
    std::size_t failures = 0;
    // CPU time too: on a shared machine the wall clock also counts other processes' turns.
    const std::clock_t cpu_start = std::clock();
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& frame : stream.frames) {
      auto message = inflater.push(frame);
      if (!message || !*message) {
        ++failures;
        continue;
      }
      auto payload = mikami::decode_gateway_payload(**message);
      if (!payload) {
        ++failures;
        continue;
      }
      if (!cache.ingest(payload->event_name, payload->data)) ++failures;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_seconds = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const auto stats = cache.stats();
    if (failures != 0 || !cache.shard_ready()) {
      std::fprintf(stderr, "run %d: %zu events failed, shard ready %d\n", run, failures,
                   int(cache.shard_ready()));
      return 1;
    }
    rates.push_back(double(stream.events) / seconds);
    cpu_rates.push_back(double(stream.events) / cpu_seconds);
    std::printf(
        "run %d: %.3f s wall, %.3f s CPU, %.0f events/s (%.0f per CPU second), "
        "%.1f MB/s JSON; cache: %zu guilds, %zu channels, %zu members\n",
        run, seconds, cpu_seconds, rates.back(), cpu_rates.back(), stream.raw_bytes / 1e6 / seconds,
        stats.guilds, stats.channels, stats.members);
  }
  // Where the CPU goes: the same stream through each stage alone (median CPU seconds).
  auto stage_cpu = [&](int stages) {
    std::vector<double> cpu;
    for (int run = 0; run < runs; ++run) {
      mikami::ZlibStreamInflater inflater;
      mikami::cache::GuildCache cache;
      const std::clock_t cpu_start = std::clock();
      for (const std::string& frame : stream.frames) {
        auto message = inflater.push(frame);
        if (stages < 2 || !message || !*message) continue;
        auto payload = mikami::decode_gateway_payload(**message);
        if (stages < 3 || !payload) continue;
        (void)mikami::model::parse_event(payload->event_name, payload->data);
      }
      cpu.push_back(double(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    }
    std::sort(cpu.begin(), cpu.end());
    return cpu[cpu.size() / 2];
  };
  const double inflate_s = stage_cpu(1);
  const double decode_s = stage_cpu(2);
  const double model_s = stage_cpu(3);
  std::printf("CPU by stage: inflate %.3f s, gateway decode %.3f s, model parse %.3f s\n",
              inflate_s, decode_s - inflate_s, model_s - decode_s);
  std::sort(rates.begin(), rates.end());
  std::sort(cpu_rates.begin(), cpu_rates.end());
  std::printf(
      "median: %.0f events/s wall, %.0f events per CPU second, into model + cache "
      "(target 100000)\n",
      rates[rates.size() / 2], cpu_rates[cpu_rates.size() / 2]);
  return 0;
}
