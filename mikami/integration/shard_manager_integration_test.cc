// The shard manager over real sockets against mikami-sandbox: fatal close codes stop every
// shard with no retry, a restarted process resumes every shard from its saved sessions,
// IDENTIFYs are spaced per max_concurrency key, and no session start left means waiting.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mikami/gateway_session.h"
#include "mikami/rest_client.h"
#include "mikami/shard_manager.h"
#include "mikami/testing/sandbox_process.h"

namespace mikami {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class Events {
 public:
  void on_event(int shard, const DispatchAction& event) {
    std::lock_guard lock(mutex_);
    seen_[{shard, event.event_name}].push_back(Clock::now());
    changed_.notify_all();
  }
  void on_fatal(int shard, const FatalAction& fatal) {
    std::lock_guard lock(mutex_);
    fatal_[shard] = fatal;
    changed_.notify_all();
  }
  bool wait(int shard, const std::string& name, std::size_t count, Clock::duration limit = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return seen_[{shard, name}].size() >= count; });
  }
  bool wait_fatal(std::size_t shards) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return fatal_.size() >= shards; });
  }
  std::size_t count(int shard, const std::string& name) {
    std::lock_guard lock(mutex_);
    return seen_[{shard, name}].size();
  }
  Clock::time_point first(int shard, const std::string& name) {
    std::lock_guard lock(mutex_);
    return seen_[{shard, name}].at(0);
  }
  std::map<int, FatalAction> fatal() {
    std::lock_guard lock(mutex_);
    return fatal_;
  }
  ShardManager::EventFn event_fn() {
    return [this](int shard, const DispatchAction& e) { on_event(shard, e); };
  }
  ShardManager::FatalFn fatal_fn() {
    return [this](int shard, const FatalAction& f) { on_fatal(shard, f); };
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::pair<int, std::string>, std::vector<Clock::time_point>> seen_;
  std::map<int, FatalAction> fatal_;
};

ShardManagerOptions fast_options(int shards) {
  ShardManagerOptions options;
  options.token = "sandbox-token";
  options.shard_count = shards;
  options.identify_interval = 10ms;
  options.shard.backoff_base = 10ms;
  options.shard.backoff_max = 50ms;
  return options;
}

GatewayBotInfo sandbox_info(const testing::SandboxProcess& sandbox, int max_concurrency = 1) {
  GatewayBotInfo info;
  info.url = sandbox.gateway_url();
  info.session_start_limit.max_concurrency = max_concurrency;
  return info;
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/mikami-shards-XXXXXX";
    CORE_CHECK(mkdtemp(pattern) != nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(ShardManagerIntegrationTest, FatalCloseCodesStopEveryShardWithoutRetrying) {
  testing::SandboxProcess sandbox;
  for (std::uint16_t code : {4004, 4010, 4011, 4012, 4013, 4014}) {
    SCOPED_TRACE(code);
    Events events;
    auto manager = ShardManager::create(fast_options(2), sandbox_info(sandbox), events.event_fn(),
                                        events.fatal_fn());
    ASSERT_TRUE(manager) << manager.error().message();
    (*manager)->start();
    ASSERT_TRUE(events.wait(0, "READY", 1));
    ASSERT_TRUE(events.wait(1, "READY", 1));
    ASSERT_EQ(sandbox.control("fault", R"({"kind":"close","code":)" + std::to_string(code) + "}"),
              204);
    ASSERT_TRUE(events.wait_fatal(2));
    for (const auto& [shard, fatal] : events.fatal()) {
      EXPECT_EQ(fatal.code, code);
      EXPECT_NE(fatal.message.find(std::to_string(code)), std::string::npos);
      EXPECT_NE(fatal.message.find("not reconnecting"), std::string::npos);
      EXPECT_EQ(fatal.message.find("sandbox-token"), std::string::npos);
      EXPECT_EQ((*manager)->state(shard), ShardState::kFatallyClosed);
    }
    EXPECT_EQ((*manager)->fatally_closed().size(), 2u);
    // No retry loop: well past the backoff, nobody connected again.
    const auto connections = sandbox.stat("connections");
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(sandbox.stat("connections"), connections);
    auto refused = (*manager)->send(0, GatewayOp::kPresenceUpdate, R"({"status":"idle"})");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), core::ErrorCode::kFailedPrecondition);
    ASSERT_TRUE((*manager)->stop(false));
  }
}

