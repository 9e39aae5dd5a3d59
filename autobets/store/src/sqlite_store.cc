#include "autobets/sqlite_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

#include "autobets/commit_rules.h"
#include "autobets/connection_pool.h"
#include "sqlite_checkpointer.h"
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
  // busy_timeout is already set (Connection::open); journal_mode=WAL needs the lock.
  return connection.exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-32768;"
      "PRAGMA wal_autocheckpoint=4000;");
}

// The schema and the settings rows, inside the caller's transaction.
core::Status write_schema(Connection& db, const Limits& limits) {
  CORE_RETURN_IF_ERROR(db.exec(kSchema));
  auto insert = db.prepare("INSERT INTO settings (key, value) VALUES (?1, ?2)");
  CORE_RETURN_IF_ERROR(insert);
  for (auto [key, value] :
       {std::pair<std::string_view, std::string>{"schema_version", std::string(kSchemaVersion)},
        {"applied_seq", "0"},
        {"house_edge_bp", std::to_string(limits.house_edge_bp)},
        {"min_bet", std::to_string(limits.min_bet)},
        {"max_bet", std::to_string(limits.max_bet)},
        {"max_payout", std::to_string(limits.max_payout)}}) {
    CORE_RETURN_IF_ERROR(insert->bind(1, key).bind(2, value).run());
  }
  return core::ok_status();
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
  std::unique_ptr<sqlite::Checkpointer> checkpointer;  // of the writer's WAL; closed before it
  std::optional<Statement> insert_record;
  std::optional<Statement> insert_seed;
  std::optional<Statement> reveal_seeds;
  std::optional<Statement> select_account;
  std::optional<Statement> select_next_seed;
  std::optional<Statement> put_next_seed;
  std::optional<Statement> insert_account;
  std::optional<Statement> update_account;
  std::optional<Statement> set_applied_seq;
  std::optional<Statement> begin, commit, rollback;  // prepared once: one of each per batch

  // Readers are opened on demand and all kept (one per thread that reads, at most).
  ConnectionPool<Reader> readers{[this] { return open_reader(); },
                                 std::numeric_limits<std::size_t>::max()};

  core::Status fault(FaultPoint point) {
    if (!options.fault) return core::ok_status();
    auto status = options.fault(point);
    fault_failed = !status;
    return status;
  }
  bool fault_failed = false;  // the last fault point of the last attempt failed it

  core::Result<std::unique_ptr<ConnectionPool<Reader>::Lease>> reader() { return readers.lease(); }

  core::Result<std::unique_ptr<Reader>> open_reader() {
    auto connection = Connection::open(path, false);
    CORE_RETURN_IF_ERROR(connection);
    CORE_RETURN_IF_ERROR((*connection)->exec("PRAGMA query_only=1;"));
    auto reader = std::make_unique<Reader>();
    reader->connection = std::move(*connection);
    return reader;
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
        // A key the user already has is not an error but a conflict (the store contract):
        // the row is skipped, and the batch is then rolled back.
        "INSERT OR ROLLBACK INTO ledger_entries (user_id, kind, idem_key, amount, game, "
        "params, outcome, payout, house_edge_bp, balance_before, balance_after, seed_id, "
        "client_seed, nonce, created_at_us, prev_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) ON CONFLICT (user_id, idem_key) DO NOTHING"));
    CORE_RETURN_IF_ERROR(prepare(insert_seed,
                                 "INSERT INTO seeds (commitment, user_id, server_seed, "
                                 "client_seed, created_at_us) VALUES (?1, ?2, ?3, ?4, ?5)"));
    CORE_RETURN_IF_ERROR(prepare(reveal_seeds,
                                 "UPDATE seeds SET revealed_at_us = ?3 WHERE user_id = ?1 AND "
                                 "revealed_at_us IS NULL AND commitment <> ?2"));
    CORE_RETURN_IF_ERROR(prepare(select_account,
                                 "SELECT balance, last_seq, commitment, next_nonce, version, "
                                 "seed_id FROM accounts WHERE user_id = ?1"));
    CORE_RETURN_IF_ERROR(
        prepare(select_next_seed, "SELECT commitment FROM next_seeds WHERE user_id = ?1"));
    CORE_RETURN_IF_ERROR(prepare(
        put_next_seed,
        "INSERT INTO next_seeds (user_id, commitment, server_seed, created_at_us) VALUES (?1, "
        "?2, ?3, ?4) ON CONFLICT (user_id) DO UPDATE SET commitment = excluded.commitment, "
        "server_seed = excluded.server_seed, created_at_us = excluded.created_at_us"));
    CORE_RETURN_IF_ERROR(prepare(begin, "BEGIN IMMEDIATE"));
    CORE_RETURN_IF_ERROR(prepare(commit, "COMMIT"));
    CORE_RETURN_IF_ERROR(prepare(rollback, "ROLLBACK"));
    CORE_RETURN_IF_ERROR(prepare(set_applied_seq,
                                 "UPDATE settings SET value = ?1 WHERE key = 'applied_seq' "
                                 "AND CAST(value AS INTEGER) < ?1"));
    // A new account is inserted; an existing one is updated only if it is still at the
    // version the batch built on (read in the transaction, or remembered: see `cached`).
    CORE_RETURN_IF_ERROR(
        prepare(insert_account,
                "INSERT INTO accounts (user_id, balance, last_seq, commitment, "
                "next_nonce, version, seed_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?8)"));
    return prepare(update_account,
                   "UPDATE accounts SET balance = ?2, last_seq = ?3, commitment = ?4, next_nonce = "
                   "?5, version = ?6, seed_id = ?8 WHERE user_id = ?1 AND version = ?7");
  }

  // The account row as this transaction reads it, then as the batch moves it.
  struct Projection {
    Account account;
    // Read only for a seed change (the one op that checks it): one statement less per user.
    std::optional<std::string> next_commitment;
    std::int64_t seed_id = 0;  // of account.commitment
    std::int64_t read_version = 0;
  };
  core::Result<Projection> read_projection(std::string_view user);
  core::Result<std::string> read_next_commitment(std::string_view user);
  // One attempt at a commit, with the account rows from `cached` where it has them when
  // `use_cache`; `used_cache` tells whether it did.
  core::Result<CommitResult> commit_once(std::span<const StoreOp> ops, bool use_cache,
                                         bool& used_cache);
  core::Result<CommitResult> commit_in_transaction(std::span<const StoreOp> ops, bool use_cache,
                                                   bool& used_cache);

  // The batch's accounts (keys point into its ops), kept between commits for its buckets.
  std::unordered_map<std::string_view, Projection> touched;
  // The account rows as this store's last commits left them, so that a batch reads only the
  // rows of users it has not written before (a read is a statement per user). Another
  // process may have moved a row since: a batch built on such a row fails (a refused record,
  // a version that moved, a conflict) and is tried again with every row read afresh.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unordered_map<std::string, Projection, TextHash, std::equal_to<>> cached;
  static constexpr std::size_t kMaxCachedAccounts = 100'000;
  void remember_touched();
};

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

