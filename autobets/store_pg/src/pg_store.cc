#include "autobets/pg_store.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "autobets/commit_rules.h"
#include "autobets/connection_pool.h"
#include "pg_connection.h"
#include "pg_schema.h"

namespace autobets {

using pg::array_literal;
using pg::Connection;
using pg::kLedgerColumns;
using pg::kSeedColumns;
using pg::Params;
using pg::read_record;
using pg::read_seed;
using pg::Rows;

namespace {

// A batch that lost a deadlock or a serialization check (SQLSTATE 40P01, 40001) is run again
// from the start, this many times at most, after a short random pause.
constexpr int kMaxAttempts = 20;

bool is_retryable_conflict(const std::string& sqlstate) {
  return sqlstate == pg::kSerializationFailure || sqlstate == pg::kDeadlockDetected;
}

void backoff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  int ceiling_us = 200 << std::min(attempt, 6);
  std::this_thread::sleep_for(std::chrono::microseconds(
      std::uniform_int_distribution<int>(ceiling_us / 2, ceiling_us)(random)));
}

std::string str(std::int64_t value) { return std::to_string(value); }

const std::string kLoadSql =
    "SELECT a.balance, a.last_seq, a.next_nonce, s.commitment, s.user_id, s.server_seed, "
    "s.client_seed, s.created_at_us, s.revealed_at_us, a.version, n.commitment, n.server_seed, "
    "n.created_at_us FROM accounts a JOIN seeds s ON s.seed_id = a.seed_id LEFT JOIN "
    "next_seeds n ON n.user_id = a.user_id WHERE a.user_id = $1";
const std::string kFindByKeySql =
    "SELECT " + std::string(kLedgerColumns) + " FROM ledger WHERE user_id = $1 AND idem_key = $2";
// The lock every ledger writer holds until COMMIT: taken first, so locks are always taken
// in one global order (ledger_head, then accounts by user id) and seqs commit in order.
const std::string kLockHeadSql = "SELECT last_seq FROM ledger_head WHERE id = 1 FOR UPDATE";
const std::string kLockAccountsSql =
    "SELECT a.user_id, a.balance, a.last_seq, a.commitment, a.next_nonce, a.version, "
    "coalesce(n.commitment, ''), a.seed_id FROM accounts a LEFT JOIN next_seeds n ON n.user_id = "
    "a.user_id WHERE a.user_id = ANY($1::text[]) ORDER BY a.user_id COLLATE \"C\" FOR UPDATE OF a";
const std::string kExistingKeysSql =
    "SELECT l.user_id, l.idem_key FROM ledger l JOIN unnest($1::text[], $2::text[]) AS k(user_id, "
    "idem_key) ON l.user_id = k.user_id AND l.idem_key = k.idem_key";
const std::string kInsertLedgerSql =
    "INSERT INTO ledger_entries (seq, user_id, kind, idem_key, amount, game, params, outcome, "
    "payout, house_edge_bp, balance_before, balance_after, seed_id, client_seed, nonce, "
    "created_at_us, prev_seq) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], "
    "$4::text[], $5::bigint[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], "
    "$10::integer[], $11::bigint[], $12::bigint[], $13::bigint[], $14::text[], $15::bigint[], "
    "$16::bigint[], $17::bigint[]) ORDER BY 1";
const std::string kUpdateAccountsSql =
    "UPDATE accounts a SET balance = u.balance, last_seq = u.last_seq, commitment = "
    "u.commitment, next_nonce = u.next_nonce, version = u.version, seed_id = u.seed_id FROM "
    "unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[], "
    "$7::bigint[], $8::bigint[]) AS u(user_id, balance, last_seq, commitment, next_nonce, "
    "version, seed_id, read_version) WHERE a.user_id = u.user_id AND a.version = "
    "u.read_version";
const std::string kInsertAccountsSql =
    "INSERT INTO accounts (user_id, balance, last_seq, commitment, next_nonce, version, "
    "seed_id) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], "
    "$5::bigint[], $6::bigint[], $7::bigint[]) ON CONFLICT (user_id) DO NOTHING";
const std::string kInsertSeedSql =
    "INSERT INTO seeds (commitment, user_id, server_seed, client_seed, created_at_us) VALUES "
    "($1, $2, $3, $4, $5) RETURNING seed_id";
const std::string kRevealSeedsSql =
    "UPDATE seeds SET revealed_at_us = $3 WHERE user_id = $1 AND revealed_at_us IS NULL AND "
    "commitment <> $2";
const std::string kPutNextSeedSql =
    "INSERT INTO next_seeds (user_id, commitment, server_seed, created_at_us) VALUES ($1, $2, "
    "$3, $4) ON CONFLICT (user_id) DO UPDATE SET commitment = excluded.commitment, server_seed "
    "= excluded.server_seed, created_at_us = excluded.created_at_us";
const std::string kAdvanceAppliedSql =
    "UPDATE ledger_head SET applied_seq = greatest(applied_seq, $1) WHERE id = 1";

// The ledger rows of a batch, as the columns of one multi-row INSERT.
struct LedgerColumns {
  std::vector<std::string> columns[17];
  std::size_t size() const { return columns[0].size(); }
  // Every record carries its user's seed position (a wager's nonce is the account's next).
  void add(const LedgerRecord& r, Seq seq, Seq prev_seq, std::int64_t seed_id, std::int64_t nonce) {
    const std::string values[17] = {str(seq),
                                    r.user,
                                    std::string(to_string(r.kind)),
                                    r.idempotency_key,
                                    str(r.amount),
                                    r.game,
                                    r.params,
                                    str(r.outcome),
                                    str(r.payout),
                                    str(r.house_edge_bp),
                                    str(r.balance_before),
                                    str(r.balance_after),
                                    str(seed_id),
                                    r.client_seed,
                                    str(nonce),
                                    str(r.created_at_us),
                                    str(prev_seq)};
    for (int i = 0; i < 17; ++i) columns[i].push_back(values[i]);
  }
  Params params() const {
    Params params;
    for (const auto& column : columns) params.push_back(array_literal(column));
    return params;
  }
  void clear() {
    for (auto& column : columns) column.clear();
  }
};

}  // namespace

