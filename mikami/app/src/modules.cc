#include "mikami/app/modules.h"

#include "mikami/modules/moderation.h"
#include "mikami/modules/utility.h"

namespace mikami::app {

std::vector<std::unique_ptr<framework::Module>> bot_modules() {
  std::vector<std::unique_ptr<framework::Module>> modules;
  modules.push_back(modules::make_utility_module());
  modules.push_back(modules::make_moderation_module());
  return modules;
}

}  // namespace mikami::app
