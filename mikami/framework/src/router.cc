#include "mikami/framework/router.h"

#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <mutex>
#include <set>
#include <unordered_set>

#include "mikami/framework/checks.h"
#include "mikami/framework/guild_checks.h"
#include "user_gate.h"
#include "worker_pool.h"

namespace mikami::framework {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

constexpr std::uint64_t kEphemeralFlag = 1 << 6;
constexpr std::size_t kMaxContent = 2'000;
// How long an event may wait behind its guild's earlier ones (a handler stuck on Discord).
constexpr std::chrono::milliseconds kEventMaxWait{60'000};

std::string message_json(const Reply& reply, bool ephemeral) {
  json::object data{{"content", reply.content.substr(0, kMaxContent)},
                    {"allowed_mentions", {{"parse", json::array{}}}}};
  if (!reply.embeds_json.empty()) {
    boost::system::error_code ec;
    json::value embeds = json::parse(reply.embeds_json, ec);
    if (!ec && embeds.is_array()) data["embeds"] = std::move(embeds);
  }
  if (!reply.components_json.empty()) {
    boost::system::error_code ec;
    json::value rows = json::parse(reply.components_json, ec);
    if (!ec && rows.is_array()) data["components"] = std::move(rows);
  }
  if (ephemeral) data["flags"] = kEphemeralFlag;
  return json::serialize(data);
}

std::string choices_json(std::vector<Choice> choices) {
  if (choices.size() > 25) choices.resize(25);  // Discord's limit
  return json::serialize(json::object{{"choices", model::choices_to_json(choices)}});
}

std::string user_of(const model::Interaction& in) {
  const model::User* user = in.invoker();
  return user ? user->id.to_string() : std::string();
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string string_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// What analytics keeps of a gateway event: names and ids only, never content.
AnalyticsEvent gateway_event(std::string_view name, const json::value& data) {
  AnalyticsEvent event;
  event.event = std::string(name);
  if (!data.is_object()) return event;
  const json::object& d = data.as_object();
  event.guild_id = string_field(d, "guild_id");
  event.channel_id = string_field(d, "channel_id");
  const json::value* user = d.if_contains("author");  // MESSAGE_CREATE
  if (user == nullptr) user = d.if_contains("user");  // GUILD_MEMBER_ADD, _REMOVE, ...
  if (user != nullptr && user->is_object()) {
    event.user_id = string_field(user->as_object(), "id");
    const json::value* bot = user->as_object().if_contains("bot");
    event.user_is_bot = bot != nullptr && bot->is_bool() && bot->as_bool();
  }
  return event;
}

}  // namespace

struct Router::Impl {
  Impl(const Registry& r, BotStore& s, Replier& rep, BotServices& svc, Metrics& m,
       AnalyticsQueue& a, RouterOptions o)
      : registry(r),
        store(s),
        replier(rep),
        services(svc),
        metrics(m),
        analytics(a),
        options(std::move(o)),
        pool(options.workers),
        gate(pool, timers),
        event_order(pool, timers) {}

  // One interaction through the pipeline.
  struct Run {
    model::Interaction interaction;
    std::string user_id;  // the invoker's
    SteadyClock::time_point received_at;
    const Module* module = nullptr;
    std::string label;  // "/module enable"
  };

  void log(std::string_view level, const std::string& message) {
    if (options.log) {
      options.log(level, message);
    } else {
      std::fprintf(stderr, "%.*s %s\n", static_cast<int>(level.size()), level.data(),
                   message.c_str());
    }
  }

  void on_interaction(const json::value& data) {
    auto parsed = model::parse_interaction(data);
    if (!parsed) {
      metrics.add("mikami_interactions_malformed_total", {});
      log("warn", "dropped a malformed INTERACTION_CREATE: " + parsed.error().message());
      return;
    }
    if (draining.load()) return;  // not acknowledged: Discord shows the user a failure
    {
      std::lock_guard lock(mutex);
      // A resumed gateway session may replay an interaction already taken: it would act
      // twice where no idempotency key protects it (a refusal, once the state changed).
      if (!seen.insert(parsed->id.value()).second) {
        metrics.add("mikami_interactions_redelivered_total", {});
        return;
      }
      seen_order.push_back(parsed->id.value());
      if (seen_order.size() > kSeenInteractions) {
        seen.erase(seen_order.front());
        seen_order.pop_front();
      }
      ++in_flight;
    }
    replier.received(*parsed, declares_ephemeral(*parsed));
    auto run = std::make_shared<Run>();
    run->interaction = std::move(*parsed);
    run->user_id = user_of(run->interaction);
    run->received_at = SteadyClock::now();
    Impl* self = this;
    pool.post([self, run] { self->pipeline(run); });
  }

  // The reply visibility the interaction's command declares: a deferral must have it.
  bool declares_ephemeral(const model::Interaction& in) const {
    if (in.type != model::InteractionType::kApplicationCommand || !in.data) return false;
    const RegisteredCommand* command = registry.command(in.data->name);
    return command != nullptr && command->spec.ephemeral;
  }

  // Answers and accounts for one interaction; `release` (may be empty) runs once the
  // answer went out.
  void finish(const std::shared_ptr<Run>& run, const std::string& result, Answer answer,
              std::function<void()> release) {
    Impl* self = this;
    replier.answer(run->interaction, std::move(answer),
                   [self, run, result, release = std::move(release)](bool ok, std::string error) {
                     if (!ok) {
                       self->log("warn", "answer to " + run->label + " (interaction " +
                                             run->interaction.id.to_string() +
                                             ") failed: " + error);
                     }
                     if (release) release();
                     self->account(*run, ok ? result : result + "_undelivered");
                   });
  }

  void account(const Run& run, const std::string& result) {
    const auto latency = SteadyClock::now() - run.received_at;
    metrics.add("mikami_commands_total", {{"command", run.label}, {"result", result}});
    metrics.observe("mikami_pipeline_seconds", {}, latency);
    AnalyticsEvent event;
    event.command = run.label;
    event.module = run.module ? run.module->name() : "";
    event.guild_id = run.interaction.in_guild() ? run.interaction.guild_id.to_string() : "";
    event.user_id = run.user_id;
    event.result = result;
    event.latency = std::chrono::duration_cast<std::chrono::microseconds>(latency);
    analytics.record(std::move(event));
    std::lock_guard lock(mutex);
    --in_flight;
    drained.notify_all();
  }

  void refuse(const std::shared_ptr<Run>& run, const std::string& result,
              const std::string& message) {
    Reply reply;
    reply.content = message;
    finish(run, result, Answer{AnswerType::kMessage, message_json(reply, true)}, nullptr);
  }

  std::string failure_message(const std::string& what) {
    const std::uint64_t id = next_error_id.fetch_add(1) + 1;
    log("error", what + " (error id " + std::to_string(id) + ")");
    return "something went wrong (error id " + std::to_string(id) + ")";
  }

  bool module_enabled(const Module& module, model::GuildId guild_id, std::string& error) {
    if (!module.can_be_disabled() || !guild_id.is_set()) return true;
    auto enabled = store.module_enabled(guild_id.to_string(), module.name());
    if (!enabled) {
      error = failure_message("reading module settings: " + enabled.error().message());
      return false;
    }
    return enabled->value_or(module.enabled_by_default());
  }

  void pipeline(const std::shared_ptr<Run>& run) {
    const model::Interaction& in = run->interaction;
    switch (in.type) {
      case model::InteractionType::kApplicationCommand:
      case model::InteractionType::kApplicationCommandAutocomplete:
        return command(run);
      case model::InteractionType::kMessageComponent:
        return component(run);
      default:
        run->label = "interaction type " + std::to_string(static_cast<int>(in.type));
        return refuse(run, "unsupported", "this kind of interaction is not supported");
    }
  }

  void command(const std::shared_ptr<Run>& run) {
    const model::Interaction& in = run->interaction;
    const model::InteractionData& data = *in.data;  // parse_interaction requires it here
    run->label = "/" + data.name;
    for (std::string_view part : data.subcommand_path()) run->label += " " + std::string(part);
    // resolve
    const RegisteredCommand* command = registry.command(data.name);
    if (command == nullptr) {
      return refuse(run, "unknown_command", "unknown command /" + data.name);
    }
    run->module = command->module;
    const CommandSpec& spec = command->spec;
    std::string error;
    if (!module_enabled(*command->module, in.guild_id, error)) {
      if (!error.empty()) return refuse(run, "error", error);
      return refuse(run, "module_disabled",
                    "the " + command->module->name() +
                        " module is disabled in this server (an admin can turn it on with "
                        "/module enable name:" +
                        command->module->name() + ")");
    }
    // validate
    if (auto invalid = validate_options(spec, in)) return refuse(run, "invalid_option", *invalid);
    if (in.type == model::InteractionType::kApplicationCommandAutocomplete) {
      return autocomplete(run, *command);
    }
    // checks: what the interaction carries first, the guild cache for the rest
    if (auto denied = check_user_permissions(spec, in)) {
      return refuse(run, "missing_permissions", *denied);
    }
    if (guild_checks(run, spec)) return;
    if (spec.cooldown.count() > 0) {
      auto left = store.take_cooldown(spec.name + ":" + run->user_id,
                                      std::chrono::system_clock::now(), spec.cooldown);
      if (!left) return refuse(run, "error", failure_message(left.error().message()));
      if (*left) {
        const auto seconds = ((*left)->count() + 999) / 1000;
        return refuse(
            run, "cooldown",
            "slow down: you can use /" + spec.name + " again in " + std::to_string(seconds) + " s");
      }
    }
    // per-user lock, then the handler
    locked(
        run, [this, command](CommandContext& ctx) { return command->spec.handler(ctx); },
        spec.ephemeral, AnswerType::kMessage);
  }

  // The bot's permissions and the role hierarchy; true when it refused.
  bool guild_checks(const std::shared_ptr<Run>& run, const CommandSpec& spec) {
    const model::Interaction& in = run->interaction;
    const bool needs_bot_permissions = !spec.bot_permissions.empty() && in.in_guild();
    const bool needs_hierarchy = !spec.target_member_option.empty() && in.in_guild();
    if (!needs_bot_permissions && !needs_hierarchy) return false;
    cache::GuildCache* cache = services.guild_cache(in.guild_id);
    model::UserId bot;
    // The bot's own id is needed unless the interaction carries all that is checked.
    if (needs_hierarchy || !in.app_permissions) {
      auto me = services.bot_user();
      if (!me) return unavailable(run, "the bot's user", me.error());
      bot = *me;
    }
    if (needs_bot_permissions) {
      auto have = bot_permissions(in, cache, bot, now_ms());
      if (!have) return unavailable(run, "the bot's permissions", have.error());
      if (auto denied = check_bot_permissions(spec, *have)) {
        refuse(run, "bot_missing_permissions", *denied);
        return true;
      }
    }
    if (needs_hierarchy) {
      auto verdict = check_hierarchy(spec, in, cache, bot);
      if (!verdict) return unavailable(run, "the role hierarchy", verdict.error());
      if (*verdict) {
        refuse(run, "hierarchy", **verdict);
        return true;
      }
    }
    return false;
  }

  bool unavailable(const std::shared_ptr<Run>& run, const std::string& what,
                   const core::Error& error) {
    log("warn", run->label + ": cannot check " + what + ": " + error.message());
    refuse(run, "check_unavailable", "cannot check " + what + " right now; try again in a moment");
    return true;
  }

  void autocomplete(const std::shared_ptr<Run>& run, const RegisteredCommand& command) {
    // No lock: it fires on every keystroke and may only answer with choices.
    std::vector<Choice> choices;
    if (command.spec.autocomplete) {
      AutocompleteContext ctx(run->interaction, &command, store, registry, services);
      try {
        choices = command.spec.autocomplete(ctx);
      } catch (const std::exception& e) {
        log("error", "autocomplete of " + run->label + " threw: " + e.what());
      }
    }
    finish(run, "ok", Answer{AnswerType::kAutocomplete, choices_json(choices)}, nullptr);
  }

  void component(const std::shared_ptr<Run>& run) {
    const model::Interaction& in = run->interaction;
    const std::string& custom_id = in.data->custom_id;
    const RegisteredComponent* component = registry.component(custom_id);
    run->label = "component " + (component ? component->spec.custom_id_prefix : custom_id);
    if (component == nullptr)
      return refuse(run, "unknown_component", "this button is no longer in use");
    run->module = component->module;
    std::string error;
    if (!module_enabled(*component->module, in.guild_id, error)) {
      return refuse(run, error.empty() ? "module_disabled" : "error",
                    error.empty()
                        ? "the " + component->module->name() + " module is disabled in this server"
                        : error);
    }
    locked(
        run, [component](CommandContext& ctx) { return component->spec.handler(ctx); }, false,
        AnswerType::kUpdateMessage);
  }

  void locked(const std::shared_ptr<Run>& run, std::function<Reply(CommandContext&)> handler,
              bool ephemeral, AnswerType type) {
    Impl* self = this;
    const std::string user = run->user_id;
    gate.submit(
        user, options.lock_wait,
        [self, run, handler = std::move(handler), ephemeral, type](
            UserGate::Release release, std::chrono::nanoseconds waited) {
          if (waited.count() > 0) self->metrics.observe("mikami_lock_wait_seconds", {}, waited);
          self->execute(run, handler, ephemeral, type, std::move(release));
        },
        [self, run] {
          self->metrics.add("mikami_lock_timeouts_total", {});
          self->refuse(run, "busy", "still working on your last command; try again in a moment");
        });
  }

  void execute(const std::shared_ptr<Run>& run,
               const std::function<Reply(CommandContext&)>& handler, bool ephemeral,
               AnswerType type, UserGate::Release release) {
    // Whoever answers first (the handler or its deadline) answers and releases the lock.
    auto answered = std::make_shared<std::atomic<bool>>(false);
    auto shared_release = std::make_shared<UserGate::Release>(std::move(release));
    Impl* self = this;
    const std::uint64_t timer = timers.schedule(
        SteadyClock::now() + options.handler_deadline, [self, run, answered, shared_release] {
          if (answered->exchange(true)) return;
          self->metrics.add("mikami_handler_timeouts_total", {});
          Reply reply;
          reply.content =
              self->failure_message(run->label + " did not finish within " +
                                    std::to_string(self->options.handler_deadline.count()) + " ms");
          self->finish(run, "timeout", Answer{AnswerType::kMessage, message_json(reply, true)},
                       [shared_release] { (*shared_release)(); });
        });
    const RegisteredCommand* command =
        run->interaction.type == model::InteractionType::kMessageComponent
            ? nullptr
            : registry.command(run->interaction.data->name);
    CommandContext ctx(run->interaction, command, store, registry, services);
    std::string result = "ok";
    Reply reply;
    try {
      reply = handler(ctx);
    } catch (const std::exception& e) {
      result = "error";
      reply = Reply{failure_message(run->label + " failed: " + e.what()), "", true};
    } catch (...) {
      result = "error";
      reply =
          Reply{failure_message(run->label + " failed with a non-standard exception"), "", true};
    }
    if (result == "ok" && !reply.refusal.empty()) result = reply.refusal;
    if (answered->exchange(true)) return;  // the deadline answered; this reply is late
    timers.cancel(timer);
    const bool is_ephemeral = reply.ephemeral.value_or(ephemeral);
    finish(run, result, Answer{type, message_json(reply, is_ephemeral)},
           [shared_release] { (*shared_release)(); });
  }

  // Runs `task` on a worker now, then every task.every after each run ends (never two at
  // once). Stops with the router: a drain schedules no further run.
  void start_task(TaskSpec task) {
    auto shared = std::make_shared<const TaskSpec>(std::move(task));
    pool.post([this, shared] { run_task(shared); });
  }
  void run_task(const std::shared_ptr<const TaskSpec>& task) {
    if (draining.load()) return;
    try {
      task->run(store, services);
    } catch (const std::exception& e) {
      log("error", "task " + task->name + " threw: " + e.what());
    }
    if (draining.load()) return;
    timers.schedule(SteadyClock::now() + task->every,
                    [this, task] { pool.post([this, task] { run_task(task); }); });
  }

  // Joins the workers (after a drain none is busy, except a handler past its deadline)
  // and the timer thread before any member goes.
  ~Impl() {
    pool.shutdown();
    timers.shutdown();
    std::lock_guard lock(mutex);  // the last answer callback has left it
  }

  const Registry& registry;
  BotStore& store;
  Replier& replier;
  BotServices& services;
  Metrics& metrics;
  AnalyticsQueue& analytics;
  RouterOptions options;
  TimerQueue timers;
  WorkerPool pool;
  UserGate gate;
  // Events of one guild reach its subscribers one at a time, in the order they came (an
  // audit-log entry's case number follows Discord's order); guilds run in parallel.
  UserGate event_order;
  // The gateway events some module observes (Module::observed_events); set before any comes.
  std::set<std::string, std::less<>> observed;
  std::atomic<bool> draining{false};
  std::atomic<std::uint64_t> next_error_id{0};
  std::mutex mutex;
  std::condition_variable drained;
  std::uint64_t in_flight = 0;  // guarded by mutex
  // The ids of the latest interactions taken, to drop a redelivered one (more than can
  // arrive within an interaction's 15 minutes at any rate a shard group sees).
  static constexpr std::size_t kSeenInteractions = 1 << 16;
  std::unordered_set<std::uint64_t> seen;  // guarded by mutex
  std::deque<std::uint64_t> seen_order;    // guarded by mutex
};

Router::Router(const Registry& registry, BotStore& store, Replier& replier, BotServices& services,
               Metrics& metrics, AnalyticsQueue& analytics, RouterOptions options)
    : impl_(std::make_unique<Impl>(registry, store, replier, services, metrics, analytics,
                                   std::move(options))) {
  metrics.describe("mikami_commands_total", "Interactions handled, by command and result.");
  metrics.describe("mikami_pipeline_seconds",
                   "From INTERACTION_CREATE received to the answer accepted by Discord.");
  metrics.describe("mikami_lock_wait_seconds", "Time a command waited for its user's lock.");
  metrics.describe(
      "mikami_events_dropped_total",
      "Gateway events dropped after waiting too long behind their guild's earlier ones.");
  for (const auto& module : registry.modules()) {
    for (std::string& name : module->observed_events()) impl_->observed.insert(std::move(name));
    for (TaskSpec& task : module->tasks()) impl_->start_task(std::move(task));
  }
  metrics.describe("mikami_lock_waits_total", "Commands that waited for their user's lock.");
  metrics.describe("mikami_lock_active_users", "Users with a command running or waiting.");
  metrics.add_collector([gate = &impl_->gate](auto& counters, auto& gauges) {
    counters.push_back({"mikami_lock_waits_total", {}, static_cast<double>(gate->waits())});
    gauges.push_back({"mikami_lock_active_users", {}, static_cast<double>(gate->active_users())});
  });
}

Router::~Router() { (void)drain(std::chrono::milliseconds(5'000)); }

void Router::on_dispatch(std::string_view event_name, const boost::json::value& data_value) {
  if (event_name == "INTERACTION_CREATE") {
    impl_->on_interaction(data_value);
    return;
  }
  if (impl_->draining.load()) return;
  // Counted first and never waited for: a full queue drops it (and counts the drop).
  if (impl_->observed.contains(event_name)) {
    impl_->analytics.record(gateway_event(event_name, data_value));
  }
  auto subscribers = impl_->registry.subscribers(std::string(event_name));
  if (subscribers.empty()) return;
  // A copy in the default storage: the dispatch's own may be an arena of the shard's thread.
  auto data = std::make_shared<const json::value>(data_value, json::storage_ptr());
  const json::value* guild =
      data->is_object() ? data->as_object().if_contains("guild_id") : nullptr;
  const std::string order_key =
      guild != nullptr && guild->is_string() ? std::string(guild->as_string()) : std::string();
  Impl* self = impl_.get();
  impl_->event_order.submit(
      order_key, kEventMaxWait,
      [self, subscribers = std::move(subscribers), data](UserGate::Release release,
                                                         std::chrono::nanoseconds) {
        for (const EventSpec* spec : subscribers) {
          try {
            if (spec->handler_with_services) {
              spec->handler_with_services(*data, self->store, self->services);
            } else if (spec->handler) {
              spec->handler(*data);
            }
          } catch (const std::exception& e) {
            self->log("error", "event handler for " + spec->event_name + " threw: " + e.what());
          }
        }
        release();
      },
      [self, name = std::string(event_name)] {
        self->metrics.add("mikami_events_dropped_total", {});
        self->log(
            "error",
            "a " + name + " event waited too long behind its guild's earlier ones and was dropped");
      });
}

bool Router::drain(std::chrono::milliseconds timeout) {
  impl_->draining = true;
  std::unique_lock lock(impl_->mutex);
  return impl_->drained.wait_for(lock, timeout, [&] { return impl_->in_flight == 0; });
}

std::uint64_t Router::in_flight() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->in_flight;
}

}  // namespace mikami::framework
