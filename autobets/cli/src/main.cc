// `autobets`: the AutoBets wager engine on a SQLite file or a PostgreSQL database. See
// docs/cli.md.
#include <CLI/CLI.hpp>
#include <charconv>
#include <iostream>

#include "cli.h"

namespace {

// CLI11 saturates out-of-range integers; amounts are parsed here so that an overflowing
// amount is refused by name rather than silently becoming INT64_MAX.
std::string parse_amount(const std::string& text, autobets::Amount* amount) {
  autobets::Amount value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    return "--amount " + text + " does not fit in a 64-bit amount of minor units";
  }
  if (error != std::errc() || end != text.data() + text.size()) {
    return "--amount '" + text + "' is not an integer number of minor units";
  }
  *amount = value;
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace autobets::cli;
  Options options;
  CLI::App app("AutoBets: a wager engine that never double-spends", "autobets");
  app.require_subcommand(1);
  app.fallthrough();
  app.option_defaults()->always_capture_default();
  app.add_option("--db", options.db, "database file, or a postgresql:// URL")
      ->capture_default_str();
  app.add_flag("--json", options.json, "machine-readable output");

  auto positive = CLI::Range(std::int64_t{1}, std::int64_t{INT64_MAX});
  auto add_user = [&](CLI::App* command) {
    command->add_option("--user", options.user, "user id")->required();
  };
  std::string amount_text;
  auto add_amount = [&](CLI::App* command) {
    command->add_option("--amount", amount_text, "amount in minor units (integer)")
        ->required()
        ->allow_extra_args(false);
  };
  auto add_key = [&](CLI::App* command) {
    command->add_option("--key", options.key,
                        "idempotency key; repeating a request with the same key returns the "
                        "first receipt (default: a fresh random key)");
  };

  auto* init = app.add_subcommand("init", "create a new database");
  init->add_option("--house-edge-bp", options.limits.house_edge_bp, "house edge, basis points")
      ->check(CLI::Range(0, 5000));
  init->add_option("--min-bet", options.limits.min_bet, "smallest wager")->check(positive);
  init->add_option("--max-bet", options.limits.max_bet, "largest wager")->check(positive);
  init->add_option("--max-payout", options.limits.max_payout, "largest payout")->check(positive);

  auto* deposit = app.add_subcommand("deposit", "add funds (creates the account)");
  auto* withdraw = app.add_subcommand("withdraw", "remove funds");
  auto* credit = app.add_subcommand("credit", "admin credit (creates the account)");
  for (auto* command : {deposit, withdraw, credit}) {
    add_user(command);
    add_amount(command);
    add_key(command);
  }
  auto* transfer = app.add_subcommand("transfer", "move funds from one user to another");
  transfer->add_option("--from", options.from, "sender (must have an account)")->required();
  transfer->add_option("--to", options.to, "recipient (the account is created if needed)")
      ->required();
  add_amount(transfer);
  add_key(transfer);
  auto* wager = app.add_subcommand("wager", "place a wager");
  add_user(wager);
  add_amount(wager);
  add_key(wager);
  wager->add_option("--game", options.game, "dice, coin or limbo")->required();
  wager
      ->add_option("--params", options.params,
                   "dice: 'over 49.50' | 'under 49.50'; coin: heads | tails; limbo: 2.00")
      ->required();

  auto* balance = app.add_subcommand("balance", "show a user's balance");
  add_user(balance);
  auto* history = app.add_subcommand("history", "show a user's latest ledger records");
  add_user(history);
  history->add_option("--limit", options.limit, "how many records")->check(CLI::Range(1, 100000));

  auto* seeds = app.add_subcommand("seeds", "provably fair seeds");
  seeds->require_subcommand(1);
  auto* seeds_show = seeds->add_subcommand("show",
                                           "active commitment, client seed, nonce, and "
                                           "revealed seeds");
  add_user(seeds_show);
  auto* seeds_rotate =
      seeds->add_subcommand("rotate", "reveal the server seed, commit to a new one");
  add_user(seeds_rotate);
  auto* seeds_set = seeds->add_subcommand("set-client", "set the client seed (rotates the pair)");
  add_user(seeds_set);
  seeds_set->add_option("--seed", options.client_seed, "new client seed")->required();

