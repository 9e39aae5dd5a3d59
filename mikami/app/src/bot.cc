#include "mikami/app/bot.h"

#include <boost/json.hpp>
#include <condition_variable>
#include <map>
#include <mutex>

#include "core/clock.h"
#include "mikami/app/local_http.h"
#include "mikami/bot_store.h"
#include "mikami/framework/analytics.h"
#include "mikami/framework/command_sync.h"
#include "mikami/framework/registry.h"
#include "mikami/framework/replier.h"
#include "mikami/framework/router.h"
#include "mikami/interaction_responder.h"
#include "mikami/model/guild.h"
#include "mikami/rest_client.h"
#include "mikami/shard_manager.h"
#include "services.h"

namespace mikami::app {
namespace {

namespace json = boost::json;
using framework::Metrics;

}  // namespace

struct Bot::Impl {
  AppConfig config;
  Logger* logger = nullptr;
  Metrics metrics;
  std::unique_ptr<BotStore> store;
  std::unique_ptr<framework::Registry> registry;
  std::unique_ptr<RestClient> rest;
  std::unique_ptr<RestInteractionSender> sender;
  std::unique_ptr<InteractionResponder> responder;
  std::unique_ptr<framework::ResponderReplier> replier;
  std::unique_ptr<framework::AnalyticsQueue> analytics;
  std::unique_ptr<Services> services;
  std::unique_ptr<framework::Router> router;
  std::unique_ptr<ShardManager> shards;
  std::unique_ptr<MetricsServer> metrics_server;

  std::mutex mutex;
  std::condition_variable ready_changed;
  std::string application_id;  // guarded by mutex; from READY
  bool resumed = false;        // guarded by mutex; a shard resumed (no READY to come)
  bool fatal = false;          // guarded by mutex
  std::string fatal_message;   // guarded by mutex
  bool stopped = false;

  // On the shard's thread: the gateway's parsed `d` feeds the cache (the model's typed
  // event) and the router (which parses interactions with the model from the same value).
  void on_event(int shard_id, const DispatchAction& event) {
    metrics.add("mikami_gateway_events_total", {{"shard", std::to_string(shard_id)}});
    const json::value& d = event.data;
    if (event.event_name != "INTERACTION_CREATE") ingest(shard_id, event.event_name, d);
    if (event.event_name == "RESUMED") {
      std::lock_guard lock(mutex);
      resumed = true;
      ready_changed.notify_all();
    }
    router->on_dispatch(event.event_name, d);
  }

  void ingest(int shard_id, const std::string& event_name, const json::value& d) {
    auto parsed = model::parse_event(event_name, d);
    if (!parsed) {
      metrics.add("mikami_gateway_events_malformed_total", {{"shard", std::to_string(shard_id)}});
      logger->warn("dropped a malformed " + event_name + ": " + parsed.error().message());
      return;
    }
    if (const auto* ready = std::get_if<model::ReadyEvent>(&*parsed)) {
      services->set_bot_user(ready->user.id);
      {
        std::lock_guard lock(mutex);
        application_id = ready->application_id.to_string();
      }
      ready_changed.notify_all();
      logger->info("shard " + std::to_string(shard_id) + " is ready");
    }
    if (cache::GuildCache* cache = services->shard_cache(shard_id)) cache->apply(*parsed);
  }

  void on_fatal(int shard_id, const FatalAction& fatal_action) {
    logger->error("shard " + std::to_string(shard_id) + " closed for good (" +
                  std::to_string(fatal_action.code) + "): " + fatal_action.message);
    std::lock_guard lock(mutex);
    fatal = true;
    fatal_message = fatal_action.message;
    ready_changed.notify_all();
  }

