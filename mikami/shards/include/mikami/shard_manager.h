// Runs every shard of a bot in one process, or a range of them (a bot run as several
// processes): the recommended (GET /gateway/bot) or a configured number of GatewayClients on a
// small pool of shared I/O threads, identifying through one IdentifyQueue (max_concurrency
// rate-limit keys, one IDENTIFY per key per 5 s, and the session start limit), saving and restoring
// every shard's session, and reporting a fatal close per shard (that shard stops; the others go on;
// nothing retries it). See mikami/gateway/doc/gateway.md.
//
// Events: the handler gets the shard id and the dispatch. Each shard's events arrive in
// sequence order, exactly once per session, one at a time; different shards' events may
// arrive concurrently on different I/O threads, so a handler shared by shards must be
// thread safe. Handlers run on an I/O thread: they must not block, and must not call
// stop() or destroy the manager.
//
// Threading: every member may be called from any thread (except from a handler, where
// stop() would wait on itself).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "mikami/gateway_bot.h"
#include "mikami/gateway_client.h"
#include "mikami/identify_queue.h"
#include "mikami/shard.h"

namespace mikami {

struct ShardManagerOptions {
  std::string token;  // never logged
  std::uint64_t intents = 0;
  // Number of shards; 0 takes GET /gateway/bot's recommendation.
  int shard_count = 0;
  // Only shards first_shard..last_shard (inclusive) of shard_count, which must then be set:
  // one process of a bot run as several. last_shard -1: every shard.
  int first_shard = 0;
  int last_shard = -1;
  // I/O threads the shards share (shard i runs on thread i % io_threads); 0 picks
  // min(shard count, hardware threads).
  int io_threads = 0;
  // Timeouts, backoff, send budget and jitter of every shard. The manager fills in
  // shard_id, shard_count, intents, gateway_url and identify_queue.
  ShardConfig shard;
  bool compress = true;
  std::string ca_file;  // extra trusted CA certificates (PEM)
  // Where stop(true) writes each shard's session ("shard-<id>.session", see
  // mikami/gateway/doc/session-format.md) and create() reads them back, so a restarted
  // process resumes every shard it can. Empty: no files.
  std::filesystem::path session_directory;
  // IDENTIFY spacing per rate-limit key; Discord's is 5 s (tests shorten it).
  std::chrono::milliseconds identify_interval{5'000};
  // When GET /gateway/bot reports no session starts left: shards that must IDENTIFY wait
  // for reset_after (true), or create() refuses unless every shard can resume (false).
  bool wait_for_session_start_limit = true;
};

class ShardManager {
 public:
  using EventFn = std::function<void(int shard_id, const DispatchAction& event)>;
  using FatalFn = std::function<void(int shard_id, const FatalAction& fatal)>;

  // Builds the shards from `info` (nothing connects before start()). A session file that
  // cannot be read is reported on stderr and that shard identifies afresh. Fails with
  // kInvalidArgument for a bad option or gateway URL, kUnavailable when no session start
  // is left and wait_for_session_start_limit is false.
  static core::Result<std::unique_ptr<ShardManager>> create(ShardManagerOptions options,
                                                            const GatewayBotInfo& info,
                                                            EventFn on_event, FatalFn on_fatal);
  // fetch_gateway_bot(rest), then create().
  static core::Result<std::unique_ptr<ShardManager>> connect(ShardManagerOptions options,
                                                             RestClient& rest, EventFn on_event,
                                                             FatalFn on_fatal);
  // stop(true) unless stop() was called.
  ~ShardManager();
  ShardManager(const ShardManager&) = delete;
  ShardManager& operator=(const ShardManager&) = delete;

  // Starts every shard; IDENTIFYs are spaced by the identify queue, RESUMEs are not.
  void start();
  // Stops every shard (in parallel) and returns their sessions, index = shard id. With
  // keep_sessions the sessions stay resumable and, with a session_directory, are written
  // there (every file is attempted; the first failure is returned as kIo). Idempotent.
  core::Result<std::vector<GatewaySession>> stop(bool keep_sessions);

  // GatewayClient::send on one shard; kInvalidArgument for an unknown shard id.
  core::Status send(int shard_id, GatewayOp op, std::string_view data_json);

  // Shard ids are the bot's: this manager runs ids first_shard() .. first_shard() +
  // shard_count() - 1 of total_shard_count(). The members taking a shard id CORE_CHECK it
  // is one of them (send() returns kInvalidArgument).
  int shard_count() const { return static_cast<int>(clients_.size()); }
  int first_shard() const { return first_shard_; }
  int total_shard_count() const { return total_shards_; }
  bool runs_shard(int shard_id) const {
    return shard_id >= first_shard_ && shard_id < first_shard_ + shard_count();
  }
  int io_thread_count() const { return static_cast<int>(io_threads_.size()); }
  ShardState state(int shard_id);
  ShardCounters counters(int shard_id);
  // The shard's last HEARTBEAT -> HEARTBEAT_ACK round trip; nullopt before its first ACK or
  // for a shard this manager does not run.
  std::optional<std::chrono::microseconds> heartbeat_latency(int shard_id);
  GatewaySession session(int shard_id);
  // Shards stopped by a fatal close code, in the order they failed.
  std::vector<int> fatally_closed();
  IdentifyQueue& identify_queue() { return *identify_queue_; }

  // The shard that receives a guild's events: (guild_id >> 22) % shard_count.
  static int shard_for_guild(std::uint64_t guild_id, int shard_count);
  static std::filesystem::path session_file(const std::filesystem::path& directory, int shard_id);

 private:
  ShardManager() = default;
  GatewayClient& client(int shard_id);

  ShardManagerOptions options_;
  int first_shard_ = 0;
  int total_shards_ = 0;
  // Destroyed in reverse: clients first (they use the queue and the threads).
  std::vector<std::shared_ptr<GatewayIoThread>> io_threads_;
  std::unique_ptr<IdentifyQueue> identify_queue_;
  std::vector<std::unique_ptr<GatewayClient>> clients_;
  std::mutex fatal_mutex_;  // never held while waiting for an I/O thread
  std::vector<int> fatal_;  // guarded by fatal_mutex_
  std::mutex stop_mutex_;
  bool stopped_ = false;                        // guarded by stop_mutex_
  std::vector<GatewaySession> final_sessions_;  // guarded by stop_mutex_
};

}  // namespace mikami
