// The router and its pipeline, for every INTERACTION_CREATE, in this order:
//   resolve (command by name, component by custom_id prefix; the module enabled in this
//   guild) -> validate options against the schema (an ephemeral error naming the option)
//   -> checks (guild only, the invoker's permissions in the channel, the bot's own, role
//   hierarchy for a command acting on a member, the cooldown) -> per-user lock (one
//   active pipeline per user; a second command of the same user waits up to
//   `lock_wait`, then is told "still working on your last command") -> the module's
//   handler -> the reply, through the Replier -> an analytics event (bounded queue,
//   never blocks; drops counted). A gateway event some module observes
//   (Module::observed_events) goes to the same queue as it comes, on the shard's thread.
// An interaction whose id the router has already taken (a replay by a resumed gateway
// session) is dropped and counted (mikami_interactions_redelivered_total), so it never acts
// twice, not even where a first refusal would now succeed.
// A failing stage stops the later ones and answers the user (privately). Autocomplete
// skips the lock and answers with choices only. A handler that throws is answered
// "something went wrong (error id N)", the id and the exception going to the log; a
// handler still running at `handler_deadline` is answered and its lock released (its
// late reply is discarded).
//
// Threading: on_dispatch() runs on a shard's thread and never blocks: it parses (the model's
// parse_interaction), tells
// the Replier (whose deadline clock starts), and hands the rest to the router's worker
// threads. Every member is thread safe. The destructor drains (see drain()).
#pragma once

#include <atomic>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "mikami/bot_store.h"
#include "mikami/framework/analytics.h"
#include "mikami/framework/context.h"
#include "mikami/framework/metrics.h"
#include "mikami/framework/registry.h"
#include "mikami/framework/replier.h"

namespace mikami::framework {

struct RouterOptions {
  int workers = 4;
  std::chrono::milliseconds lock_wait{2'000};
  std::chrono::milliseconds handler_deadline{10'000};
  // Where log lines go (one line each, never a token); empty: stderr.
  std::function<void(std::string_view level, std::string_view message)> log;
};

class Router {
 public:
  // Every reference must outlive the router.
  Router(const Registry& registry, BotStore& store, Replier& replier, BotServices& services,
         Metrics& metrics, AnalyticsQueue& analytics, RouterOptions options = {});
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Every gateway dispatch: INTERACTION_CREATE enters the pipeline; other events go to
  // the analytics queue when a module observes them, and to the modules subscribed to them.
  // Ignored once draining.
  // `data` is the dispatch's parsed "d" (DispatchAction::data).
  void on_dispatch(std::string_view event_name, const boost::json::value& data);
  // Stops taking new interactions and waits up to `timeout` for those in flight (and
  // their replies). True when none is left.
  bool drain(std::chrono::milliseconds timeout);

  std::uint64_t in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mikami::framework
