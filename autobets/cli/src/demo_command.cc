// `autobets demo`: deposits for several users, concurrent wagers from several threads,
// every outcome verified from its seeds, seeds rotated (revealing the old ones), and the
// audit printed. Runs on a fresh database in a temporary directory unless --db is given.
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "autobets/audit.h"
#include "autobets/engine.h"
#include "autobets/sqlite_store.h"
#include "cli.h"
#include "render.h"

namespace autobets::cli {

int run_demo(const Options& options) {
  namespace fs = std::filesystem;
  // A fresh directory only we can enter (mkdtemp: 0700, unpredictable name).
  std::string pattern = (fs::temp_directory_path() / "autobets-demo-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return report_error(core::Error(core::ErrorCode::kIo,
                                    "creating a private directory for the "
                                    "demo failed"));
  }
  fs::path dir = pattern;
  fs::path path = dir / "demo.db";
  std::cout << "AutoBets demo on " << path.string() << "\n\n";
  if (auto created = SqliteStore::create(path, Limits{}); !created) {
    return report_error(created.error());
  }
  auto store = SqliteStore::open(path);
  if (!store) return report_error(store.error());
  const std::vector<std::string> users = {"alice", "bob", "carol", "dave", "erin"};
  {
    auto engine = Engine::open(**store);
    if (!engine) return report_error(engine.error());
    for (const auto& user : users) {
      Reply reply = (*engine)->transfer({user, RecordKind::kDeposit, 10'000, "welcome-" + user});
      std::cout << "deposit  " << describe(*reply.record) << "\n";
    }
    Reply paid = (*engine)->transfer(UserTransfer{"alice", "bob", 500, "alice-pays-bob"});
    std::cout << "transfer " << describe(*paid.record) << "\n";
    WagerRequest first{"alice", "alice-first-bet", 100, "coin", "heads"};
    Reply placed = (*engine)->wager(first);
    std::cout << "wager    " << describe(*placed.record) << "\n";
    std::cout << "\n4 threads place 2,000 wagers at once (dice, coin, limbo)...\n";
    std::atomic<int> accepted = 0, rejected = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937 random(static_cast<unsigned>(t));
        for (int i = 0; i < 500; ++i) {
          const std::string& user = users[random() % users.size()];
          static const char* games[][2] = {
              {"dice", "under 49.50"}, {"coin", "heads"}, {"limbo", "2.00"}, {"dice", "over 90"}};
          auto* game = games[random() % 4];
          Reply reply =
              (*engine)->wager({user, "demo-" + std::to_string(t) + "-" + std::to_string(i),
                                static_cast<Amount>(10 + random() % 200), game[0], game[1]});
          (reply.ok() ? accepted : rejected)++;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    std::cout << "accepted " << accepted << ", rejected " << rejected
              << " for insufficient balance\n";
    Reply again = (*engine)->wager(first);
    std::cout << "alice's bet '" << first.idempotency_key << "' sent again -> seq "
              << again.record->seq
              << (again.duplicate ? ", the first receipt: no second wager" : "") << "\n";
    first.amount = 200;
    std::cout << "the same key with a different amount -> "
              << to_string((*engine)->wager(first).code) << "\n";
    for (const auto& user : users) {
      if (auto rotated = (*engine)->rotate_seed(user); !rotated) {
        return report_error(rotated.error());
      }
    }
    std::cout << "rotated every user's seed: the old server seeds are now revealed\n\n";
  }
  auto history = (*store)->history("alice", 3);
  if (history) {
    std::cout << "alice's latest records:\n";
    for (const auto& record : *history) std::cout << "  " << describe(record) << "\n";
  }
  auto verified = verify(**store, OpenSslHasher::instance(), 0);
  if (!verified) return report_error(verified.error());
  std::cout << "\nverify:    " << verified->wagers << " wagers re-derived from their seeds, "
            << verified->failures.size() << " failures\n";
  auto reconciled = reconcile(**store);
  if (!reconciled) return report_error(reconciled.error());
  std::cout << "reconcile: " << reconciled->orphans_applied << " orphaned records\n";
  auto audit = replay(**store);
  if (!audit) return report_error(audit.error());
  const Totals& t = audit->totals;
  std::cout << "replay:    " << audit->records << " records, " << audit->users << " users\n"
            << "           deposits " << to_decimal(t.deposits) << " - house net "
            << to_decimal(t.house_net()) << " = balances " << to_decimal(audit->balances_sum)
            << "\n"
            << "           wagered " << to_decimal(t.wagered) << ", paid out "
            << to_decimal(t.paid_out) << " (" << t.wagers << " wagers)\n"
            << "           " << (audit->ok() ? "consistent" : "INCONSISTENT") << "\n";
  if (options.json) std::cout << to_json(*audit).dump() << "\n";
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return audit->ok() && verified->ok() ? kExitOk : kExitFindings;
}

}  // namespace autobets::cli
