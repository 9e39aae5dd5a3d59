#include "autobets/audit.h"

#include <map>
#include <optional>
#include <unordered_map>

#include "autobets/games.h"

namespace autobets {
namespace {

std::string describe(const LedgerRecord& record) {
  return "seq " + std::to_string(record.seq) + " (" + std::string(to_string(record.kind)) +
         " of user '" + record.user + "')";
}

// One attempt of reconcile; `conflicts` is set when an account moved on meanwhile.
core::Result<ReconcileReport> reconcile_once(Store& store, bool* conflicted);

}  // namespace

std::string to_decimal(Wide value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  std::string digits;
  while (value != 0) {
    int digit = static_cast<int>(value % 10);
    digits.push_back(static_cast<char>('0' + (digit < 0 ? -digit : digit)));
    value /= 10;
  }
  if (negative) digits.push_back('-');
  return std::string(digits.rbegin(), digits.rend());
}

core::Result<ReconcileReport> reconcile(Store& store) {
  constexpr int kAttempts = 20;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    bool conflicted = false;
    auto report = reconcile_once(store, &conflicted);
    if (!report || !conflicted) return report;
  }
  return core::fail(core::ErrorCode::kUnavailable,
                    "reconcile: accounts kept moving under other engines; nothing was changed, "
                    "try again");
}

namespace {

core::Result<ReconcileReport> reconcile_once(Store& store, bool* conflicted) {
  auto applied = store.applied_seq();
  CORE_RETURN_IF_ERROR(applied);
  auto accounts = store.accounts();
  CORE_RETURN_IF_ERROR(accounts);
  std::map<std::string, Account> by_user;
  for (auto& account : *accounts) by_user.emplace(account.user, account);

  ReconcileReport report;
  std::map<std::string, Account> repaired;
  Seq last_seq = *applied;
  auto scanned = store.scan_ledger(*applied, [&](const LedgerRecord& record) -> core::Status {
    last_seq = record.seq;
    auto it = by_user.find(record.user);
    if (it == by_user.end()) {
      // Maybe created by another engine after accounts() was read: its row, read now, is
      // at least as new as the record (a commit writes both), so the record is skipped.
      auto snapshot = store.load(record.user);
      CORE_RETURN_IF_ERROR(snapshot);
      if (*snapshot) it = by_user.emplace(record.user, (*snapshot)->account).first;
    }
    if (it == by_user.end()) {
      return core::fail(core::ErrorCode::kCorrupt,
                        describe(record) + " belongs to a user with no account or seed");
    }
    Account& account = it->second;
    if (record.seq <= account.last_seq) return core::ok_status();  // already applied
    if (record.balance_before != account.balance) {
      return core::fail(core::ErrorCode::kCorrupt,
                        describe(record) + " starts from balance " +
                            std::to_string(record.balance_before) + " but the account holds " +
                            std::to_string(account.balance) + "; refusing to apply it");
    }
    account.balance = record.balance_after;
    account.last_seq = record.seq;
    if (record.kind == RecordKind::kWager && record.commitment == account.commitment) {
      account.next_nonce = std::max(account.next_nonce, record.nonce + 1);
    }
    repaired[account.user] = account;
    ++report.orphans_applied;
    return core::ok_status();
  });
  CORE_RETURN_IF_ERROR(scanned);
  if (last_seq == *applied) return report;
  std::vector<Account> updates;
  for (auto& [user, account] : repaired) {
    report.users_repaired.push_back(user);
    updates.push_back(account);
  }
  auto conflicts = store.put_accounts(updates, last_seq);
  CORE_RETURN_IF_ERROR(conflicts);
  *conflicted = !conflicts->empty();
  return report;
}

}  // namespace