core::Status SqliteStore::create(const std::filesystem::path& path, const Limits& limits) {
  // The file holds unrevealed server seeds: created for its owner only, exclusively, and
  // never through a symlink (a dangling one counts as "already there").
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    int error_number = errno;
    if (error_number == EEXIST || error_number == ELOOP) {
      return core::fail(core::ErrorCode::kAlreadyExists,
                        "a file already exists at " + path.string() + "; refusing to overwrite it");
    }
    return core::fail(core::ErrorCode::kIo,
                      "creating " + path.string() + ": " + std::strerror(error_number));
  }
  ::close(fd);
  std::error_code error;
  auto connection = Connection::open(path, false);
  if (!connection) {
    std::filesystem::remove(path, error);
    return core::fail(connection.error());
  }
  Connection& db = **connection;
  auto status = apply_pragmas(db);
  if (status) status = db.exec("BEGIN IMMEDIATE");
  if (status) status = write_schema(db, limits);
  if (status) status = db.exec("COMMIT");
  if (!status) {
    (void)db.exec("ROLLBACK");
    connection->reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path.string() + suffix, error);
    }
    return status;
  }
  return core::ok_status();
}

core::Status SqliteStore::create_in_existing(const std::filesystem::path& path,
                                             const Limits& limits) {
  std::error_code error;
  if (std::filesystem::is_symlink(path, error)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      path.string() + " is a symlink; name the database file itself");
  }
  if (!std::filesystem::is_regular_file(path, error)) {
    return core::fail(core::ErrorCode::kNotFound, "no database at " + path.string());
  }
  auto connection = Connection::open(path, false);
  CORE_RETURN_IF_ERROR(connection);
  Connection& db = **connection;
  // Looked at inside the write transaction, so no other writer can add the tables between
  // the look and the creation.
  auto status = db.exec("BEGIN IMMEDIATE");
  if (!status) {
    return core::fail(
        status.error().with_context("adding the AutoBets tables to " + path.string()));
  }
  auto rollback = [&](core::Error e) {
    (void)db.exec("ROLLBACK");
    return core::fail(std::move(e));
  };
  auto existing = db.prepare(
      "SELECT name FROM sqlite_master WHERE name IN ('settings', 'seeds', 'ledger_entries', "
      "'ledger', 'next_seeds', 'accounts') ORDER BY name");
  if (!existing) {
    return rollback(core::Error(
        core::ErrorCode::kCorrupt,
        path.string() + " is not a readable SQLite database (" + existing.error().message() + ")"));
  }
  std::string names;
  bool has_settings = false;
  for (;;) {
    auto row = existing->step();
    if (!row) return rollback(row.error());
    if (!*row) break;
    has_settings |= existing->text(0) == "settings";
    names += (names.empty() ? "" : ", ") + existing->text(0);
  }
  existing.value().reset();
  if (has_settings) {
    return rollback(core::Error(core::ErrorCode::kAlreadyExists,
                                path.string() + " already holds an AutoBets database"));
  }
  if (!names.empty()) {
    return rollback(core::Error(core::ErrorCode::kFailedPrecondition,
                                path.string() + " already has tables named as AutoBets' (" + names +
                                    "); refusing to add the AutoBets tables beside them"));
  }
  // The file is about to hold unrevealed server seeds: for its owner only from now on, with
  // its journal files (SQLite creates later ones with the database's mode).
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::filesystem::path file = path.string() + suffix;
    if (!std::filesystem::exists(file, error)) continue;
    std::filesystem::permissions(
        file, std::filesystem::perms::group_all | std::filesystem::perms::others_all,
        std::filesystem::perm_options::remove, error);
    if (error) {
      return rollback(core::Error(
          core::ErrorCode::kIo,
          "making " + file.string() + " readable by its owner only: " + error.message()));
    }
  }
  status = write_schema(db, limits);
  if (status) status = db.exec("COMMIT");
  if (!status)
    return rollback(status.error().with_context("adding the AutoBets tables to " + path.string()));
  return apply_pragmas(db);
}

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& path,
                                                             SqliteStoreOptions options) {
  std::error_code error;
  if (std::filesystem::is_symlink(path, error)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      path.string() + " is a symlink; open the database file itself");
  }
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
    std::string found = *row ? version->text(0) : std::string("none");
    if (found == "1" || found == "2") {
      // Older ledgers are refused by name rather than migrated (docs/ledger.md).
      return core::fail(core::ErrorCode::kCorrupt,
                        path.string() + " is an AutoBets database of schema version " + found +
                            ", which this version no longer opens (it needs schema version " +
                            std::string(kSchemaVersion) +
                            "; open it with the release that created it)");
    }
    if (found != kSchemaVersion) {
      return core::fail(core::ErrorCode::kCorrupt,
                        path.string() + " has an unsupported schema version '" + found + "'");
    }
  }
  CORE_RETURN_IF_ERROR(apply_pragmas(**connection));
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = std::move(options);
  impl->writer = std::move(*connection);
  CORE_RETURN_IF_ERROR(impl->prepare_writer());
  auto checkpointer = sqlite::Checkpointer::attach(*impl->writer);
  CORE_RETURN_IF_ERROR(checkpointer);
  impl->checkpointer = std::move(*checkpointer);
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
        "s.client_seed, s.created_at_us, s.revealed_at_us, a.version, n.commitment, "
        "n.server_seed, n.created_at_us FROM accounts a JOIN seeds s ON s.seed_id = "
        "a.seed_id LEFT JOIN next_seeds n ON n.user_id = a.user_id WHERE a.user_id = ?1");
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
    snapshot->account.version = statement.int64(9);
    snapshot->next_seed.user = snapshot->account.user;
    snapshot->next_seed.commitment = statement.text(10);
    snapshot->next_seed.server_seed = statement.text(11);
    snapshot->next_seed.created_at_us = statement.int64(12);
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