TEST(ShardManagerIntegrationTest, ARestartedProcessResumesEveryShardFromItsSavedSession) {
  testing::SandboxProcess sandbox;
  TempDir dir;
  ShardManagerOptions options = fast_options(2);
  options.session_directory = dir.path();
  {
    Events events;
    auto first =
        ShardManager::create(options, sandbox_info(sandbox), events.event_fn(), events.fatal_fn());
    ASSERT_TRUE(first) << first.error().message();
    (*first)->start();
    ASSERT_TRUE(events.wait(0, "GUILD_CREATE", 1));
    ASSERT_TRUE(events.wait(1, "GUILD_CREATE", 1));
    auto sessions = (*first)->stop(true);
    ASSERT_TRUE(sessions) << sessions.error().message();
    for (int shard = 0; shard < 2; ++shard) {
      auto saved = load_session(ShardManager::session_file(dir.path(), shard));
      ASSERT_TRUE(saved) << saved.error().message();
      EXPECT_TRUE(saved->resumable());
      EXPECT_EQ(saved->shard_id, shard);
      EXPECT_EQ(*saved, (*sessions)[static_cast<std::size_t>(shard)]);
    }
  }
  ASSERT_EQ(sandbox.control("dispatch", R"({"count":10})"), 204);  // while nobody listens

  // Even with no session start left, a process whose shards can all resume may start.
  GatewayBotInfo exhausted = sandbox_info(sandbox);
  exhausted.session_start_limit.remaining = 0;
  exhausted.session_start_limit.reset_after = 3'600'000ms;
  options.wait_for_session_start_limit = false;
  Events events;
  auto second = ShardManager::create(options, exhausted, events.event_fn(), events.fatal_fn());
  ASSERT_TRUE(second) << second.error().message();
  (*second)->start();
  for (int shard = 0; shard < 2; ++shard) {
    ASSERT_TRUE(events.wait(shard, "RESUMED", 1));
    ASSERT_TRUE(events.wait(shard, "MESSAGE_CREATE", 10));
    EXPECT_EQ(events.count(shard, "READY"), 0u);
    EXPECT_EQ((*second)->counters(shard).identifies, 0u);
  }
  EXPECT_EQ(sandbox.stat("identifies"), 2);
  EXPECT_EQ(sandbox.stat("resumes"), 2);
  ASSERT_TRUE((*second)->stop(false));
}

TEST(ShardManagerIntegrationTest, ACorruptOrForeignSessionFileMeansAFreshIdentify) {
  testing::SandboxProcess sandbox;
  TempDir dir;
  {
    std::ofstream corrupt(ShardManager::session_file(dir.path(), 0));
    corrupt << "not a session\n";
  }
  GatewaySession foreign;  // shard 1 of 4: this process runs 2 shards
  foreign.shard_id = 1;
  foreign.shard_count = 4;
  foreign.session_id = "old";
  foreign.sequence = 7;
  ASSERT_TRUE(save_session(ShardManager::session_file(dir.path(), 1), foreign));
  ShardManagerOptions options = fast_options(2);
  options.session_directory = dir.path();
  Events events;
  auto manager =
      ShardManager::create(options, sandbox_info(sandbox), events.event_fn(), events.fatal_fn());
  ASSERT_TRUE(manager) << manager.error().message();
  (*manager)->start();
  ASSERT_TRUE(events.wait(0, "READY", 1));
  ASSERT_TRUE(events.wait(1, "READY", 1));
  EXPECT_EQ(sandbox.stat("resumes"), 0);
  ASSERT_TRUE((*manager)->stop(true));
  auto rewritten = load_session(ShardManager::session_file(dir.path(), 1));
  ASSERT_TRUE(rewritten);
  EXPECT_EQ(rewritten->shard_count, 2);
}

