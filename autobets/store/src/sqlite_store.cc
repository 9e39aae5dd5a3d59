#include "autobets/sqlite_store.h"

#include <map>
#include <mutex>
#include <optional>

#include "sqlite_connection.h"
#include "sqlite_schema.h"

namespace autobets {
namespace {

using sqlite::Connection;
using sqlite::kLedgerColumns;
using sqlite::kSchema;
using sqlite::kSchemaVersion;
using sqlite::kSeedColumns;
using sqlite::read_record;
using sqlite::read_seed;
using sqlite::Statement;

core::Status apply_pragmas(Connection& connection) {
  return connection.exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;"
      "PRAGMA cache_size=-32768; PRAGMA wal_autocheckpoint=4000;");
}

}  // namespace

// A read connection with its statements, lent to one thread at a time.
struct Reader {
  std::unique_ptr<Connection> connection;
  std::optional<Statement> load;
  std::optional<Statement> find_by_key;
};

struct SqliteStore::Impl {
  std::filesystem::path path;
  SqliteStoreOptions options;
  std::unique_ptr<Connection> writer;  // used by one thread at a time (the store contract)
  std::optional<Statement> insert_record;
  std::optional<Statement> insert_seed;
  std::optional<Statement> reveal_seeds;
  std::optional<Statement> activate_seed;
  std::optional<Statement> update_account;
  std::optional<Statement> set_applied_seq;

  std::mutex readers_mutex;
  std::vector<std::unique_ptr<Reader>> idle_readers;  // guarded by readers_mutex

  core::Status fault(FaultPoint point) {
    return options.fault ? options.fault(point) : core::ok_status();
  }

  // Lends a reader; returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(Impl& impl, std::unique_ptr<Reader> reader) : impl_(impl), reader_(std::move(reader)) {}
    ~Lease() {
      std::lock_guard lock(impl_.readers_mutex);
      impl_.idle_readers.push_back(std::move(reader_));
    }
    Reader* operator->() { return reader_.get(); }

   private:
    Impl& impl_;
    std::unique_ptr<Reader> reader_;
  };

  core::Result<std::unique_ptr<Lease>> reader() {
    {
      std::lock_guard lock(readers_mutex);
      if (!idle_readers.empty()) {
        auto reader = std::move(idle_readers.back());
        idle_readers.pop_back();
        return std::make_unique<Lease>(*this, std::move(reader));
      }
    }
    auto connection = Connection::open(path, false);
    CORE_RETURN_IF_ERROR(connection);
    CORE_RETURN_IF_ERROR((*connection)->exec("PRAGMA busy_timeout=10000; PRAGMA query_only=1;"));
    auto reader = std::make_unique<Reader>();
    reader->connection = std::move(*connection);
    return std::make_unique<Lease>(*this, std::move(reader));
  }

  core::Status prepare_writer() {
    auto prepare = [&](std::optional<Statement>& slot, std::string_view sql) -> core::Status {
      auto statement = writer->prepare(sql);
      CORE_RETURN_IF_ERROR(statement);
      slot.emplace(std::move(*statement));
      return core::ok_status();
    };
    CORE_RETURN_IF_ERROR(prepare(
        insert_record,
        "INSERT INTO ledger (user_id, kind, idem_key, amount, game, params, outcome, payout, "
        "house_edge_bp, balance_before, balance_after, commitment, client_seed, nonce, "
        "created_at_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
        "?15)"));
    CORE_RETURN_IF_ERROR(prepare(insert_seed,
                                 "INSERT INTO seeds (commitment, user_id, server_seed, "
                                 "client_seed, created_at_us) VALUES (?1, ?2, ?3, ?4, ?5)"));
    CORE_RETURN_IF_ERROR(prepare(reveal_seeds,
                                 "UPDATE seeds SET revealed_at_us = ?3 WHERE user_id = ?1 AND "
                                 "revealed_at_us IS NULL AND commitment <> ?2"));
    CORE_RETURN_IF_ERROR(
        prepare(activate_seed,
                "INSERT INTO accounts (user_id, balance, last_seq, commitment, next_nonce) "
                "VALUES (?1, 0, 0, ?2, 0) ON CONFLICT (user_id) DO UPDATE SET "
                "commitment = excluded.commitment, next_nonce = 0"));
    CORE_RETURN_IF_ERROR(prepare(set_applied_seq,
                                 "UPDATE settings SET value = ?1 WHERE key = 'applied_seq' "
                                 "AND CAST(value AS INTEGER) < ?1"));
    return prepare(update_account,
                   "UPDATE accounts SET balance = ?2, last_seq = ?3, "
                   "next_nonce = coalesce(?4, next_nonce) WHERE user_id = ?1");
  }

  core::Result<std::vector<Seq>> commit_in_transaction(std::span<const StoreOp> ops);
};

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

