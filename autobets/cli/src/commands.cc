#include <algorithm>
#include <iostream>

#include "autobets/audit.h"
#include "autobets/engine.h"
#include "autobets/open_store.h"
#include "cli.h"
#include "render.h"

namespace autobets::cli {
namespace {

using nlohmann::json;

core::Result<std::unique_ptr<Store>> open_store(const Options& options) {
  return autobets::open_store(options.db);
}

// A store with an engine running on it (which reconciles on open).
struct Running {
  std::unique_ptr<Store> store;
  std::unique_ptr<Engine> engine;  // declared last: stops before the store closes
};
core::Result<Running> open_engine(const Options& options) {
  auto store = open_store(options);
  CORE_RETURN_IF_ERROR(store);
  auto engine = Engine::open(**store);
  CORE_RETURN_IF_ERROR(engine);
  return Running{std::move(*store), std::move(*engine)};
}

void print(const Options& options, const json& value, const std::string& text) {
  if (options.json) {
    std::cout << value.dump() << "\n";
  } else {
    std::cout << text << "\n";
  }
}

std::string fresh_key() {
  auto key = OpenSslEntropy::instance().random_hex(12);
  return key ? "cli-" + *key : "cli-key";
}

int print_reply(const Options& options, const Reply& reply) {
  if (reply.ok()) {
    print(options, to_json(reply),
          describe(*reply.record) + (reply.duplicate ? "  (repeat: first receipt)" : ""));
  } else if (options.json) {
    std::cout << to_json(reply).dump() << "\n";
  } else {
    std::cerr << "autobets: " << to_string(reply.code) << ": " << reply.message << "\n";
  }
  return exit_code_for(reply.code);
}

bool json_errors = false;

void print_json_error(std::string_view code, const std::string& message) {
  if (json_errors) {
    std::cout << json{{"ok", false}, {"error", code}, {"message", message}}.dump() << "\n";
  }
}

}  // namespace

void set_json_errors(bool json) { json_errors = json; }

int report_unknown_user(const std::string& user) {
  std::string message = "unknown user '" + user + "'";
  std::cerr << "autobets: " << message << "\n";
  print_json_error("unknown_user", message);
  return kExitBadInput;
}

int report_error(const core::Error& error) {
  std::cerr << "autobets: " << error.message() << "\n";
  std::string code(core::to_string(error.code()));
  std::replace(code.begin(), code.end(), ' ', '_');
  print_json_error(code, error.message());
  return core::exit_code_for(error);
}

int exit_code_for(ReplyCode code) {
  auto number = static_cast<int>(code);
  if (number == 0) return kExitOk;
  if (number < 10) return kExitBadInput;
  if (number < 20) return kExitFindings;
  return kExitFailure;
}

int run_init(const Options& options) {
  if (options.limits.min_bet > options.limits.max_bet) {
    std::cerr << "autobets: --min-bet " << options.limits.min_bet << " is above --max-bet "
              << options.limits.max_bet << "\n";
    return kExitBadInput;
  }
  if (auto created = create_store(options.db, options.limits); !created) {
    return report_error(created.error());
  }
  const Limits& l = options.limits;
  print(options,
        {{"db", display_db(options.db)},
         {"house_edge_bp", l.house_edge_bp},
         {"min_bet", l.min_bet},
         {"max_bet", l.max_bet},
         {"max_payout", l.max_payout}},
        "created " + display_db(options.db) + " (house edge " + std::to_string(l.house_edge_bp) +
            " bp, bets " + std::to_string(l.min_bet) + ".." + std::to_string(l.max_bet) +
            ", max payout " + std::to_string(l.max_payout) + ")");
  return kExitOk;
}

int run_transfer(const Options& options, RecordKind kind) {
  auto running = open_engine(options);
  if (!running) return report_error(running.error());
  Engine& engine = *running->engine;
  Reply reply = engine.transfer(TransferRequest{options.user, kind, options.amount,
                                                options.key.empty() ? fresh_key() : options.key});
  return print_reply(options, reply);
}

int run_user_transfer(const Options& options) {
  auto running = open_engine(options);
  if (!running) return report_error(running.error());
  Reply reply = running->engine->transfer(UserTransfer{
      options.from, options.to, options.amount, options.key.empty() ? fresh_key() : options.key});
  return print_reply(options, reply);
}

int run_wager(const Options& options) {
  auto running = open_engine(options);
  if (!running) return report_error(running.error());
  Engine& engine = *running->engine;
  Reply reply =
      engine.wager(WagerRequest{options.user, options.key.empty() ? fresh_key() : options.key,
                                options.amount, options.game, options.params});
  return print_reply(options, reply);
}

int run_balance(const Options& options) {
  auto store = open_store(options);
  if (!store) return report_error(store.error());
  if (auto reconciled = reconcile(**store); !reconciled) return report_error(reconciled.error());
  auto snapshot = (*store)->load(options.user);
  if (!snapshot) return report_error(snapshot.error());
  if (!snapshot->has_value()) return report_unknown_user(options.user);
  const Account& account = (*snapshot)->account;
  print(options,
        {{"user", account.user}, {"balance", account.balance}, {"last_seq", account.last_seq}},
        account.user + " " + format_amount(account.balance));
  return kExitOk;
}

int run_history(const Options& options) {
  auto store = open_store(options);
  if (!store) return report_error(store.error());
  auto snapshot = (*store)->load(options.user);
  if (!snapshot) return report_error(snapshot.error());
  if (!snapshot->has_value()) return report_unknown_user(options.user);
  auto records = (*store)->history(options.user, options.limit);
  if (!records) return report_error(records.error());
  if (options.json) {
    json list = json::array();
    for (const auto& record : *records) list.push_back(to_json(record));
    std::cout << list.dump() << "\n";
  } else {
    for (const auto& record : *records) std::cout << describe(record) << "\n";
  }
  return kExitOk;
}

int run_seeds_show(const Options& options) {
  auto store = open_store(options);
  if (!store) return report_error(store.error());
  auto snapshot = (*store)->load(options.user);
  if (!snapshot) return report_error(snapshot.error());
  if (!snapshot->has_value()) return report_unknown_user(options.user);
  auto all = (*store)->seeds(options.user);
  if (!all) return report_error(all.error());
  json revealed = json::array();
  std::string text = "active commitment " + (*snapshot)->seed.commitment + "\nclient seed " +
                     (*snapshot)->seed.client_seed + "\nnext nonce " +
                     std::to_string((*snapshot)->account.next_nonce) +
                     "\nnext server seed commitment " + (*snapshot)->next_seed.commitment;
  for (const auto& seed : *all) {
    if (!seed.revealed_at_us) continue;
    revealed.push_back(to_json(seed, false));
    text += "\nrevealed " + seed.commitment + " = " + seed.server_seed + " (client seed " +
            seed.client_seed + ")";
  }
  print(options,
        {{"user", options.user},
         {"active", to_json((*snapshot)->seed, false)},
         {"next_nonce", (*snapshot)->account.next_nonce},
         {"next_commitment", (*snapshot)->next_seed.commitment},
         {"revealed", revealed}},
        text);
  return kExitOk;
}

int run_seeds_rotate(const Options& options, bool set_client) {
  auto running = open_engine(options);
  if (!running) return report_error(running.error());
  Engine& engine = *running->engine;
  auto revealed = engine.rotate_seed(
      options.user, set_client ? std::optional<std::string>(options.client_seed) : std::nullopt);
  if (!revealed) return report_error(revealed.error());
  auto snapshot = running->store->load(options.user);
  if (!snapshot || !snapshot->has_value())
    return report_error(
        core::Error(core::ErrorCode::kIo, "the new seed was written but could not be read back"));
  print(options,
        {{"revealed", to_json(*revealed, true)},
         {"active", to_json((*snapshot)->seed, false)},
         {"next_commitment", (*snapshot)->next_seed.commitment}},
        "revealed server seed " + revealed->server_seed + " (commitment " + revealed->commitment +
            ")\nnew commitment " + (*snapshot)->seed.commitment + ", client seed " +
            (*snapshot)->seed.client_seed + "\nnext server seed commitment " +
            (*snapshot)->next_seed.commitment);
  return kExitOk;
}

int run_verify(const Options& options) {
  auto store = open_store(options);
  if (!store) return report_error(store.error());
  auto report = verify(**store, OpenSslHasher::instance(), options.all ? 0 : options.seq);
  if (!report) return report_error(report.error());
  print(options,
        {{"ok", report->ok()},
         {"wagers", report->wagers},
         {"unrevealed", report->unrevealed},
         {"failures", report->failures}},
        [&] {
          std::string text;
          for (const auto& failure : report->failures) text += "FAIL " + failure + "\n";
          return text + (report->ok() ? "verified " : "verification failed for ") +
                 std::to_string(report->ok() ? report->wagers : report->failures.size()) +
                 " wager(s)";
        }());
  return report->ok() ? kExitOk : kExitFindings;
}

int run_reconcile(const Options& options) {
  auto store = open_store(options);
  if (!store) return report_error(store.error());
  auto report = reconcile(**store);
  if (!report) return report_error(report.error());
  print(options, {{"orphans_applied", report->orphans_applied}, {"users", report->users_repaired}},
        "applied " + std::to_string(report->orphans_applied) + " orphaned record(s)");
  return kExitOk;
}

int run_replay(const Options& options) {
  auto store = open_store(options);
  if (!store) return report_error(store.error());
  auto report = replay(**store);
  if (!report) return report_error(report.error());
  std::string text;
  for (const auto& mismatch : report->mismatches) text += "MISMATCH " + mismatch + "\n";
  const Totals& t = report->totals;
  text += "replayed " + std::to_string(report->records) + " records of " +
          std::to_string(report->users) + " users: deposits " + to_decimal(t.deposits) +
          ", withdrawals " + to_decimal(t.withdrawals) + ", credits " + to_decimal(t.credits) +
          ", house net " + to_decimal(t.house_net()) + ", transferred " +
          to_decimal(t.transferred_out) + ", balances " + to_decimal(report->balances_sum) +
          (report->ok() ? " — consistent" : " — INCONSISTENT");
  print(options, to_json(*report), text);
  return report->ok() ? kExitOk : kExitFindings;
}

}  // namespace autobets::cli
