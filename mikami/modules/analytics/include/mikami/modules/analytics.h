// The analytics module: observes every pipeline result and the gateway events an admin
// wants counted (members joining and leaving, messages), on the analytics queue's thread,
// never on a command's path (Module::observe, Module::observed_events), and keeps rollups
// per guild and UTC day in the bot store: commands by name and outcome, the members active
// (who ran a command or wrote), joins and leaves, messages per channel. /stats shows them to
// admins; /metrics has them too (Module::collect_metrics), beside the pipeline's counters
// and the queue's depth and drops. Switched off in a guild, it records nothing there.
// Commands and metrics: mikami/docs/analytics.md.
#pragma once

#include <cstddef>
#include <memory>

#include "mikami/framework/module.h"

namespace mikami::modules {

struct AnalyticsOptions {
  // Guilds with a `guild` label of their own in /metrics: the first this many to be active
  // (a set that never changes once filled, so every series only grows); the figures of all
  // later ones are summed under guild="other".
  std::size_t metrics_guilds = 50;
};

std::unique_ptr<framework::Module> make_analytics_module(AnalyticsOptions options = {});

}  // namespace mikami::modules