  auto* verify = app.add_subcommand("verify", "re-derive wager outcomes from their seeds");
  verify->add_option("seq", options.seq, "ledger seq of the wager")->check(positive);
  verify->add_flag("--all", options.all, "verify every wager");
  auto* keys = app.add_subcommand("keys", "API keys of the HTTP API (docs/http-api.md)");
  keys->require_subcommand(1);
  auto* keys_create = keys->add_subcommand("create", "issue a key; it is printed once");
  keys_create->add_option("--scope", options.scope, "play (one user), service (any user) or admin")
      ->required();
  keys_create->add_option("--user", options.user, "the user a play key acts for");
  autobets::ServerOptions server;
  std::int64_t request_timeout_ms = server.request_timeout.count();
  std::int64_t idle_timeout_ms = server.idle_timeout.count();
  auto* serve = app.add_subcommand("serve", "the HTTP API (docs/http-api.md) until SIGTERM");
  serve->add_option("--listen", server.listen, "HOST:PORT (port 0: a free one)");
  serve->add_option("--threads", server.threads, "I/O threads")->check(CLI::Range(1, 64));
  serve->add_option("--max-connections", server.max_connections, "more are refused with 503")
      ->check(CLI::Range(1, 1000000));
  serve->add_option("--max-body-bytes", server.max_body_bytes, "larger bodies get 413")
      ->check(CLI::Range(64, 1 << 24));
  serve->add_option("--max-header-bytes", server.max_header_bytes, "larger headers get 431")
      ->check(CLI::Range(256, 1 << 20));
  serve
      ->add_option("--request-timeout-ms", request_timeout_ms,
                   "from a request's first byte to its last; slower ones get 408")
      ->check(CLI::Range(10, 3600000));
  serve->add_option("--idle-timeout-ms", idle_timeout_ms, "a keep-alive connection's idle time")
      ->check(CLI::Range(10, 86400000));
  serve
      ->add_option("--commit-gather-us", options.commit_gather_us,
                   "how long a commit waits for the clients just answered (default 0: never)")
      ->check(CLI::Range(0, 100000));
  app.add_subcommand("reconcile", "apply orphaned ledger records to balances");
  app.add_subcommand("replay", "rebuild balances from the ledger alone and compare");

  auto* bench = app.add_subcommand("bench", "throughput and latency against a baseline");
  bench->add_option("--users", options.users, "users")->check(CLI::Range(1, 1000000));
  bench->add_option("--workers", options.workers, "submitting threads")->check(CLI::Range(1, 256));
  bench->add_option("--wagers", options.wagers, "wagers")->check(CLI::Range(1, 100000000));
  bench
      ->add_option("--baseline-wagers", options.baseline_wagers,
                   "wagers for the one-transaction-each baseline")
      ->check(CLI::Range(0, 10000000));
  bench->add_option("--in-flight", options.in_flight, "admitted but not yet durable")
      ->check(CLI::Range(1, 1 << 20));
  bench->add_option("--rate", options.rate, "offered load of the fixed-rate latency run, wagers/s")
      ->check(CLI::Range(1, 10000000));
  bench->add_option("--rate-wagers", options.rate_wagers, "wagers of the fixed-rate run")
      ->check(CLI::Range(0, 100000000));
  app.add_subcommand("demo", "a guided run: deposits, concurrent wagers, verification, audit");

  // Name an unknown command instead of CLI11's "A subcommand is required".
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--db") {
      ++i;
      continue;
    }
    if (arg.starts_with("-")) continue;
    auto named = app.get_subcommands([&](CLI::App* command) { return command->get_name() == arg; });
    if (named.empty()) {
      std::cerr << "autobets: unknown command '" << arg << "' (see autobets --help)\n";
      return kExitBadInput;
    }
    break;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help
    std::cerr << "autobets: " << error.what() << " (see autobets --help)\n";
    return kExitBadInput;
  }
  if (!amount_text.empty()) {
    if (auto problem = parse_amount(amount_text, &options.amount); !problem.empty()) {
      std::cerr << "autobets: " << problem << "\n";
      return kExitBadInput;
    }
  }
  if (verify->parsed() && options.all == (options.seq != 0)) {
    std::cerr << "autobets: verify takes either a seq or --all\n";
    return kExitBadInput;
  }
  set_json_errors(options.json);
  if (init->parsed()) return run_init(options);
  if (transfer->parsed()) return run_user_transfer(options);
  if (deposit->parsed()) return run_transfer(options, autobets::RecordKind::kDeposit);
  if (withdraw->parsed()) return run_transfer(options, autobets::RecordKind::kWithdrawal);
  if (credit->parsed()) return run_transfer(options, autobets::RecordKind::kCredit);
  if (wager->parsed()) return run_wager(options);
  if (balance->parsed()) return run_balance(options);
  if (history->parsed()) return run_history(options);
  if (seeds_show->parsed()) return run_seeds_show(options);
  if (seeds_rotate->parsed()) return run_seeds_rotate(options, false);
  if (seeds_set->parsed()) return run_seeds_rotate(options, true);
  if (verify->parsed()) return run_verify(options);
  if (keys_create->parsed()) return run_keys_create(options);
  if (serve->parsed()) {
    server.request_timeout = std::chrono::milliseconds(request_timeout_ms);
    server.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);
    return run_serve(options, server);
  }
  if (app.got_subcommand("reconcile")) return run_reconcile(options);
  if (app.got_subcommand("replay")) return run_replay(options);
  if (bench->parsed()) return run_bench(options);
  if (app.got_subcommand("demo")) return run_demo(options);
  return kExitBadInput;
}