TEST(ShardManagerIntegrationTest, IdentifiesAreSpacedPerMaxConcurrencyKeyOnSharedThreads) {
  testing::SandboxProcess sandbox;
  ShardManagerOptions options = fast_options(4);
  options.io_threads = 1;  // four shards, one I/O thread
  constexpr auto kInterval = 400ms;
  options.identify_interval = kInterval;
  Events events;
  auto manager =
      ShardManager::create(options, sandbox_info(sandbox, 2), events.event_fn(), events.fatal_fn());
  ASSERT_TRUE(manager) << manager.error().message();
  EXPECT_EQ((*manager)->io_thread_count(), 1);
  (*manager)->start();
  for (int shard = 0; shard < 4; ++shard) ASSERT_TRUE(events.wait(shard, "READY", 1));
  // Keys: shard % 2. Shards 0 and 1 identify at once; 2 and 3 wait for their key. READY
  // arrives one round trip after each IDENTIFY, and the earlier round trip may be the slower
  // one (tens of milliseconds under the sanitizers on a busy machine), so the gap between
  // READYs may fall short of the interval by that much; unspaced, it would be about zero.
  for (int shard = 2; shard < 4; ++shard) {
    const auto apart = events.first(shard, "READY") - events.first(shard - 2, "READY");
    EXPECT_GE(apart, kInterval * 3 / 4) << "shard " << shard;
  }
  const auto together = events.first(1, "READY") - events.first(0, "READY");
  EXPECT_LT(std::chrono::abs(together), kInterval / 2);
  EXPECT_EQ(sandbox.stat("identifies"), 4);
  ASSERT_TRUE((*manager)->stop(false));
}

TEST(ShardManagerIntegrationTest, NoSessionStartLeftWaitsForTheResetOrRefuses) {
  testing::SandboxProcess sandbox;
  GatewayBotInfo info = sandbox_info(sandbox);
  info.session_start_limit.remaining = 0;
  // Long enough that the shards reach IDENTIFY well before the reset, even when slowed down
  // by a sanitizer.
#ifdef PROJECT_SANITIZED
  constexpr auto kResetAfter = 3'000ms;
#else
  constexpr auto kResetAfter = 600ms;
#endif
  info.session_start_limit.reset_after = kResetAfter;

  ShardManagerOptions refuse = fast_options(2);
  refuse.wait_for_session_start_limit = false;
  auto refused = ShardManager::create(refuse, info, nullptr, nullptr);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kUnavailable);
  EXPECT_NE(refused.error().message().find("no session starts left"), std::string::npos);

  Events events;
  const auto started = Clock::now();
  auto manager = ShardManager::create(fast_options(2), info, events.event_fn(), events.fatal_fn());
  ASSERT_TRUE(manager) << manager.error().message();
  (*manager)->start();
  std::this_thread::sleep_until(started + kResetAfter / 2);
  EXPECT_EQ(sandbox.stat("identifies"), 0);
  ASSERT_TRUE(events.wait(0, "READY", 1));
  ASSERT_TRUE(events.wait(1, "READY", 1));
  EXPECT_GE(events.first(0, "READY") - started, kResetAfter);
  EXPECT_GE((*manager)->identify_queue().session_start_waits(), 1u);
  ASSERT_TRUE((*manager)->stop(false));
}

TEST(ShardManagerIntegrationTest, ConnectAsksTheGatewayBotRouteAndCanOverrideTheShardCount) {
  testing::SandboxProcess sandbox;
  RestOptions rest_options;
  rest_options.base_url = sandbox.api_url();
  rest_options.token = "sandbox-token";
  auto rest = RestClient::create(rest_options);
  ASSERT_TRUE(rest);
  Events events;
  ShardManagerOptions options = fast_options(0);  // the sandbox recommends 1
  auto manager = ShardManager::connect(options, **rest, events.event_fn(), events.fatal_fn());
  ASSERT_TRUE(manager) << manager.error().message();
  EXPECT_EQ((*manager)->shard_count(), 1);
  (*manager)->start();
  ASSERT_TRUE(events.wait(0, "READY", 1));
  auto unknown = (*manager)->send(1, GatewayOp::kPresenceUpdate, "{}");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("no shard 1"), std::string::npos);
  ASSERT_TRUE((*manager)->stop(false));

  rest_options.token = "wrong-token";
  auto wrong = RestClient::create(rest_options);
  ASSERT_TRUE(wrong);
  auto refused = ShardManager::connect(options, **wrong, nullptr, nullptr);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message().find("wrong-token"), std::string::npos);
}

}  // namespace
}  // namespace mikami
