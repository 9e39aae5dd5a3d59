#include "mikami/shard_manager.h"

#include <algorithm>
#include <iostream>
#include <thread>

#include "core/clock.h"
#include "mikami/gateway_session.h"

namespace mikami {

int ShardManager::shard_for_guild(std::uint64_t guild_id, int shard_count) {
  CORE_CHECK(shard_count >= 1);
  return static_cast<int>((guild_id >> 22) % static_cast<std::uint64_t>(shard_count));
}

std::filesystem::path ShardManager::session_file(const std::filesystem::path& directory,
                                                 int shard_id) {
  return directory / ("shard-" + std::to_string(shard_id) + ".session");
}

core::Result<std::unique_ptr<ShardManager>> ShardManager::connect(ShardManagerOptions options,
                                                                  RestClient& rest,
                                                                  EventFn on_event,
                                                                  FatalFn on_fatal) {
  auto info = fetch_gateway_bot(rest);
  if (!info) return core::fail(info.error());
  return create(std::move(options), *info, std::move(on_event), std::move(on_fatal));
}

core::Result<std::unique_ptr<ShardManager>> ShardManager::create(ShardManagerOptions options,
                                                                 const GatewayBotInfo& info,
                                                                 EventFn on_event,
                                                                 FatalFn on_fatal) {
  auto invalid = [](std::string what) {
    return core::fail(core::ErrorCode::kInvalidArgument, "shard manager: " + std::move(what));
  };
  if (options.shard_count < 0) return invalid("shard_count is negative");
  if (options.io_threads < 0) return invalid("io_threads is negative");
  const int shard_count = options.shard_count > 0 ? options.shard_count : info.shards;
  if (shard_count < 1) return invalid("no shards to run");
  const bool ranged = options.last_shard >= 0;
  const int first = ranged ? options.first_shard : 0;
  const int last = ranged ? options.last_shard : shard_count - 1;
  if (ranged && options.shard_count < 1) {
    return invalid("a shard range needs shard_count (the bot's total number of shards)");
  }
  if (first < 0 || first > last || last >= shard_count) {
    return invalid("shard range " + std::to_string(first) + "-" + std::to_string(last) +
                   " is not within the " + std::to_string(shard_count) + " shards (0-" +
                   std::to_string(shard_count - 1) + ")");
  }
  const int run = last - first + 1;
  if (info.session_start_limit.max_concurrency < 1) return invalid("max_concurrency below 1");

  // Saved sessions first: whether a shard can resume decides whether it needs a start.
  std::vector<GatewaySession> restored(static_cast<std::size_t>(run));
  int must_identify = 0;
  for (int id = first; id <= last; ++id) {
    auto& session = restored[static_cast<std::size_t>(id - first)];
    if (!options.session_directory.empty()) {
      auto path = session_file(options.session_directory, id);
      auto loaded = load_session(path);
      if (loaded && loaded->shard_id == id && loaded->shard_count == shard_count) {
        session = std::move(*loaded);
      } else if (loaded) {
        std::cerr << "mikami shards: " << path.string() << " belongs to shard " << loaded->shard_id
                  << " of " << loaded->shard_count << "; shard " << id << " of " << shard_count
                  << " identifies afresh\n";
      } else if (loaded.error().code() != core::ErrorCode::kNotFound) {
        std::cerr << "mikami shards: ignoring a saved session: " << loaded.error().message()
                  << "\n";
      }
    }
    if (!session.resumable()) ++must_identify;
  }
  const SessionStartLimit& limit = info.session_start_limit;
  if (limit.remaining == 0 && must_identify > 0 && !options.wait_for_session_start_limit) {
    return core::fail(core::ErrorCode::kUnavailable,
                      "shard manager: no session starts left (" + std::to_string(must_identify) +
                          " shard(s) must IDENTIFY; the limit "
                          "resets in " +
                          std::to_string(limit.reset_after.count() / 1000) + " s)");
  }

  std::unique_ptr<ShardManager> manager(new ShardManager());
  manager->options_ = options;
  manager->first_shard_ = first;
  manager->total_shards_ = shard_count;
  int threads = options.io_threads;
  if (threads == 0) {
    threads = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, run);
  }
  threads = std::min(threads, run);
  for (int i = 0; i < threads; ++i) manager->io_threads_.push_back(GatewayIoThread::create());
  manager->identify_queue_ = std::make_unique<IdentifyQueue>(
      core::SystemClock::instance(), limit.max_concurrency, options.identify_interval);
  manager->identify_queue_->set_session_start_limit(limit.total, limit.remaining,
                                                    limit.reset_after);
  ShardManager* self = manager.get();
  for (int id = first; id <= last; ++id) {
    GatewayClientOptions client;
    client.token = options.token;
    client.shard = options.shard;
    client.shard.shard_id = id;
    client.shard.shard_count = shard_count;
    client.shard.intents = options.intents;
    client.shard.gateway_url = info.url;
    client.shard.identify_queue = manager->identify_queue_.get();
    client.compress = options.compress;
    client.ca_file = options.ca_file;
    client.restore = restored[static_cast<std::size_t>(id - first)];
    client.io_thread = manager->io_threads_[static_cast<std::size_t>((id - first) % threads)];
    GatewayClient::DispatchFn dispatch;
    if (on_event) {
      dispatch = [on_event, id](const DispatchAction& event) { on_event(id, event); };
    }
    auto fatal = [self, on_fatal, id](const FatalAction& action) {
      {
        std::lock_guard lock(self->fatal_mutex_);
        self->fatal_.push_back(id);
      }
      if (on_fatal) on_fatal(id, action);
    };
    auto created = GatewayClient::create(std::move(client), std::move(dispatch), fatal);
    if (!created) return core::fail(created.error().with_context("shard " + std::to_string(id)));
    manager->clients_.push_back(std::move(*created));
  }
  return manager;
}