bool is_postgres_url(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::string redact_postgres_url(std::string_view url) { return pg::redact_url(url); }

struct PgStore::Impl {
  std::string url;
  PgStoreOptions options;
  std::unique_ptr<Connection> writer;  // used by one thread at a time (the store contract)

  std::optional<ConnectionPool<Connection>> readers;  // set up once the options are known

  core::Status fault(FaultPoint point) {
    return options.fault ? options.fault(point) : core::ok_status();
  }

  core::Result<std::unique_ptr<ConnectionPool<Connection>::Lease>> reader() {
    return readers->lease();
  }

  // Runs `attempt` (one whole transaction) again while it fails with a deadlock or a
  // serialization failure; any failure rolls the transaction back.
  template <typename T, typename F>
  core::Result<T> in_transaction(F&& attempt) {
    for (int tries = 1;; ++tries) {
      auto begun = writer->exec("BEGIN");
      core::Result<T> result = begun ? attempt() : core::Result<T>(core::fail(begun.error()));
      std::string sqlstate = writer->last_sqlstate();
      writer->rollback();  // a no-op once COMMIT ran
      if (result || !is_retryable_conflict(sqlstate) || tries == kMaxAttempts) return result;
      backoff(tries);
    }
  }

  core::Status commit_transaction() {
    auto committed = writer->exec("COMMIT");
    CORE_RETURN_IF_ERROR(committed);
    if (committed->command() != "COMMIT") {
      return core::fail(core::ErrorCode::kIo,
                        "PostgreSQL rolled the transaction back on " + writer->display_url());
    }
    return core::ok_status();
  }

  struct Projection {
    Account account;
    std::string next_commitment;
    std::int64_t seed_id = 0;  // of account.commitment
    std::int64_t read_version = 0;
    bool exists = false;
  };
  core::Result<CommitResult> commit_once(std::span<const StoreOp> ops);
  core::Status flush(LedgerColumns& rows);
};

PgStore::PgStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgStore::~PgStore() = default;

core::Status PgStore::create(const std::string& url, const Limits& limits) {
  auto connection = Connection::open(url);
  CORE_RETURN_IF_ERROR(connection);
  Connection& db = **connection;
  auto status = [&]() -> core::Status {
    CORE_RETURN_IF_ERROR(db.exec("BEGIN"));
    auto schema = db.exec(pg::kSchema);
    if (!schema) {
      // 42P07: a table of ours exists; 23505: a concurrent `init` created it first.
      if (db.last_sqlstate() == pg::kDuplicateTable || db.last_sqlstate() == "23505") {
        return core::fail(core::ErrorCode::kAlreadyExists,
                          "the database at " + db.display_url() +
                              " already has AutoBets tables; refusing to overwrite them");
      }
      return core::fail(schema.error());
    }
    for (auto [key, value] :
         {std::pair<std::string, std::string>{"schema_version", std::string(pg::kSchemaVersion)},
          {"house_edge_bp", str(limits.house_edge_bp)},
          {"min_bet", str(limits.min_bet)},
          {"max_bet", str(limits.max_bet)},
          {"max_payout", str(limits.max_payout)}}) {
      CORE_RETURN_IF_ERROR(
          db.query("INSERT INTO settings (key, value) VALUES ($1, $2)", {key, value}));
    }
    auto committed = db.exec("COMMIT");
    CORE_RETURN_IF_ERROR(committed);
    return core::ok_status();
  }();
  db.rollback();
  return status;
}

core::Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url,
                                                     PgStoreOptions options) {
  auto writer = Connection::open(url);
  CORE_RETURN_IF_ERROR(writer);
  auto version = (*writer)->query("SELECT value FROM settings WHERE key = 'schema_version'");
  if (!version) {
    if ((*writer)->last_sqlstate() == pg::kUndefinedTable) {
      return core::fail(core::ErrorCode::kCorrupt,
                        "the database at " + (*writer)->display_url() +
                            " is not an AutoBets database (no such table: settings); run "
                            "`autobets init` on it first");
    }
    return core::fail(version.error());
  }
  if (!version->empty() && (version->text(0, 0) == "1" || version->text(0, 0) == "2")) {
    // Older ledgers are refused by name rather than migrated (docs/ledger.md).
    return core::fail(core::ErrorCode::kCorrupt,
                      "the database at " + (*writer)->display_url() +
                          " holds AutoBets tables of schema version " + version->text(0, 0) +
                          ", which this version no longer opens (it needs schema version " +
                          std::string(pg::kSchemaVersion) +
                          "; open it with the release that created it)");
  }
  if (version->empty() || version->text(0, 0) != pg::kSchemaVersion) {
    return core::fail(core::ErrorCode::kCorrupt,
                      "the database at " + (*writer)->display_url() +
                          " is not an AutoBets database of schema version " +
                          std::string(pg::kSchemaVersion));
  }
  auto impl = std::make_unique<Impl>();
  impl->url = url;
  impl->options = std::move(options);
  impl->writer = std::move(*writer);
  impl->readers.emplace([url = impl->url] { return Connection::open(url); },
                        impl->options.max_idle_readers);
  return std::unique_ptr<PgStore>(new PgStore(std::move(impl)));
}

