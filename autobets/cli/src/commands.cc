#include <algorithm>
#include <iostream>

#include "autobets/api_keys.h"
#include "autobets/audit.h"
#include "autobets/engine.h"
#include "autobets/open_store.h"
#include "autobets/service.h"
#include "cli.h"
#include "render.h"

namespace autobets::cli {
namespace {

using nlohmann::json;

bool json_errors = false;

void print_json_error(std::string_view code, const std::string& message) {
  if (json_errors) {
    std::cout << json{{"ok", false}, {"error", code}, {"message", message}}.dump() << "\n";
  }
}

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

}  // namespace

void set_json_errors(bool json) { json_errors = json; }

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

namespace {

// The service on a store, with an engine when the command moves money or seeds.
struct Served {
  Running running;
  std::unique_ptr<Service> service;  // declared last: goes before the engine and store
};
core::Result<Served> open_service(const Options& options, bool with_engine) {
  Running running;
  if (with_engine) {
    auto opened = open_engine(options);
    CORE_RETURN_IF_ERROR(opened);
    running = std::move(*opened);
  } else {
    auto store = open_store(options);
    CORE_RETURN_IF_ERROR(store);
    running.store = std::move(*store);
  }
  auto service = std::make_unique<Service>(*running.store, running.engine.get());
  return Served{std::move(running), std::move(service)};
}

int report_refusal(const ServiceError& error) {
  switch (error.kind) {
    case ServiceError::Kind::kUnknownUser:
    case ServiceError::Kind::kNotFound:
    case ServiceError::Kind::kInvalidInput:
      std::cerr << "autobets: " << error.message << "\n";
      print_json_error(to_string(error.kind), error.message);
      return kExitBadInput;
    default:
      std::cerr << "autobets: " << error.message << "\n";
      print_json_error(to_string(error.kind), error.message);
      return kExitFailure;
  }
}

int print_reply(const Options& options, const ServiceResult<Reply>& reply) {
  if (!reply) return report_refusal(reply.error());
  return print_reply(options, *reply);
}

std::string key_or_fresh(const Options& options) {
  return options.key.empty() ? fresh_key() : options.key;
}

}  // namespace

int run_transfer(const Options& options, RecordKind kind) {
  auto served = open_service(options, true);
  if (!served) return report_error(served.error());
  return print_reply(
      options, served->service->transfer(
                   Caller::console(),
                   TransferRequest{options.user, kind, options.amount, key_or_fresh(options)}));
}

int run_user_transfer(const Options& options) {
  auto served = open_service(options, true);
  if (!served) return report_error(served.error());
  return print_reply(
      options, served->service->transfer(
                   Caller::console(),
                   UserTransfer{options.from, options.to, options.amount, key_or_fresh(options)}));
}

int run_wager(const Options& options) {
  auto served = open_service(options, true);
  if (!served) return report_error(served.error());
  return print_reply(
      options, served->service->wager(Caller::console(),
                                      WagerRequest{options.user, key_or_fresh(options),
                                                   options.amount, options.game, options.params}));
}

int run_balance(const Options& options) {
  auto served = open_service(options, false);
  if (!served) return report_error(served.error());
  // The console reconciles first: a process that died may have left orphans.
  if (auto reconciled = reconcile(*served->running.store); !reconciled) {
    return report_error(reconciled.error());
  }
  auto account = served->service->balance(Caller::console(), options.user);
  if (!account) return report_refusal(account.error());
  print(options, to_json(*account), account->user + " " + format_amount(account->balance));
  return kExitOk;
}

int run_history(const Options& options) {
  auto served = open_service(options, false);
  if (!served) return report_error(served.error());
  auto page = served->service->history(Caller::console(), options.user, options.limit, 0);
  if (!page) return report_refusal(page.error());
  if (options.json) {
    json list = json::array();
    for (const auto& record : page->records) list.push_back(to_json(record));
    std::cout << list.dump() << "\n";
  } else {
    for (const auto& record : page->records) std::cout << describe(record) << "\n";
  }
  return kExitOk;
}

int run_seeds_show(const Options& options) {
  auto served = open_service(options, false);
  if (!served) return report_error(served.error());
  auto view = served->service->seeds(Caller::console(), options.user);
  if (!view) return report_refusal(view.error());
  const Store::Snapshot& snapshot = view->snapshot;
  std::string text = "active commitment " + snapshot.seed.commitment + "\nclient seed " +
                     snapshot.seed.client_seed + "\nnext nonce " +
                     std::to_string(snapshot.account.next_nonce) +
                     "\nnext server seed commitment " + snapshot.next_seed.commitment;
  for (const auto& seed : view->revealed) {
    text += "\nrevealed " + seed.commitment + " = " + seed.server_seed + " (client seed " +
            seed.client_seed + ")";
  }
  print(options, to_json(*view), text);
  return kExitOk;
}

int run_seeds_rotate(const Options& options, bool set_client) {
  auto served = open_service(options, true);
  if (!served) return report_error(served.error());
  auto rotated = served->service->rotate_seed(
      Caller::console(), options.user,
      set_client ? std::optional<std::string>(options.client_seed) : std::nullopt);
  if (!rotated) return report_refusal(rotated.error());
  const Store::Snapshot& snapshot = rotated->snapshot;
  print(options, to_json(*rotated),
        "revealed server seed " + rotated->revealed.server_seed + " (commitment " +
            rotated->revealed.commitment + ")\nnew commitment " + snapshot.seed.commitment +
            ", client seed " + snapshot.seed.client_seed + "\nnext server seed commitment " +
            snapshot.next_seed.commitment);
  return kExitOk;
}

int run_verify(const Options& options) {
  auto served = open_service(options, false);
  if (!served) return report_error(served.error());
  auto report = served->service->verify(Caller::console(), options.all ? 0 : options.seq);
  if (!report) return report_refusal(report.error());
  print(options, to_json(*report), [&] {
    std::string text;
    for (const auto& failure : report->failures) text += "FAIL " + failure + "\n";
    return text + (report->ok() ? "verified " : "verification failed for ") +
           std::to_string(report->ok() ? report->wagers : report->failures.size()) + " wager(s)";
  }());
  return report->ok() ? kExitOk : kExitFindings;
}

int run_keys_create(const Options& options) {
  auto scope = parse_scope(options.scope);
  if (!scope) {
    std::cerr << "autobets: --scope must be play, service or admin, not '" << options.scope
              << "'\n";
    return kExitBadInput;
  }
  // The key goes into an existing AutoBets database only.
  auto store = open_store(options);
  if (!store) return report_error(store.error());
  auto keys = open_key_store(options.db);
  if (!keys) return report_error(keys.error());
  auto issued = (*keys)->create(Caller{*scope, options.user});
  if (!issued) return report_error(issued.error());
  json value = {{"id", issued->id}, {"scope", to_string(*scope)}, {"token", issued->token}};
  if (*scope == Scope::kPlay) value["user"] = options.user;
  print(options, value,
        "created " + std::string(to_string(*scope)) + " key " + issued->id +
            (*scope == Scope::kPlay ? " for " + options.user : std::string()) +
            " (shown once; send it as 'Authorization: Bearer <key>'):\n" + issued->token);
  return kExitOk;
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