ShardManager::~ShardManager() { (void)stop(true); }

void ShardManager::start() {
  for (auto& client : clients_) client->start();
}

core::Result<std::vector<GatewaySession>> ShardManager::stop(bool keep_sessions) {
  std::lock_guard lock(stop_mutex_);
  if (stopped_) return final_sessions_;
  stopped_ = true;
  for (auto& client : clients_) client->request_stop(keep_sessions);
  for (auto& client : clients_) final_sessions_.push_back(client->stop(keep_sessions));
  if (!keep_sessions || options_.session_directory.empty()) return final_sessions_;
  std::optional<core::Error> first_error;
  std::error_code ec;
  std::filesystem::create_directories(options_.session_directory, ec);
  if (ec) {
    return core::fail(core::ErrorCode::kIo,
                      "cannot create " + options_.session_directory.string() + ": " + ec.message());
  }
  for (const auto& session : final_sessions_) {
    auto saved = save_session(session_file(options_.session_directory, session.shard_id), session);
    if (!saved && !first_error) first_error = saved.error();
  }
  if (first_error) return core::fail(*first_error);
  return final_sessions_;
}

GatewayClient& ShardManager::client(int shard_id) {
  CORE_CHECK(runs_shard(shard_id));
  return *clients_[static_cast<std::size_t>(shard_id - first_shard_)];
}

core::Status ShardManager::send(int shard_id, GatewayOp op, std::string_view data_json) {
  if (!runs_shard(shard_id)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "shard manager: no shard " + std::to_string(shard_id) + " (this runs " +
                          std::to_string(first_shard_) + "-" +
                          std::to_string(first_shard_ + shard_count() - 1) + ")");
  }
  return client(shard_id).send(op, data_json);
}

ShardState ShardManager::state(int shard_id) { return client(shard_id).state(); }
ShardCounters ShardManager::counters(int shard_id) { return client(shard_id).counters(); }

std::optional<std::chrono::microseconds> ShardManager::heartbeat_latency(int shard_id) {
  if (!runs_shard(shard_id)) return std::nullopt;
  const std::int64_t us = client(shard_id).counters().heartbeat_latency_us;
  if (us < 0) return std::nullopt;
  return std::chrono::microseconds(us);
}
GatewaySession ShardManager::session(int shard_id) { return client(shard_id).session(); }

std::vector<int> ShardManager::fatally_closed() {
  std::lock_guard lock(fatal_mutex_);
  return fatal_;
}

}  // namespace mikami