core::Result<Limits> PgStore::limits() {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto rows = (**lease)->query("SELECT key, value FROM settings");
  CORE_RETURN_IF_ERROR(rows);
  Limits limits;
  for (int i = 0; i < rows->size(); ++i) {
    std::string key = rows->text(i, 0);
    std::int64_t value = rows->int64(i, 1);
    if (key == "house_edge_bp") limits.house_edge_bp = static_cast<std::int32_t>(value);
    if (key == "min_bet") limits.min_bet = value;
    if (key == "max_bet") limits.max_bet = value;
    if (key == "max_payout") limits.max_payout = value;
  }
  return limits;
}

core::Result<std::optional<Store::Snapshot>> PgStore::load(std::string_view user) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto rows = (**lease)->prepared("load", kLoadSql, {std::string(user)});
  CORE_RETURN_IF_ERROR(rows);
  std::optional<Snapshot> snapshot;
  if (!rows->empty()) {
    snapshot.emplace();
    snapshot->account.user = std::string(user);
    snapshot->account.balance = rows->int64(0, 0);
    snapshot->account.last_seq = rows->int64(0, 1);
    snapshot->account.next_nonce = rows->int64(0, 2);
    snapshot->seed = read_seed(*rows, 0, 3);
    snapshot->account.commitment = snapshot->seed.commitment;
    snapshot->account.version = rows->int64(0, 9);
    snapshot->next_seed.user = snapshot->account.user;
    snapshot->next_seed.commitment = rows->text(0, 10);
    snapshot->next_seed.server_seed = rows->text(0, 11);
    snapshot->next_seed.created_at_us = rows->int64(0, 12);
  }
  return snapshot;
}

