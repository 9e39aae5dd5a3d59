// The composition root's one explicit list of the bot's modules. Adding a module is one
// folder under mikami/modules and one line in modules.cc (and its library in
// mikami/app/CMakeLists.txt).
#pragma once

#include <memory>
#include <vector>

#include "mikami/framework/module.h"

namespace mikami::app {

std::vector<std::unique_ptr<framework::Module>> bot_modules();

}  // namespace mikami::app