core::Result<SqliteStore::Impl::Projection> SqliteStore::Impl::read_projection(
    std::string_view user) {
  Projection projection;
  projection.account.user = std::string(user);
  Statement& account = *select_account;
  account.bind(1, user);
  auto row = account.step();
  CORE_RETURN_IF_ERROR(row);
  if (*row) {
    projection.account.balance = account.int64(0);
    projection.account.last_seq = account.int64(1);
    projection.account.commitment = account.text(2);
    projection.account.next_nonce = account.int64(3);
    projection.account.version = account.int64(4);
    projection.seed_id = account.int64(5);
  }
  account.reset();
  projection.read_version = projection.account.version;
  return projection;
}

core::Result<std::string> SqliteStore::Impl::read_next_commitment(std::string_view user) {
  Statement& next = *select_next_seed;
  next.bind(1, user);
  auto row = next.step();
  CORE_RETURN_IF_ERROR(row);
  std::string commitment = *row ? next.text(0) : std::string();
  next.reset();
  return commitment;
}

core::Result<CommitResult> SqliteStore::Impl::commit_in_transaction(std::span<const StoreOp> ops,
                                                                    bool use_cache,
                                                                    bool& used_cache) {
  auto user_of = [](const StoreOp& op) -> const std::string& {
    return op.type == StoreOp::Type::kNewSeed ? op.seed.user : op.record.user;
  };
  // 1. The optimistic check: every op applies on top of exactly the version it was computed
  //    from, as this transaction (which holds the write lock) reads it, or as the store
  //    remembers it (which each account's UPDATE checks again).
  touched.clear();  // a hash: looked up per op
  CommitResult result;
  std::set<std::string_view> conflicted;
  for (const StoreOp& op : ops) {
    const std::string& user = user_of(op);
    auto it = touched.find(user);
    if (it == touched.end() && use_cache) {
      if (auto known = cached.find(std::string_view(user)); known != cached.end()) {
        it = touched.emplace(user, known->second).first;
        used_cache = true;
      }
    }
    if (it == touched.end()) {
      auto projection = read_projection(user);
      CORE_RETURN_IF_ERROR(projection);
      it = touched.emplace(user, std::move(*projection)).first;
    }
    Account& account = it->second.account;
    if (op.expect_version != account.version) {
      if (conflicted.insert(user).second) result.conflicts.push_back(user);
      continue;
    }
    ++account.version;
  }
  if (!result.committed()) return result;
  for (auto& [user, projection] : touched) projection.account.version = projection.read_version;

  // 2. The writes, ledger rows first. A record whose key its user already has is a conflict
  //    (a repeat): that user's later ops, and the other half of a transfer, are skipped, the
  //    rest go on so that every such user of the batch is found in one round, and then
  //    nothing is kept.
  CORE_RETURN_IF_ERROR(fault(FaultPoint::kBeforeLedgerWrite));
  auto conflict = [&](std::string_view user) {
    if (conflicted.insert(user).second) result.conflicts.emplace_back(user);
  };
  auto is_transfer = [](const LedgerRecord& r) {
    return r.kind == RecordKind::kTransferOut || r.kind == RecordKind::kTransferIn;
  };
  result.seqs.reserve(ops.size());
  for (const StoreOp& op : ops) {
    if (conflicted.contains(user_of(op))) {
      if (op.type == StoreOp::Type::kAppend && is_transfer(op.record)) conflict(op.record.params);
      continue;
    }
    Projection& projection = touched.find(user_of(op))->second;
    Account& account = projection.account;
    if (op.type == StoreOp::Type::kNewSeed && !projection.next_commitment) {
      auto next = read_next_commitment(user_of(op));
      CORE_RETURN_IF_ERROR(next);
      projection.next_commitment = std::move(*next);
    }
    CORE_RETURN_IF_ERROR(
        check_op_continues(op, account, projection.next_commitment.value_or(std::string())));
    ++account.version;
    if (op.type == StoreOp::Type::kNewSeed) {
      const SeedRecord& seed = op.seed;
      CORE_RETURN_IF_ERROR(insert_seed->bind(1, seed.commitment)
                               .bind(2, seed.user)
                               .bind(3, seed.server_seed)
                               .bind(4, seed.client_seed)
                               .bind(5, seed.created_at_us)
                               .run());
      projection.seed_id = writer->last_insert_rowid();
      CORE_RETURN_IF_ERROR(reveal_seeds->bind(1, seed.user)
                               .bind(2, seed.commitment)
                               .bind(3, seed.created_at_us)
                               .run());
      const SeedRecord& next = op.next_seed;
      CORE_RETURN_IF_ERROR(put_next_seed->bind(1, seed.user)
                               .bind(2, next.commitment)
                               .bind(3, next.server_seed)
                               .bind(4, next.created_at_us)
                               .run());
      account.commitment = seed.commitment;
      account.next_nonce = 0;
      projection.next_commitment = next.commitment;
      continue;
    }
    const LedgerRecord& r = op.record;
    // The texts are bound by reference: `ops` outlives the statement's run. Every record
    // carries its user's seed position (a wager's nonce is the account's next one).
    Statement& insert = *insert_record;
    insert.bind_ref(1, r.user).bind_ref(2, to_string(r.kind)).bind_ref(3, r.idempotency_key);
    insert.bind(4, r.amount).bind_ref(5, r.game).bind_ref(6, r.params).bind(7, r.outcome);
    insert.bind(8, r.payout).bind(9, std::int64_t{r.house_edge_bp}).bind(10, r.balance_before);
    insert.bind(11, r.balance_after).bind(12, projection.seed_id).bind_ref(13, r.client_seed);
    insert.bind(14, account.next_nonce).bind(15, r.created_at_us).bind(16, account.last_seq);
    CORE_RETURN_IF_ERROR(insert.run_rebinding_all());  // all 16 bound above
    if (sqlite3_changes(writer->handle()) != 1) {
      conflict(r.user);
      if (is_transfer(r)) conflict(r.params);
      continue;
    }
    Seq seq = writer->last_insert_rowid();
    result.seqs.push_back(seq);
    account.balance = r.balance_after;
    account.last_seq = seq;
    if (r.kind == RecordKind::kWager) account.next_nonce = r.nonce + 1;
  }
  if (!result.committed()) {
    result.seqs.clear();
    return result;
  }
  CORE_RETURN_IF_ERROR(fault(FaultPoint::kBeforeBalanceWrite));
  for (const auto& [user, projection] : touched) {
    const Account& a = projection.account;
    Statement& put_account = projection.read_version == 0 ? *insert_account : *update_account;
    CORE_RETURN_IF_ERROR(put_account.bind_ref(1, user)
                             .bind(2, a.balance)
                             .bind(3, a.last_seq)
                             .bind_ref(4, a.commitment)
                             .bind(5, a.next_nonce)
                             .bind(6, a.version)
                             .bind(7, projection.read_version)
                             .bind(8, projection.seed_id)
                             .run());
    if (sqlite3_changes(writer->handle()) != 1) {
      return core::fail(core::ErrorCode::kInternal,
                        "account of user '" + std::string(user) + "' moved during the commit");
    }
  }
  if (!result.seqs.empty()) {
    CORE_RETURN_IF_ERROR(set_applied_seq->bind(1, result.seqs.back()).run());
  }
  CORE_RETURN_IF_ERROR(fault(FaultPoint::kBeforeCommit));
  return result;
}