core::Result<std::optional<LedgerRecord>> PgStore::find_by_key(std::string_view user,
                                                               std::string_view key) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto rows =
      (**lease)->prepared("find_by_key", kFindByKeySql, {std::string(user), std::string(key)});
  CORE_RETURN_IF_ERROR(rows);
  if (rows->empty()) return std::optional<LedgerRecord>();
  return std::optional<LedgerRecord>(read_record(*rows, 0));
}

core::Status PgStore::Impl::flush(LedgerColumns& rows) {
  if (rows.size() == 0) return core::ok_status();
  auto inserted = writer->prepared("insert_ledger", kInsertLedgerSql, rows.params());
  CORE_RETURN_IF_ERROR(inserted);
  if (inserted->affected() != static_cast<std::int64_t>(rows.size())) {
    return core::fail(core::ErrorCode::kInternal, "the ledger insert wrote " +
                                                      str(inserted->affected()) + " of " +
                                                      str(rows.size()) + " records");
  }
  rows.clear();
  return core::ok_status();
}

core::Result<CommitResult> PgStore::Impl::commit_once(std::span<const StoreOp> ops) {
  auto user_of = [](const StoreOp& op) -> const std::string& {
    return op.type == StoreOp::Type::kNewSeed ? op.seed.user : op.record.user;
  };
  // 1. The locks, in the global order: the ledger head, then the touched accounts by user id.
  auto head = writer->prepared("lock_head", kLockHeadSql, {});
  CORE_RETURN_IF_ERROR(head);
  if (head->empty()) return core::fail(core::ErrorCode::kCorrupt, "ledger_head has no row");
  Seq next_seq = head->int64(0, 0);
  std::map<std::string, Projection, std::less<>> touched;
  for (const StoreOp& op : ops) touched[user_of(op)].account.user = user_of(op);
  std::vector<std::string> users;
  for (const auto& [user, projection] : touched) users.push_back(user);
  auto locked = writer->prepared("lock_accounts", kLockAccountsSql, {array_literal(users)});
  CORE_RETURN_IF_ERROR(locked);
  for (int i = 0; i < locked->size(); ++i) {
    Projection& projection = touched.find(locked->text(i, 0))->second;
    projection.exists = true;
    projection.account.balance = locked->int64(i, 1);
    projection.account.last_seq = locked->int64(i, 2);
    projection.account.commitment = locked->text(i, 3);
    projection.account.next_nonce = locked->int64(i, 4);
    projection.account.version = locked->int64(i, 5);
    projection.read_version = projection.account.version;
    projection.next_commitment = locked->text(i, 6);
    projection.seed_id = locked->int64(i, 7);
  }

  // 2. The optimistic check: every op applies on top of exactly the version it was computed
  //    from, as this transaction (which holds the rows' locks) reads it.
  CommitResult result;
  std::set<std::string_view> conflicted;
  for (const StoreOp& op : ops) {
    const std::string& user = user_of(op);
    Account& account = touched.find(user)->second.account;
    if (op.expect_version != account.version) {
      if (conflicted.insert(user).second) result.conflicts.push_back(user);
      continue;
    }
    ++account.version;
  }
  if (!result.committed()) return result;
  // 3. Idempotency: a record whose key its user already has is a repeat, answered by the
  //    engine with the first record, so it is a conflict too; so is, in batch order, every
  //    later op of that user, and a transfer names its other half's user as well. No other
  //    writer can add a key meanwhile: we hold ledger_head.
  std::vector<std::string> key_users;
  std::vector<std::string> keys;
  for (const StoreOp& op : ops) {
    if (op.type != StoreOp::Type::kAppend) continue;
    key_users.push_back(op.record.user);
    keys.push_back(op.record.idempotency_key);
  }
  if (!keys.empty()) {
    auto found = writer->prepared("existing_keys", kExistingKeysSql,
                                  {array_literal(key_users), array_literal(keys)});
    CORE_RETURN_IF_ERROR(found);
    std::set<std::pair<std::string, std::string>> existing;
    for (int i = 0; i < found->size(); ++i) existing.emplace(found->text(i, 0), found->text(i, 1));
    auto conflict = [&](const std::string& user) {
      if (conflicted.insert(user).second) result.conflicts.push_back(user);
    };
    for (const StoreOp& op : ops) {
      const bool transfer =
          op.type == StoreOp::Type::kAppend &&
          (op.record.kind == RecordKind::kTransferOut || op.record.kind == RecordKind::kTransferIn);
      if (conflicted.contains(user_of(op))) {
        if (transfer) conflict(op.record.params);
        continue;
      }
      if (op.type != StoreOp::Type::kAppend) continue;
      const LedgerRecord& r = op.record;
      // A key repeated inside the batch is a repeat as well (the unique key would refuse it).
      if (!existing.emplace(r.user, r.idempotency_key).second) {
        conflict(r.user);
        if (transfer) conflict(r.params);
      }
    }
  }
  if (!result.committed()) return result;
  for (auto& [user, projection] : touched) projection.account.version = projection.read_version;

  // 4. The writes, ledger rows first (a seed change is written in its place in the batch).
  CORE_RETURN_IF_ERROR(fault(FaultPoint::kBeforeLedgerWrite));
  LedgerColumns rows;
  result.seqs.reserve(ops.size());
  for (const StoreOp& op : ops) {
    Projection& projection = touched.find(user_of(op))->second;
    Account& account = projection.account;
    CORE_RETURN_IF_ERROR(check_op_continues(op, account, projection.next_commitment));
    ++account.version;
    if (op.type == StoreOp::Type::kNewSeed) {
      const SeedRecord& seed = op.seed;
      CORE_RETURN_IF_ERROR(flush(rows));
      auto inserted = writer->prepared("insert_seed", kInsertSeedSql,
                                       {seed.commitment, seed.user, seed.server_seed,
                                        seed.client_seed, str(seed.created_at_us)});
      CORE_RETURN_IF_ERROR(inserted);
      projection.seed_id = inserted->int64(0, 0);
      CORE_RETURN_IF_ERROR(writer->prepared("reveal_seeds", kRevealSeedsSql,
                                            {seed.user, seed.commitment, str(seed.created_at_us)}));
      const SeedRecord& next = op.next_seed;
      CORE_RETURN_IF_ERROR(writer->prepared(
          "put_next_seed", kPutNextSeedSql,
          {seed.user, next.commitment, next.server_seed, str(next.created_at_us)}));
      account.commitment = seed.commitment;
      account.next_nonce = 0;
      projection.next_commitment = next.commitment;
      continue;
    }
    const LedgerRecord& r = op.record;
    Seq seq = ++next_seq;
    rows.add(r, seq, account.last_seq, projection.seed_id, account.next_nonce);
    result.seqs.push_back(seq);
    account.balance = r.balance_after;
    account.last_seq = seq;
    if (r.kind == RecordKind::kWager) account.next_nonce = r.nonce + 1;
  }
  CORE_RETURN_IF_ERROR(flush(rows));

  // 5. The balance projection, each row only on top of the version read in step 1.
  CORE_RETURN_IF_ERROR(fault(FaultPoint::kBeforeBalanceWrite));
  std::vector<std::string> columns[8];
  std::vector<std::string> fresh[7];
  std::int64_t existing = 0;
  std::int64_t created = 0;
  for (const auto& [user, projection] : touched) {
    const Account& a = projection.account;
    const std::string values[8] = {user,
                                   str(a.balance),
                                   str(a.last_seq),
                                   a.commitment,
                                   str(a.next_nonce),
                                   str(a.version),
                                   str(projection.seed_id),
                                   str(projection.read_version)};
    if (projection.exists) {
      for (int i = 0; i < 8; ++i) columns[i].push_back(values[i]);
      ++existing;
    } else {
      for (int i = 0; i < 7; ++i) fresh[i].push_back(values[i]);
      ++created;
    }
  }
  if (existing > 0) {
    Params params;
    for (const auto& column : columns) params.push_back(array_literal(column));
    auto updated = writer->prepared("update_accounts", kUpdateAccountsSql, params);
    CORE_RETURN_IF_ERROR(updated);
    if (updated->affected() != existing) {
      return core::fail(core::ErrorCode::kInternal, "an account moved during the commit");
    }
  }
  if (created > 0) {
    Params params;
    for (const auto& column : fresh) params.push_back(array_literal(column));
    auto inserted = writer->prepared("insert_accounts", kInsertAccountsSql, params);
    CORE_RETURN_IF_ERROR(inserted);
    if (inserted->affected() != created) {
      return core::fail(core::ErrorCode::kInternal,
                        "an account was created by another client during the commit");
    }
  }
  if (!result.seqs.empty()) {
    CORE_RETURN_IF_ERROR(
        writer->prepared("advance_applied", kAdvanceAppliedSql, {str(result.seqs.back())}));
  }
  CORE_RETURN_IF_ERROR(fault(FaultPoint::kBeforeCommit));
  CORE_RETURN_IF_ERROR(commit_transaction());
  return result;
}

