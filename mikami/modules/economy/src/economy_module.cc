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

namespace {

// The ledger on `database`: opened; created when there is no file; added, in one transaction,
// to a file without AutoBets' tables (a bot store made before the economy existed). An
// AutoBets schema of another version is never touched: open_store's refusal names it.
core::Result<std::unique_ptr<autobets::Store>> open_ledger(const EconomyOptions& options) {
  auto store = autobets::open_store(options.database);
  if (store) return store;
  if (store.error().code() == core::ErrorCode::kNotFound) {
    CORE_RETURN_IF_ERROR(autobets::create_store(options.database, options.limits));
    return autobets::open_store(options.database);
  }
  if (store.error().code() != core::ErrorCode::kCorrupt) return store;
  auto added = autobets::create_store_in_existing(options.database, options.limits);
  if (!added) {
    // Already AutoBets' (another version), or a PostgreSQL database: the refusal of
    // open_store says what it is.
    const auto code = added.error().code();
    if (code == core::ErrorCode::kAlreadyExists || code == core::ErrorCode::kInvalidArgument) {
      return store;
    }
    return core::fail(added.error());
  }
  return autobets::open_store(options.database);
}

}  // namespace

core::Result<std::unique_ptr<framework::Module>> make_economy_module(EconomyOptions options) {
  auto store = open_ledger(options);
  if (!store) return core::fail(store.error().with_context("economy database"));
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
