// The utility module:
//   /ping                      gateway heartbeat latency and one REST round trip
//   /help                      every command the caller may run here, from the registry
//   /module list|enable|disable name:<module>   (Manage Server) switch modules per server
// It holds no state: module switches live in the store.
#pragma once

#include <memory>

#include "mikami/framework/module.h"

namespace mikami::modules {

std::unique_ptr<framework::Module> make_utility_module();

}  // namespace mikami::modules