void SqliteStore::Impl::remember_touched() {
  if (cached.size() + touched.size() > kMaxCachedAccounts) cached.clear();
  for (auto& [user, projection] : touched) {
    projection.read_version = projection.account.version;
    auto known = cached.find(user);
    if (known == cached.end()) {
      cached.emplace(std::string(user), std::move(projection));
    } else {
      known->second = std::move(projection);
    }
  }
  touched.clear();
}

core::Result<CommitResult> SqliteStore::Impl::commit_once(std::span<const StoreOp> ops,
                                                          bool use_cache, bool& used_cache) {
  fault_failed = false;
  CORE_RETURN_IF_ERROR(begin->run());
  auto result = commit_in_transaction(ops, use_cache, used_cache);
  if (result && result->committed()) {
    auto committed = commit->run();
    if (committed) {
      remember_touched();
      return result;
    }
    result = core::fail(committed.error());
  }
  cached.clear();  // what the attempt read may be why it failed
  // A refused record (RAISE(ROLLBACK)) may already have ended the transaction.
  if (!sqlite3_get_autocommit(writer->handle())) (void)rollback->run();
  return result;
}

core::Result<CommitResult> SqliteStore::commit(std::span<const StoreOp> ops) {
  bool used_cache = false;
  auto result = impl_->commit_once(ops, /*use_cache=*/true, used_cache);
  if (!used_cache || (result && result->committed())) return result;
  // What a remembered row that another process moved since can cause (an injected fault
  // or an I/O error cannot be, and is returned as it is): once more, reading every row.
  bool stale_row_possible = result
                                ? true
                                : result.error().code() == core::ErrorCode::kFailedPrecondition ||
                                      result.error().code() == core::ErrorCode::kInternal;
  if (!stale_row_possible || impl_->fault_failed) return result;
  return impl_->commit_once(ops, /*use_cache=*/false, used_cache);
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
      "SELECT user_id, balance, last_seq, commitment, next_nonce, version FROM accounts ORDER BY "
      "user_id");
  CORE_RETURN_IF_ERROR(statement);
  std::vector<Account> accounts;
  while (true) {
    auto row = statement->step();
    CORE_RETURN_IF_ERROR(row);
    if (!*row) return accounts;
    accounts.push_back(Account{statement->text(0), statement->int64(1), statement->int64(2),
                               statement->text(3), statement->int64(4), statement->int64(5)});
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

core::Result<std::vector<std::string>> SqliteStore::put_accounts(std::span<const Account> accounts,
                                                                 Seq applied_seq) {
  impl_->cached.clear();
  Connection& db = *impl_->writer;
  CORE_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  auto statement = db.prepare(
      "UPDATE accounts SET balance = ?2, last_seq = ?3, commitment = ?4, seed_id = (SELECT "
      "seed_id FROM seeds WHERE commitment = ?4), next_nonce = ?5, version = version + 1 "
      "WHERE user_id = ?1 AND version = ?6");
  core::Status status = statement ? core::ok_status() : core::fail(statement.error());
  std::vector<std::string> conflicts;
  for (const Account& account : accounts) {
    if (!status) break;
    status = statement->bind(1, account.user)
                 .bind(2, account.balance)
                 .bind(3, account.last_seq)
                 .bind(4, account.commitment)
                 .bind(5, account.next_nonce)
                 .bind(6, account.version)
                 .run();
    if (status && sqlite3_changes(db.handle()) != 1) conflicts.push_back(account.user);
  }
  if (status && conflicts.empty()) status = impl_->set_applied_seq->bind(1, applied_seq).run();
  if (status && conflicts.empty()) status = db.exec("COMMIT");
  if (!status || !conflicts.empty()) (void)db.exec("ROLLBACK");
  if (!status) return core::fail(status.error());
  return conflicts;
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