core::Result<CommitResult> PgStore::commit(std::span<const StoreOp> ops) {
  return impl_->in_transaction<CommitResult>([&] { return impl_->commit_once(ops); });
}

core::Status PgStore::scan_ledger(Seq after_seq,
                                  const std::function<core::Status(const LedgerRecord&)>& visit) {
  // Pages by seq: seqs commit in order, so a record committed during the scan always has a
  // seq past every record already read and no page can miss one.
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  const std::string sql = "SELECT " + std::string(kLedgerColumns) +
                          " FROM ledger WHERE seq > $1 ORDER BY seq LIMIT 2000";
  while (true) {
    auto rows = (**lease)->prepared("scan_ledger", sql, {str(after_seq)});
    CORE_RETURN_IF_ERROR(rows);
    if (rows->empty()) return core::ok_status();
    for (int i = 0; i < rows->size(); ++i) {
      LedgerRecord record = read_record(*rows, i);
      after_seq = record.seq;
      CORE_RETURN_IF_ERROR(visit(record));
    }
  }
}

core::Result<std::vector<Account>> PgStore::accounts() {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto rows = (**lease)->query(
      "SELECT user_id, balance, last_seq, commitment, next_nonce, version FROM accounts ORDER BY "
      "user_id COLLATE \"C\"");
  CORE_RETURN_IF_ERROR(rows);
  std::vector<Account> accounts;
  accounts.reserve(static_cast<std::size_t>(rows->size()));
  for (int i = 0; i < rows->size(); ++i) {
    accounts.push_back(Account{rows->text(i, 0), rows->int64(i, 1), rows->int64(i, 2),
                               rows->text(i, 3), rows->int64(i, 4), rows->int64(i, 5)});
  }
  return accounts;
}

