// The composition root's one explicit list of the bot's modules. Adding a module is one
// folder under mikami/modules and one line in modules.cc (and its library in
// mikami/app/CMakeLists.txt).
#pragma once

#include <memory>
#include <vector>

#include "core/status.h"
#include "mikami/app/config.h"
#include "mikami/framework/module.h"

namespace mikami::app {

// The modules, configured from `config` (the economy opens its AutoBets database here,
// before the bot's store opens the same file). Fails naming the module that cannot start.
core::Result<std::vector<std::unique_ptr<framework::Module>>> bot_modules(const AppConfig& config);

}  // namespace mikami::app