core::Status SqliteStore::create(const std::filesystem::path& path, const Limits& limits) {
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    return core::fail(core::ErrorCode::kAlreadyExists,
                      "a file already exists at " + path.string() + "; refusing to overwrite it");
  }
  auto connection = Connection::open(path, true);
  CORE_RETURN_IF_ERROR(connection);
  Connection& db = **connection;
  CORE_RETURN_IF_ERROR(apply_pragmas(db));
  CORE_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  auto status = db.exec(kSchema);
  if (status) {
    auto insert = db.prepare("INSERT INTO settings (key, value) VALUES (?1, ?2)");
    CORE_RETURN_IF_ERROR(insert);
    for (auto [key, value] :
         {std::pair<std::string_view, std::string>{"schema_version", std::string(kSchemaVersion)},
          {"applied_seq", "0"},
          {"house_edge_bp", std::to_string(limits.house_edge_bp)},
          {"min_bet", std::to_string(limits.min_bet)},
          {"max_bet", std::to_string(limits.max_bet)},
          {"max_payout", std::to_string(limits.max_payout)}}) {
      status = insert->bind(1, key).bind(2, value).run();
      if (!status) break;
    }
  }
  if (status) status = db.exec("COMMIT");
  if (!status) {
    (void)db.exec("ROLLBACK");
    connection->reset();
    std::filesystem::remove(path, error);
    return status;
  }
  return core::ok_status();
}

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& path,
                                                             SqliteStoreOptions options) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return core::fail(core::ErrorCode::kNotFound, "no database at " + path.string() +
                                                      " (create one with `autobets init --db " +
                                                      path.string() + "`)");
  }
  auto connection = Connection::open(path, false);
  CORE_RETURN_IF_ERROR(connection);
  // Check what the file is before changing anything in it (journal mode is persistent).
  {
    auto version =
        (*connection)->prepare("SELECT value FROM settings WHERE key = 'schema_version'");
    if (!version) {
      auto& message = version.error().message();
      if (version.error().code() == core::ErrorCode::kCorrupt ||
          message.find("no such table") != std::string::npos) {
        return core::fail(core::ErrorCode::kCorrupt,
                          path.string() + " is not an AutoBets database (" + message + ")");
      }
      return core::fail(version.error());
    }
    auto row = version->step();
    if (!row) {
      return core::fail(
          core::ErrorCode::kCorrupt,
          path.string() + " is not a readable AutoBets database (" + row.error().message() + ")");
    }
    if (!*row || version->text(0) != kSchemaVersion) {
      return core::fail(core::ErrorCode::kCorrupt,
                        path.string() + " has an unsupported schema version '" +
                            (*row ? version->text(0) : std::string("none")) + "'");
    }
  }
  CORE_RETURN_IF_ERROR(apply_pragmas(**connection));
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = std::move(options);
  impl->writer = std::move(*connection);
  CORE_RETURN_IF_ERROR(impl->prepare_writer());
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