core::Result<Seq> PgStore::applied_seq() {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto rows = (**lease)->query("SELECT applied_seq FROM ledger_head WHERE id = 1");
  CORE_RETURN_IF_ERROR(rows);
  if (rows->empty()) return core::fail(core::ErrorCode::kCorrupt, "ledger_head has no row");
  return rows->int64(0, 0);
}

core::Result<std::vector<std::string>> PgStore::put_accounts(std::span<const Account> accounts,
                                                             Seq applied_seq) {
  std::vector<const Account*> sorted;
  for (const Account& account : accounts) sorted.push_back(&account);
  std::sort(sorted.begin(), sorted.end(),
            [](const Account* a, const Account* b) { return a->user < b->user; });
  return impl_->in_transaction<std::vector<std::string>>(
      [&]() -> core::Result<std::vector<std::string>> {
        Connection& db = *impl_->writer;
        CORE_RETURN_IF_ERROR(db.prepared("lock_head", kLockHeadSql, {}));
        std::vector<std::string> conflicts;
        for (const Account* account : sorted) {
          auto updated = db.prepared(
              "put_account",
              "UPDATE accounts SET balance = $2, last_seq = $3, commitment = $4, seed_id = "
              "(SELECT seed_id FROM seeds WHERE commitment = $4), next_nonce = $5, version = "
              "version + 1 WHERE user_id = $1 AND version = $6",
              {account->user, str(account->balance), str(account->last_seq), account->commitment,
               str(account->next_nonce), str(account->version)});
          CORE_RETURN_IF_ERROR(updated);
          if (updated->affected() != 1) conflicts.push_back(account->user);
        }
        if (!conflicts.empty()) return conflicts;
        CORE_RETURN_IF_ERROR(
            db.prepared("advance_applied", kAdvanceAppliedSql, {str(applied_seq)}));
        CORE_RETURN_IF_ERROR(impl_->commit_transaction());
        return conflicts;
      });
}

