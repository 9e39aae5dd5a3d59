#include "autobets/open_store.h"
#include "bank.h"

namespace mikami::modules {
namespace {

using economy::Bank;

class EconomyModule final : public framework::Module {
 public:
  explicit EconomyModule(std::shared_ptr<Bank> bank) : bank_(std::move(bank)) {}

  std::string name() const override { return "economy"; }
  std::string description() const override {
    return "wallets, daily coins, payments and fair bets";
  }
  std::vector<framework::CommandSpec> commands() const override {
    auto commands = economy::wallet_commands(bank_);
    for (auto& c : economy::bet_commands(bank_)) commands.push_back(std::move(c));
    return commands;
  }
  std::vector<framework::ComponentSpec> components() const override {
    return economy::wallet_components(bank_);
  }

 private:
  std::shared_ptr<Bank> bank_;
};

}  // namespace

std::string economy_account(std::string_view guild_id, std::string_view user_id) {
  return "discord:" + std::string(guild_id) + ":" + std::string(user_id);
}

core::Result<std::unique_ptr<framework::Module>> make_economy_module(EconomyOptions options) {
  auto store = autobets::open_store(options.database);
  if (!store && store.error().code() == core::ErrorCode::kNotFound) {
    if (auto created = autobets::create_store(options.database, options.limits); !created) {
      return core::fail(created.error().with_context("economy database"));
    }
    store = autobets::open_store(options.database);
  }
  if (!store) {
    return core::fail(store.error().with_context(
        "economy database (a file the bot's store created before the economy existed holds no "
        "ledger: name another with [economy] database)"));
  }
  auto bank = std::make_shared<Bank>();
  bank->options = std::move(options);
  bank->store = std::move(*store);
  autobets::EngineOptions engine_options;
  engine_options.clock = bank->options.clock;
  auto engine = autobets::Engine::open(*bank->store, engine_options);
  if (!engine) return core::fail(engine.error().with_context("economy engine"));
  bank->engine = std::move(*engine);
  return std::unique_ptr<framework::Module>(std::make_unique<EconomyModule>(std::move(bank)));
}

}  // namespace mikami::modules