core::Result<Limits> SqliteStore::limits() {
  auto statement = impl_->writer->prepare("SELECT key, value FROM settings");
  CORE_RETURN_IF_ERROR(statement);
  Limits limits;
  while (true) {
    auto row = statement->step();
    CORE_RETURN_IF_ERROR(row);
    if (!*row) break;
    std::string key = statement->text(0);
    std::int64_t value = statement->int64(1);
    if (key == "house_edge_bp") limits.house_edge_bp = static_cast<std::int32_t>(value);
    if (key == "min_bet") limits.min_bet = value;
    if (key == "max_bet") limits.max_bet = value;
    if (key == "max_payout") limits.max_payout = value;
  }
  return limits;
}

core::Result<std::optional<Store::Snapshot>> SqliteStore::load(std::string_view user) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto& reader = **lease;
  if (!reader->load) {
    auto statement = reader->connection->prepare(
        "SELECT a.balance, a.last_seq, a.next_nonce, s.commitment, s.user_id, s.server_seed, "
        "s.client_seed, s.created_at_us, s.revealed_at_us FROM accounts a JOIN seeds s "
        "ON s.commitment = a.commitment WHERE a.user_id = ?1");
    CORE_RETURN_IF_ERROR(statement);
    reader->load.emplace(std::move(*statement));
  }
  Statement& statement = *reader->load;
  statement.bind(1, user);
  auto row = statement.step();
  CORE_RETURN_IF_ERROR(row);
  std::optional<Snapshot> snapshot;
  if (*row) {
    snapshot.emplace();
    snapshot->account.user = std::string(user);
    snapshot->account.balance = statement.int64(0);
    snapshot->account.last_seq = statement.int64(1);
    snapshot->account.next_nonce = statement.int64(2);
    snapshot->seed = read_seed(statement, 3);
    snapshot->account.commitment = snapshot->seed.commitment;
  }
  statement.reset();
  return snapshot;
}

core::Result<std::optional<LedgerRecord>> SqliteStore::find_by_key(std::string_view user,
                                                                   std::string_view key) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto& reader = **lease;
  if (!reader->find_by_key) {
    auto statement =
        reader->connection->prepare("SELECT " + std::string(kLedgerColumns) +
                                    " FROM ledger WHERE user_id = ?1 AND idem_key = ?2");
    CORE_RETURN_IF_ERROR(statement);
    reader->find_by_key.emplace(std::move(*statement));
  }
  Statement& statement = *reader->find_by_key;
  statement.bind(1, user).bind(2, key);
  auto row = statement.step();
  CORE_RETURN_IF_ERROR(row);
  std::optional<LedgerRecord> record;
  if (*row) record = read_record(statement);
  statement.reset();
  return record;
}

