#include "mikami/framework/router.h"

#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>

#include "mikami/framework/checks.h"
#include "user_gate.h"
#include "worker_pool.h"

namespace mikami::framework {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

constexpr std::uint64_t kEphemeralFlag = 1 << 6;
constexpr std::size_t kMaxContent = 2'000;

std::string message_json(const Reply& reply, bool ephemeral) {
  json::object data{{"content", reply.content.substr(0, kMaxContent)},
                    {"allowed_mentions", {{"parse", json::array{}}}}};
  if (!reply.embeds_json.empty()) {
    boost::system::error_code ec;
    json::value embeds = json::parse(reply.embeds_json, ec);
    if (!ec && embeds.is_array()) data["embeds"] = std::move(embeds);
  }
  if (ephemeral) data["flags"] = kEphemeralFlag;
  return json::serialize(data);
}

std::string choices_json(const std::vector<Choice>& choices) {
  json::array out;
  for (std::size_t i = 0; i < choices.size() && i < 25; ++i) {
    json::value value;
    if (const auto* s = std::get_if<std::string>(&choices[i].value)) value = *s;
    if (const auto* n = std::get_if<std::int64_t>(&choices[i].value)) value = *n;
    if (const auto* d = std::get_if<double>(&choices[i].value)) value = *d;
    out.push_back(json::object{{"name", choices[i].name}, {"value", value}});
  }
  return json::serialize(json::object{{"choices", out}});
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
        gate(pool, timers) {}

  // One interaction through the pipeline.
  struct Run {
    Interaction interaction;
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
    auto parsed = parse_interaction(data);
    if (!parsed) {
      metrics.add("mikami_interactions_malformed_total", {});
      log("warn", "dropped a malformed INTERACTION_CREATE: " + parsed.error().message());
      return;
    }
    if (draining.load()) return;  // not acknowledged: Discord shows the user a failure
    {
      std::lock_guard lock(mutex);
      ++in_flight;
    }
    replier.received(*parsed, declares_ephemeral(*parsed));
    auto run = std::make_shared<Run>();
    run->interaction = std::move(*parsed);
    run->received_at = SteadyClock::now();
    Impl* self = this;
    pool.post([self, run] { self->pipeline(run); });
  }

  // The reply visibility the interaction's command declares: a deferral must have it.
  bool declares_ephemeral(const Interaction& in) const {
    if (in.type != InteractionType::kApplicationCommand) return false;
    const RegisteredCommand* command = registry.command(in.command_name);
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
                                             run->interaction.id + ") failed: " + error);
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
    event.guild_id = run.interaction.guild_id;
    event.user_id = run.interaction.user_id;
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

  bool module_enabled(const Module& module, const std::string& guild_id, std::string& error) {
    if (!module.can_be_disabled() || guild_id.empty()) return true;
    auto enabled = store.module_enabled(guild_id, module.name());
    if (!enabled) {
      error = failure_message("reading module settings: " + enabled.error().message());
      return false;
    }
    return enabled->value_or(module.enabled_by_default());
  }

  void pipeline(const std::shared_ptr<Run>& run) {
    const Interaction& in = run->interaction;
    switch (in.type) {
      case InteractionType::kApplicationCommand:
      case InteractionType::kAutocomplete:
        return command(run);
      case InteractionType::kMessageComponent:
        return component(run);
      default:
        run->label = "interaction type " + std::to_string(static_cast<int>(in.type));
        return refuse(run, "unsupported", "this kind of interaction is not supported");
    }
  }

  void command(const std::shared_ptr<Run>& run) {
    const Interaction& in = run->interaction;
    run->label = "/" + in.command_name;
    for (const auto& part : in.subcommand_path) run->label += " " + part;
    // resolve
    const RegisteredCommand* command = registry.command(in.command_name);
    if (command == nullptr) {
      return refuse(run, "unknown_command", "unknown command /" + in.command_name);
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
    if (in.type == InteractionType::kAutocomplete) return autocomplete(run, *command);
    // checks
    if (auto denied = check_user_permissions(spec, in)) {
      return refuse(run, "missing_permissions", *denied);
    }
    if (auto denied = check_bot_permissions(spec, in)) {
      return refuse(run, "bot_missing_permissions", *denied);
    }
    if (auto denied = check_hierarchy(spec, in)) return refuse(run, "hierarchy", *denied);
    if (spec.cooldown.count() > 0) {
      auto left = store.take_cooldown(spec.name + ":" + in.user_id,
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

  std::optional<std::string> check_hierarchy(const CommandSpec& spec, const Interaction& in) {
    if (spec.target_member_option.empty()) return std::nullopt;
    std::optional<std::string> target;
    for (const auto& o : in.options) {
      if (o.name == spec.target_member_option) {
        if (const auto* s = std::get_if<std::string>(&o.value)) target = *s;
      }
    }
    if (!target) return std::nullopt;
    if (*target == in.user_id) return "you cannot use /" + spec.name + " on yourself";
    auto member = in.resolved_members.find(*target);
    if (member == in.resolved_members.end()) return std::nullopt;  // not a member: nothing above
    const int target_top = services.top_role_position(in.guild_id, member->second.role_ids);
    const int invoker_top = services.top_role_position(in.guild_id, in.member_role_ids);
    const int bot_top = services.top_role_position(in.guild_id, services.bot_role_ids(in.guild_id));
    if (target_top < 0 || invoker_top < 0 || bot_top < 0) {
      return "cannot check the role hierarchy right now; try again in a moment";
    }
    if (!(in.member_permissions & permission::kAdministrator) && invoker_top <= target_top) {
      return "you can only use /" + spec.name + " on members below your highest role";
    }
    if (bot_top <= target_top) return "that member's highest role is not below mine";
    return std::nullopt;
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
    const Interaction& in = run->interaction;
    const RegisteredComponent* component = registry.component(in.custom_id);
    run->label = "component " + (component ? component->spec.custom_id_prefix : in.custom_id);
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
    const std::string user = run->interaction.user_id;
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
    const RegisteredCommand* command = run->interaction.type == InteractionType::kMessageComponent
                                           ? nullptr
                                           : registry.command(run->interaction.command_name);
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
    if (answered->exchange(true)) return;  // the deadline answered; this reply is late
    timers.cancel(timer);
    const bool is_ephemeral = reply.ephemeral.value_or(ephemeral);
    finish(run, result, Answer{type, message_json(reply, is_ephemeral)},
           [shared_release] { (*shared_release)(); });
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
  std::atomic<bool> draining{false};
  std::atomic<std::uint64_t> next_error_id{0};
  std::mutex mutex;
  std::condition_variable drained;
  std::uint64_t in_flight = 0;  // guarded by mutex
};

Router::Router(const Registry& registry, BotStore& store, Replier& replier, BotServices& services,
               Metrics& metrics, AnalyticsQueue& analytics, RouterOptions options)
    : impl_(std::make_unique<Impl>(registry, store, replier, services, metrics, analytics,
                                   std::move(options))) {
  metrics.describe("mikami_commands_total", "Interactions handled, by command and result.");
  metrics.describe("mikami_pipeline_seconds",
                   "From INTERACTION_CREATE received to the answer accepted by Discord.");
  metrics.describe("mikami_lock_wait_seconds", "Time a command waited for its user's lock.");
  metrics.add_collector([gate = &impl_->gate](auto& counters, auto& gauges) {
    counters.push_back({"mikami_lock_waits_total", {}, static_cast<double>(gate->waits())});
    gauges.push_back({"mikami_lock_active_users", {}, static_cast<double>(gate->active_users())});
  });
}

Router::~Router() { (void)drain(std::chrono::milliseconds(5'000)); }

void Router::on_dispatch(std::string_view event_name, const json::value& data_value) {
  if (event_name == "INTERACTION_CREATE") {
    impl_->on_interaction(data_value);
    return;
  }
  auto subscribers = impl_->registry.subscribers(std::string(event_name));
  if (subscribers.empty() || impl_->draining.load()) return;
  // Subscribers take the text; only events somebody subscribed to are serialised.
  auto data = std::make_shared<std::string>(json::serialize(data_value));
  for (const EventSpec* spec : subscribers) {
    Impl* self = impl_.get();
    impl_->pool.post([self, spec, data] {
      try {
        spec->handler(*data);
      } catch (const std::exception& e) {
        self->log("error", "event handler for " + spec->event_name + " threw: " + e.what());
      }
    });
  }
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