core::Result<ReplayReport> replay(Store& store) {
  ReplayReport report;
  std::unordered_map<std::string, std::pair<Amount, Seq>> rebuilt;  // balance, last seq
  std::optional<LedgerRecord> pending_out;  // a transfer_out awaiting its transfer_in
  auto scanned = store.scan_ledger(0, [&](const LedgerRecord& record) -> core::Status {
    ++report.records;
    auto& [balance, last_seq] = rebuilt[record.user];
    auto delta = record.delta();
    Amount after = 0;
    const bool follows = delta && !__builtin_add_overflow(balance, *delta, &after) &&
                         after == record.balance_after && after >= 0;
    if (record.balance_before != balance) {
      report.mismatches.push_back(describe(record) + ": balance_before " +
                                  std::to_string(record.balance_before) +
                                  " but the ledger so far gives " + std::to_string(balance));
    }
    if (!follows) {
      report.mismatches.push_back(describe(record) + ": balance_after " +
                                  std::to_string(record.balance_after) +
                                  " does not follow from the record");
    }
    balance = follows ? after : record.balance_after;
    last_seq = record.seq;
    Totals& t = report.totals;
    switch (record.kind) {
      case RecordKind::kDeposit:
        t.deposits += record.amount;
        break;
      case RecordKind::kWithdrawal:
        t.withdrawals += record.amount;
        break;
      case RecordKind::kCredit:
        t.credits += record.amount;
        break;
      case RecordKind::kWager:
        t.wagered += record.amount;
        t.paid_out += record.payout;
        ++t.wagers;
        break;
      case RecordKind::kTransferOut:
        if (pending_out) {
          report.mismatches.push_back(describe(*pending_out) +
                                      ": is not directly followed by its transfer_in");
        }
        t.transferred_out += record.amount;
        ++t.transfers;
        pending_out = record;
        return core::ok_status();
      case RecordKind::kTransferIn:
        t.transferred_in += record.amount;
        if (!pending_out || pending_out->seq != record.seq - 1 ||
            pending_out->user != record.params || pending_out->params != record.user ||
            pending_out->amount != record.amount) {
          report.mismatches.push_back(describe(record) +
                                      ": does not directly follow its transfer_out");
        }
        pending_out.reset();
        return core::ok_status();
    }
    if (pending_out) {
      report.mismatches.push_back(describe(*pending_out) +
                                  ": is not directly followed by its transfer_in");
    }
    pending_out.reset();
    return core::ok_status();
  });
  CORE_RETURN_IF_ERROR(scanned);
  if (pending_out) {
    report.mismatches.push_back(describe(*pending_out) +
                                ": is not directly followed by its transfer_in");
  }
  auto accounts = store.accounts();
  CORE_RETURN_IF_ERROR(accounts);
  report.users = rebuilt.size();
  for (const Account& account : *accounts) {
    report.balances_sum += account.balance;
    auto it = rebuilt.find(account.user);
    Amount expected = it == rebuilt.end() ? 0 : it->second.first;
    Seq expected_seq = it == rebuilt.end() ? 0 : it->second.second;
    if (account.balance != expected || account.last_seq != expected_seq) {
      report.mismatches.push_back(
          "user '" + account.user + "': account holds " + std::to_string(account.balance) +
          " at seq " + std::to_string(account.last_seq) + ", the ledger gives " +
          std::to_string(expected) + " at seq " + std::to_string(expected_seq));
    }
    if (it != rebuilt.end()) rebuilt.erase(it);
  }
  for (auto& [user, state] : rebuilt) {
    report.mismatches.push_back("user '" + user + "' has ledger records but no account");
  }
  const Totals& t = report.totals;
  Wide conserved = t.deposits - t.withdrawals + t.credits - t.house_net();
  if (conserved != report.balances_sum) {
    report.mismatches.push_back(
        "balances sum to " + to_decimal(report.balances_sum) +
        " but deposits - withdrawals + credits - house net = " + to_decimal(conserved));
  }
  if (t.transferred_out != t.transferred_in) {
    report.mismatches.push_back("transfers sent " + to_decimal(t.transferred_out) +
                                " but received " + to_decimal(t.transferred_in));
  }
  return report;
}

core::Result<VerifyReport> verify(Store& store, FairHasher& hasher, Seq seq) {
  VerifyReport report;
  std::unordered_map<std::string, SeedRecord> seeds;
  auto check = [&](const LedgerRecord& record) -> core::Status {
    if (record.kind != RecordKind::kWager) return core::ok_status();
    ++report.wagers;
    auto it = seeds.find(record.commitment);
    if (it == seeds.end()) {
      auto seed = store.seed(record.commitment);
      CORE_RETURN_IF_ERROR(seed);
      if (!seed->has_value()) {
        report.failures.push_back(describe(record) + ": no seed with commitment " +
                                  record.commitment);
        return core::ok_status();
      }
      it = seeds.emplace(record.commitment, std::move(**seed)).first;
    }
    const SeedRecord& seed = it->second;
    if (!seed.revealed_at_us) ++report.unrevealed;
    if (sha256_hex(seed.server_seed) != record.commitment) {
      report.failures.push_back(describe(record) +
                                ": SHA-256 of the server seed is not the "
                                "commitment");
      return core::ok_status();
    }
    auto bet = parse_bet(record.game, record.params);
    if (!bet) {
      report.failures.push_back(describe(record) + ": " + bet.error().message());
      return core::ok_status();
    }
    FairStream stream(hasher, seed.server_seed, record.client_seed, record.nonce);
    auto outcome = play(*bet, record.amount, record.house_edge_bp, stream);
    CORE_RETURN_IF_ERROR(outcome);
    if (outcome->value != record.outcome || outcome->payout != record.payout) {
      report.failures.push_back(
          describe(record) + ": recorded outcome " + std::to_string(record.outcome) + " paying " +
          std::to_string(record.payout) + ", the seeds give " + std::to_string(outcome->value) +
          " paying " + std::to_string(outcome->payout));
    }
    return core::ok_status();
  };
  if (seq == 0) {
    CORE_RETURN_IF_ERROR(store.scan_ledger(0, check));
    return report;
  }
  auto record = store.record(seq);
  CORE_RETURN_IF_ERROR(record);
  if (!record->has_value()) {
    return core::fail(core::ErrorCode::kNotFound,
                      "no ledger record with seq " + std::to_string(seq));
  }
  if ((*record)->kind != RecordKind::kWager) {
    return core::fail(core::ErrorCode::kNotFound,
                      describe(**record) + " is not a wager; only wagers have outcomes");
  }
  CORE_RETURN_IF_ERROR(check(**record));
  return report;
}

}  // namespace autobets