core::Result<std::vector<Seq>> SqliteStore::Impl::commit_in_transaction(
    std::span<const StoreOp> ops) {
  struct Projection {
    Amount balance = 0;
    Seq last_seq = 0;
    std::optional<std::int64_t> next_nonce;
  };
  std::map<std::string_view, Projection> touched;
  std::vector<Seq> seqs;
  seqs.reserve(ops.size());
  CORE_RETURN_IF_ERROR(fault(FaultPoint::kBeforeLedgerWrite));
  for (const StoreOp& op : ops) {
    if (op.type == StoreOp::Type::kNewSeed) {
      const SeedRecord& seed = op.seed;
      CORE_RETURN_IF_ERROR(insert_seed->bind(1, seed.commitment)
                               .bind(2, seed.user)
                               .bind(3, seed.server_seed)
                               .bind(4, seed.client_seed)
                               .bind(5, seed.created_at_us)
                               .run());
      CORE_RETURN_IF_ERROR(reveal_seeds->bind(1, seed.user)
                               .bind(2, seed.commitment)
                               .bind(3, seed.created_at_us)
                               .run());
      CORE_RETURN_IF_ERROR(activate_seed->bind(1, seed.user).bind(2, seed.commitment).run());
      auto it = touched.find(seed.user);
      if (it != touched.end()) it->second.next_nonce = 0;
      continue;
    }
    const LedgerRecord& r = op.record;
    Statement& insert = *insert_record;
    insert.bind(1, r.user).bind(2, to_string(r.kind)).bind(3, r.idempotency_key);
    insert.bind(4, r.amount).bind(5, r.game).bind(6, r.params).bind(7, r.outcome);
    insert.bind(8, r.payout).bind(9, std::int64_t{r.house_edge_bp}).bind(10, r.balance_before);
    insert.bind(11, r.balance_after).bind(12, r.commitment).bind(13, r.client_seed);
    insert.bind(14, r.nonce).bind(15, r.created_at_us);
    CORE_RETURN_IF_ERROR(insert.run());
    Seq seq = writer->last_insert_rowid();
    seqs.push_back(seq);
    Projection& projection = touched[r.user];
    projection.balance = r.balance_after;
    projection.last_seq = seq;
    if (r.kind == RecordKind::kWager) projection.next_nonce = r.nonce + 1;
  }
  CORE_RETURN_IF_ERROR(fault(FaultPoint::kBeforeBalanceWrite));
  for (const auto& [user, projection] : touched) {
    Statement& update = *update_account;
    update.bind(1, user).bind(2, projection.balance).bind(3, projection.last_seq);
    if (projection.next_nonce) {
      update.bind(4, *projection.next_nonce);
    } else {
      update.bind_null(4);
    }
    CORE_RETURN_IF_ERROR(update.run());
    if (sqlite3_changes(writer->handle()) != 1) {
      return core::fail(core::ErrorCode::kInternal,
                        "ledger record for user '" + std::string(user) + "' who has no account");
    }
  }
  if (!seqs.empty()) CORE_RETURN_IF_ERROR(set_applied_seq->bind(1, seqs.back()).run());
  CORE_RETURN_IF_ERROR(fault(FaultPoint::kBeforeCommit));
  return seqs;
}

core::Result<std::vector<Seq>> SqliteStore::commit(std::span<const StoreOp> ops) {
  CORE_RETURN_IF_ERROR(impl_->writer->exec("BEGIN IMMEDIATE"));
  auto seqs = impl_->commit_in_transaction(ops);
  if (seqs) {
    auto committed = impl_->writer->exec("COMMIT");
    if (committed) return seqs;
    seqs = core::fail(committed.error());
  }
  (void)impl_->writer->exec("ROLLBACK");
  return seqs;
}

core::Status SqliteStore::scan_ledger(
    Seq after_seq, const std::function<core::Status(const LedgerRecord&)>& visit) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto statement = (**lease)->connection->prepare("SELECT " + std::string(kLedgerColumns) +
                                                  " FROM ledger WHERE seq > ?1 ORDER BY seq");
  CORE_RETURN_IF_ERROR(statement);
  statement->bind(1, after_seq);
  while (true) {
    auto row = statement->step();
    CORE_RETURN_IF_ERROR(row);
    if (!*row) return core::ok_status();
    CORE_RETURN_IF_ERROR(visit(read_record(*statement)));
  }
}

core::Result<std::vector<Account>> SqliteStore::accounts() {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto statement = (**lease)->connection->prepare(
      "SELECT user_id, balance, last_seq, commitment, next_nonce FROM accounts ORDER BY user_id");
  CORE_RETURN_IF_ERROR(statement);
  std::vector<Account> accounts;
  while (true) {
    auto row = statement->step();
    CORE_RETURN_IF_ERROR(row);
    if (!*row) return accounts;
    accounts.push_back(Account{statement->text(0), statement->int64(1), statement->int64(2),
                               statement->text(3), statement->int64(4)});
  }
}

