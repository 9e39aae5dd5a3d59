// The analytics module: observes every pipeline result (Module::observe, on the analytics
// queue's thread, never on a command's path) and keeps rollups per guild and UTC day in the
// bot store: commands by name and outcome, the members who ran any. /stats shows them to
// admins; the pipeline's own counters (mikami_commands_total by command and result,
// mikami_analytics_dropped_total, mikami_analytics_queue_depth) are in /metrics. Switched
// off in a guild, it records nothing there. Commands: mikami/docs/analytics.md.
#pragma once

#include <memory>

#include "mikami/framework/module.h"

namespace mikami::modules {

std::unique_ptr<framework::Module> make_analytics_module();

}  // namespace mikami::modules