core::Result<std::optional<LedgerRecord>> PgStore::record(Seq seq) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto rows = (**lease)->prepared(
      "record", "SELECT " + std::string(kLedgerColumns) + " FROM ledger WHERE seq = $1",
      {str(seq)});
  CORE_RETURN_IF_ERROR(rows);
  if (rows->empty()) return std::optional<LedgerRecord>();
  return std::optional<LedgerRecord>(read_record(*rows, 0));
}

core::Result<std::vector<LedgerRecord>> PgStore::history(std::string_view user, std::size_t limit) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto rows = (**lease)->prepared("history",
                                  "SELECT " + std::string(kLedgerColumns) +
                                      " FROM ledger WHERE user_id = $1 ORDER BY seq DESC LIMIT $2",
                                  {std::string(user), str(static_cast<std::int64_t>(limit))});
  CORE_RETURN_IF_ERROR(rows);
  std::vector<LedgerRecord> records;
  for (int i = 0; i < rows->size(); ++i) records.push_back(read_record(*rows, i));
  return records;
}

core::Result<std::optional<SeedRecord>> PgStore::seed(std::string_view commitment) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto rows = (**lease)->prepared(
      "seed", "SELECT " + std::string(kSeedColumns) + " FROM seeds WHERE commitment = $1",
      {std::string(commitment)});
  CORE_RETURN_IF_ERROR(rows);
  if (rows->empty()) return std::optional<SeedRecord>();
  return std::optional<SeedRecord>(read_seed(*rows, 0, 0));
}

core::Result<std::vector<SeedRecord>> PgStore::seeds(std::string_view user) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto rows = (**lease)->prepared("seeds",
                                  "SELECT " + std::string(kSeedColumns) +
                                      " FROM seeds WHERE user_id = $1 ORDER BY created_at_us, "
                                      "commitment COLLATE \"C\"",
                                  {std::string(user)});
  CORE_RETURN_IF_ERROR(rows);
  std::vector<SeedRecord> seeds;
  for (int i = 0; i < rows->size(); ++i) seeds.push_back(read_seed(*rows, i, 0));
  return seeds;
}

}  // namespace autobets