core::Result<Seq> SqliteStore::applied_seq() {
  auto statement = impl_->writer->prepare(
      "SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'applied_seq'");
  CORE_RETURN_IF_ERROR(statement);
  auto row = statement->step();
  CORE_RETURN_IF_ERROR(row);
  if (!*row) return core::fail(core::ErrorCode::kCorrupt, "settings has no applied_seq");
  return statement->int64(0);
}

core::Status SqliteStore::put_accounts(std::span<const Account> accounts, Seq applied_seq) {
  Connection& db = *impl_->writer;
  CORE_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  auto statement = db.prepare(
      "INSERT INTO accounts (user_id, balance, last_seq, commitment, next_nonce) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (user_id) DO UPDATE SET balance = "
      "excluded.balance, last_seq = excluded.last_seq, commitment = excluded.commitment, "
      "next_nonce = excluded.next_nonce");
  core::Status status = statement ? core::ok_status() : core::fail(statement.error());
  for (const Account& account : accounts) {
    if (!status) break;
    status = statement->bind(1, account.user)
                 .bind(2, account.balance)
                 .bind(3, account.last_seq)
                 .bind(4, account.commitment)
                 .bind(5, account.next_nonce)
                 .run();
  }
  if (status) status = impl_->set_applied_seq->bind(1, applied_seq).run();
  if (status) status = db.exec("COMMIT");
  if (!status) (void)db.exec("ROLLBACK");
  return status;
}

core::Result<std::optional<LedgerRecord>> SqliteStore::record(Seq seq) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto statement = (**lease)->connection->prepare("SELECT " + std::string(kLedgerColumns) +
                                                  " FROM ledger WHERE seq = ?1");
  CORE_RETURN_IF_ERROR(statement);
  statement->bind(1, seq);
  auto row = statement->step();
  CORE_RETURN_IF_ERROR(row);
  if (!*row) return std::optional<LedgerRecord>();
  return std::optional<LedgerRecord>(read_record(*statement));
}

core::Result<std::vector<LedgerRecord>> SqliteStore::history(std::string_view user,
                                                             std::size_t limit) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto statement =
      (**lease)->connection->prepare("SELECT " + std::string(kLedgerColumns) +
                                     " FROM ledger WHERE user_id = ?1 ORDER BY seq DESC LIMIT ?2");
  CORE_RETURN_IF_ERROR(statement);
  statement->bind(1, user).bind(2, static_cast<std::int64_t>(limit));
  std::vector<LedgerRecord> records;
  while (true) {
    auto row = statement->step();
    CORE_RETURN_IF_ERROR(row);
    if (!*row) return records;
    records.push_back(read_record(*statement));
  }
}

core::Result<std::optional<SeedRecord>> SqliteStore::seed(std::string_view commitment) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto statement = (**lease)->connection->prepare("SELECT " + std::string(kSeedColumns) +
                                                  " FROM seeds WHERE commitment = ?1");
  CORE_RETURN_IF_ERROR(statement);
  statement->bind(1, commitment);
  auto row = statement->step();
  CORE_RETURN_IF_ERROR(row);
  if (!*row) return std::optional<SeedRecord>();
  return std::optional<SeedRecord>(read_seed(*statement, 0));
}

core::Result<std::vector<SeedRecord>> SqliteStore::seeds(std::string_view user) {
  auto lease = impl_->reader();
  CORE_RETURN_IF_ERROR(lease);
  auto statement = (**lease)->connection->prepare(
      "SELECT " + std::string(kSeedColumns) +
      " FROM seeds WHERE user_id = ?1 ORDER BY created_at_us, commitment");
  CORE_RETURN_IF_ERROR(statement);
  statement->bind(1, user);
  std::vector<SeedRecord> seeds;
  while (true) {
    auto row = statement->step();
    CORE_RETURN_IF_ERROR(row);
    if (!*row) return seeds;
    seeds.push_back(read_seed(*statement, 0));
  }
}

}  // namespace autobets
