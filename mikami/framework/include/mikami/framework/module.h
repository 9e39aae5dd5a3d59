// A module: one feature of the bot (utility, moderation, economy, ...), declared as data:
// its commands, component handlers, event subscriptions and the store migrations of the
// tables it owns. The composition root (mikami/app) holds the one explicit list of
// modules; the framework never names one.
//
// Handlers hold no state of their own: what must last lives in the store
// (BotStore::query on the module's own tables, created by its migrations).
#pragma once

#include <string>
#include <vector>

#include "mikami/bot_store.h"
#include "mikami/framework/analytics.h"
#include "mikami/framework/command.h"
#include "mikami/framework/metrics.h"

namespace mikami::framework {

class Module {
 public:
  virtual ~Module() = default;
  // Stable lowercase name, used in /module and as the owner of its migrations.
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  virtual std::vector<CommandSpec> commands() const = 0;
  virtual std::vector<ComponentSpec> components() const { return {}; }
  virtual std::vector<EventSpec> events() const { return {}; }
  virtual std::vector<TaskSpec> tasks() const { return {}; }
  virtual std::vector<Migration> migrations() const { return {}; }
  // Whether a guild where no admin switched it has it enabled.
  virtual bool enabled_by_default() const { return true; }
  // False for modules that must always stay on (the one holding /module itself).
  virtual bool can_be_disabled() const { return true; }
  // Every pipeline result, off the critical path: called on the analytics queue's thread,
  // one event at a time, after the interaction was answered (events dropped by a full
  // queue never arrive). Must not throw.
  virtual void observe(const AnalyticsEvent& event, BotStore& store) {
    (void)event;
    (void)store;
  }
  // Gateway events this module counts: the router records each one that comes (the name,
  // guild, channel and user it carries) on the analytics queue, from the shard's thread
  // without waiting, and observe() gets it with `event.event` set. Unlike an EventSpec, the
  // module sees it late or (the queue full, counted) not at all: for statistics only.
  virtual std::vector<std::string> observed_events() const { return {}; }
  // At every scrape of /metrics, on the metrics server's thread: samples read from the
  // module's tables. Must be quick and must not throw; every label's values must be bounded
  // (say how in the module's docs), since each value is a series kept by Prometheus.
  virtual void collect_metrics(BotStore& store, std::vector<Metrics::Sample>& counters,
                               std::vector<Metrics::Sample>& gauges) const {
    (void)store;
    (void)counters;
    (void)gauges;
  }
};

}  // namespace mikami::framework
