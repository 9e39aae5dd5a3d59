// One writer (the shard's event loop) and several readers: readers always see a whole
// event's effect, never a half-applied one, and nothing races (run under ThreadSanitizer).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "mikami/cache/guild_cache.h"

namespace mikami::cache {
namespace {

#ifdef PROJECT_SANITIZED
constexpr int kUpdates = 2'000;
#else
constexpr int kUpdates = 20'000;
#endif

TEST(GuildCacheConcurrency, ReadersSeeWholeUpdatesWhileTheWriterApplies) {
  GuildCache cache;
  ASSERT_TRUE(cache.ingest_text("GUILD_CREATE", R"({"id": "100", "owner_id": "1", "name": "g",
      "roles": [{"id": "100", "position": 0, "permissions": "1024"},
                {"id": "50", "position": 1, "permissions": "2048"},
                {"id": "51", "position": 2, "permissions": "8192"}],
      "channels": [{"id": "200", "type": 0}],
      "members": [{"user": {"id": "2"}, "roles": ["50"]}]})"));
  std::atomic<bool> done{false};
  std::atomic<long> reads{0};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done.load(std::memory_order_acquire)) {
        auto m = cache.member(model::GuildId(100), model::UserId(2));
        // The writer alternates between exactly ["50"] and ["50", "51"].
        if (!m || m->roles.empty() || m->roles.size() > 2) ++torn;
        auto p =
            cache.permissions_in(model::GuildId(100), model::ChannelId(200), model::UserId(2), 0);
        if (!p || !p->has(model::Permission::kSendMessages)) ++torn;
        (void)cache.stats();
        ++reads;
      }
    });
  }
  for (int i = 0; i < kUpdates; ++i) {
    const char* roles = i % 2 ? R"(["50", "51"])" : R"(["50"])";
    ASSERT_TRUE(cache.ingest_text(
        "GUILD_MEMBER_UPDATE",
        std::string(R"({"guild_id": "100", "user": {"id": "2"}, "roles": )") + roles + "}"));
    if (i % 100 == 0) {
      ASSERT_TRUE(cache.ingest_text("GUILD_MEMBER_ADD", R"({"guild_id": "100",
          "user": {"id": ")" + std::to_string(1000 + i) + R"("}, "roles": []})"));
    }
  }
  done.store(true, std::memory_order_release);
  for (auto& t : readers) t.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(cache.stats().members, 1u + (kUpdates + 99) / 100);
}

}  // namespace
}  // namespace mikami::cache