  void add_collectors() {
    for (const auto& [name, help] : std::initializer_list<std::pair<const char*, const char*>>{
             {"mikami_rest_requests_total", "REST requests sent to Discord."},
             {"mikami_rest_429_total", "REST answers of 429 (rate limited), by scope."},
             {"mikami_rest_retries_total", "REST requests retried after a 5xx or network error."},
             {"mikami_gateway_connects_total", "Gateway connections opened, by shard."},
             {"mikami_gateway_resumes_total", "Gateway sessions resumed, by shard."},
             {"mikami_gateway_identifies_total", "Gateway sessions identified anew, by shard."},
             {"mikami_gateway_heartbeat_latency_seconds", "Last heartbeat round trip, by shard."},
             {"mikami_cache_guilds", "Guilds in the cache, by shard."},
             {"mikami_cache_channels", "Channels in the cache, by shard."},
             {"mikami_cache_roles", "Roles in the cache, by shard."},
             {"mikami_cache_members", "Members in the cache, by shard."},
             {"mikami_cache_fetches_total", "Cache misses fetched over REST, by shard."},
             {"mikami_interactions_deferred_total", "Interactions answered with a deferral first."},
             {"mikami_interaction_answers_failed_total", "Interaction answers Discord refused."},
             {"mikami_interactions_tracked", "Interactions awaiting their final answer."},
             {"mikami_analytics_queue_depth", "Events waiting in the analytics queue."},
             {"mikami_analytics_dropped_total", "Events the full analytics queue dropped."},
             {"mikami_analytics_events_total", "Events the analytics queue delivered, by module."},
             {"mikami_gateway_events_total", "Gateway dispatches received, by shard."},
         }) {
      metrics.describe(name, help);
    }
    metrics.add_collector([this](auto& counters, auto& gauges) {
      const SchedulerCounters rest_counters = rest->counters();
      counters.push_back({"mikami_rest_requests_total", {}, double(rest_counters.granted)});
      counters.push_back({"mikami_rest_429_total",
                          {{"scope", "route"}},
                          double(rest_counters.rate_limited - rest_counters.rate_limited_global -
                                 rest_counters.rate_limited_shared)});
      counters.push_back({"mikami_rest_429_total",
                          {{"scope", "global"}},
                          double(rest_counters.rate_limited_global)});
      counters.push_back({"mikami_rest_429_total",
                          {{"scope", "shared"}},
                          double(rest_counters.rate_limited_shared)});
      counters.push_back(
          {"mikami_rest_retries_total",
           {},
           double(rest_counters.server_error_retries + rest_counters.network_error_retries)});
      if (shards) {
        for (int i = shards->first_shard(); i < shards->first_shard() + shards->shard_count();
             ++i) {
          const ShardCounters c = shards->counters(i);
          const framework::Labels shard = {{"shard", std::to_string(i)}};
          counters.push_back({"mikami_gateway_connects_total", shard, double(c.connects)});
          counters.push_back({"mikami_gateway_resumes_total", shard, double(c.resumed)});
          counters.push_back({"mikami_gateway_identifies_total", shard, double(c.identifies)});
          if (c.heartbeat_latency_us >= 0) {
            gauges.push_back(
                {"mikami_gateway_heartbeat_latency_seconds", shard, c.heartbeat_latency_us / 1e6});
          }
        }
      }
      for (std::size_t i = 0; i < services->caches().size(); ++i) {
        const cache::CacheStats s = services->caches()[i]->stats();
        const framework::Labels cache = {
            {"shard", std::to_string(services->first_shard() + int(i))}};
        gauges.push_back({"mikami_cache_guilds", cache, double(s.guilds)});
        gauges.push_back({"mikami_cache_channels", cache, double(s.channels)});
        gauges.push_back({"mikami_cache_roles", cache, double(s.roles)});
        gauges.push_back({"mikami_cache_members", cache, double(s.members)});
        counters.push_back({"mikami_cache_fetches_total", cache, double(s.fetches)});
      }
      const ResponderCounters r = responder->counters();
      counters.push_back({"mikami_interactions_deferred_total", {}, double(r.deferred)});
      counters.push_back({"mikami_interaction_answers_failed_total", {}, double(r.failed)});
      gauges.push_back({"mikami_interactions_tracked", {}, double(responder->tracked())});
      gauges.push_back({"mikami_analytics_queue_depth", {}, double(analytics->depth())});
      counters.push_back({"mikami_analytics_dropped_total", {}, double(analytics->dropped())});
    });
    // The modules' own figures, read from their tables (analytics' rollups per guild).
    metrics.add_collector([this](auto& counters, auto& gauges) {
      for (const auto& module : registry->modules()) {
        module->collect_metrics(*store, counters, gauges);
      }
    });
  }
};

Bot::Bot(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Bot::~Bot() { (void)shutdown(); }

core::Result<std::unique_ptr<Bot>> Bot::start(
    const AppConfig& config, const std::string& token, Logger& logger,
    std::vector<std::unique_ptr<framework::Module>> modules) {
  auto impl = std::make_unique<Impl>();
  Impl& b = *impl;
  b.config = config;
  b.logger = &logger;
  logger.add_secret(token);
  auto store = BotStore::open(config.store_path);
  CORE_RETURN_IF_ERROR(store);
  b.store = std::move(*store);
  for (const auto& module : modules) {
    if (auto status = b.store->migrate(module->name(), module->migrations()); !status) {
      return core::fail(status.error().with_context("module " + module->name()));
    }
  }
  auto registry = framework::Registry::create(std::move(modules));
  CORE_RETURN_IF_ERROR(registry);
  b.registry = std::move(*registry);
  RestOptions rest_options;
  rest_options.base_url = config.api_url;
  rest_options.token = token;
  rest_options.ca_file = config.ca_file;
  auto rest = RestClient::create(rest_options);
  CORE_RETURN_IF_ERROR(rest);
  b.rest = std::move(*rest);
  b.sender = std::make_unique<RestInteractionSender>(*b.rest);
  b.responder = std::make_unique<InteractionResponder>(*b.sender, core::SystemClock::instance());
  b.replier = std::make_unique<framework::ResponderReplier>(*b.responder);
  Metrics* metrics = &b.metrics;
  b.analytics = std::make_unique<framework::AnalyticsQueue>(
      config.analytics_queue, [metrics, registry = b.registry.get(),
                               store = b.store.get()](const framework::AnalyticsEvent& event) {
        metrics->add("mikami_analytics_events_total",
                     {{"module", event.event.empty() ? event.module : "gateway"}});
        for (const auto& module : registry->modules()) module->observe(event, *store);
      });
  b.services = std::make_unique<Services>(*b.rest, cache::CacheOptions{});
  framework::RouterOptions router_options;
  router_options.workers = config.workers;
  router_options.lock_wait = config.lock_wait;
  router_options.handler_deadline = config.handler_deadline;
  router_options.log = [&logger](std::string_view level, std::string_view message) {
    logger.log(level, message);
  };
  b.router = std::make_unique<framework::Router>(*b.registry, *b.store, *b.replier, *b.services,
                                                 b.metrics, *b.analytics, router_options);
  b.add_collectors();
  if (!config.metrics_listen.empty()) {
    auto server =
        MetricsServer::start(config.metrics_listen, [metrics] { return metrics->render(); });
    if (server) {
      b.metrics_server = std::move(*server);
      logger.info("metrics on http://" +
                  config.metrics_listen.substr(0, config.metrics_listen.rfind(':')) + ":" +
                  std::to_string(b.metrics_server->port()) + "/metrics");
    } else {
      logger.warn(server.error().message() + "; continuing without metrics");
    }
  }
  ShardManagerOptions shard_options;
  shard_options.token = token;
  shard_options.intents = config.intents;
  shard_options.shard_count = config.shard_count;
  shard_options.first_shard = config.first_shard;
  shard_options.last_shard = config.last_shard;
  shard_options.ca_file = config.ca_file;
  shard_options.session_directory = config.session_directory;
  Impl* raw = impl.get();
  auto shards = ShardManager::connect(
      shard_options, *b.rest,
      [raw](int shard_id, const DispatchAction& event) { raw->on_event(shard_id, event); },
      [raw](int shard_id, const FatalAction& fatal) { raw->on_fatal(shard_id, fatal); });
  if (!shards) return core::fail(shards.error().with_context("connecting to the gateway"));
  b.shards = std::move(*shards);
  b.services->attach(*b.shards, b.shards->first_shard(), b.shards->total_shard_count());
  b.shards->start();
  logger.info("connecting " + std::to_string(b.shards->shard_count()) +
              " shard(s); modules: " + std::to_string(b.registry->modules().size()) +
              ", commands: " + std::to_string(b.registry->commands().size()));
  return std::unique_ptr<Bot>(new Bot(std::move(impl)));
}

core::Status Bot::wait_ready(std::chrono::milliseconds timeout) {
  Impl& b = *impl_;
  std::string application_id;
  {
    std::unique_lock lock(b.mutex);
    if (!b.ready_changed.wait_for(
            lock, timeout, [&] { return !b.application_id.empty() || b.resumed || b.fatal; })) {
      return core::fail(core::ErrorCode::kUnavailable, "no READY from the gateway within " +
                                                           std::to_string(timeout.count()) + " ms");
    }
    if (b.fatal) return core::fail(core::ErrorCode::kUnavailable, b.fatal_message);
    application_id = b.application_id;
  }
  if (application_id.empty()) {
    // Resumed: READY (and its application) is not replayed.
    auto application = b.services->application_id();
    if (!application) return core::fail(application.error().with_context("after a resume"));
    application_id = application->to_string();
  }
  if (!b.config.sync_commands) return core::ok_status();
  auto outcome = framework::sync_commands(*b.rest, application_id, b.config.commands_guild_id,
                                          b.registry->definitions());
  if (!outcome) return core::fail(outcome.error().with_context("command sync"));
  b.logger->info(*outcome == framework::SyncOutcome::kUnchanged
                     ? "commands unchanged; sync skipped"
                     : "commands registered (" + std::to_string(b.registry->commands().size()) +
                           ")");
  return core::ok_status();
}

bool Bot::shutdown() {
  Impl& b = *impl_;
  if (b.stopped) return true;
  b.stopped = true;
  b.logger->info("stopping: finishing the commands in flight");
  const bool drained = b.router->drain(b.config.drain_timeout);
  if (!drained) {
    b.logger->warn(std::to_string(b.router->in_flight()) +
                   " command(s) still running at the drain deadline");
  }
  b.analytics->flush();
  if (b.shards) {
    auto sessions = b.shards->stop(true);
    if (!sessions) b.logger->warn("saving sessions: " + sessions.error().message());
  }
  b.logger->info("stopped");
  return drained;
}

framework::Metrics& Bot::metrics() { return impl_->metrics; }

std::uint16_t Bot::metrics_port() const {
  return impl_->metrics_server ? impl_->metrics_server->port() : 0;
}

}  // namespace mikami::app
