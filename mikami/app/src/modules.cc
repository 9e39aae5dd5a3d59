#include "mikami/app/modules.h"

#include "mikami/modules/analytics.h"
#include "mikami/modules/economy.h"
#include "mikami/modules/moderation.h"
#include "mikami/modules/utility.h"

namespace mikami::app {
namespace {

modules::EconomyOptions economy_options(const AppConfig& config) {
  modules::EconomyOptions options;
  options.database =
      config.economy_database.empty() ? config.store_path.string() : config.economy_database;
  options.daily_amount = config.economy_daily_amount;
  return options;
}

}  // namespace

core::Result<std::vector<std::unique_ptr<framework::Module>>> bot_modules(const AppConfig& config) {
  std::vector<std::unique_ptr<framework::Module>> modules;
  modules.push_back(modules::make_utility_module());
  modules.push_back(modules::make_moderation_module());
  auto economy = modules::make_economy_module(economy_options(config));
  CORE_RETURN_IF_ERROR(economy);
  modules.push_back(std::move(*economy));
  modules::AnalyticsOptions analytics;
  analytics.metrics_guilds = config.analytics_metrics_guilds;
  modules.push_back(modules::make_analytics_module(analytics));
  return modules;
}

}  // namespace mikami::app
