// The SQLite schema of the AutoBets store (documented in docs/ledger.md) and the mapping
// between its rows and the model's records.
#include "sqlite_schema.h"

namespace autobets::sqlite {

const std::string_view kSchemaVersion = "2";

// The schema is documented, with every invariant, in docs/ledger.md. Two choices keep an
// insert cheap (it runs once per wager on the commit thread): the kind CHECK is a chain of
// comparisons, not `kind IN (...)` (SQLite builds an ephemeral index for a longer IN list
// on every execution of the statement), and the insert triggers refuse with
// RAISE(ROLLBACK), which, with the store's INSERT OR ROLLBACK, lets SQLite skip the
// per-statement journal (a refused record ends the transaction, which the store rolls back
// anyway).
const char* const kSchema = R"sql(
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE ledger (
  seq            INTEGER PRIMARY KEY,
  user_id        TEXT    NOT NULL,
  kind           TEXT    NOT NULL CHECK (kind = 'deposit' OR kind = 'withdrawal' OR
                                         kind = 'credit' OR kind = 'wager' OR
                                         kind = 'transfer_out' OR kind = 'transfer_in'),
  idem_key       TEXT    NOT NULL,
  amount         INTEGER NOT NULL CHECK (amount > 0),
  game           TEXT    NOT NULL DEFAULT '',
  params         TEXT    NOT NULL DEFAULT '',
  outcome        INTEGER NOT NULL DEFAULT 0,
  payout         INTEGER NOT NULL DEFAULT 0 CHECK (payout >= 0),
  house_edge_bp  INTEGER NOT NULL DEFAULT 0,
  balance_before INTEGER NOT NULL CHECK (balance_before >= 0),
  balance_after  INTEGER NOT NULL CHECK (balance_after >= 0),
  commitment     TEXT    NOT NULL DEFAULT '',
  client_seed    TEXT    NOT NULL DEFAULT '',
  nonce          INTEGER NOT NULL DEFAULT 0,
  created_at_us  INTEGER NOT NULL,
  prev_seq       INTEGER NOT NULL CHECK (prev_seq >= 0),
  UNIQUE (user_id, idem_key),
  UNIQUE (user_id, prev_seq),
  CHECK ((kind = 'wager') = (game <> '')),
  CHECK (kind = 'wager' OR payout = 0),
  CHECK ((kind IN ('transfer_out', 'transfer_in')) = (kind <> 'wager' AND params <> '')),
  CHECK (kind NOT IN ('transfer_out', 'transfer_in') OR params <> user_id),
  CHECK (balance_after = balance_before + CASE kind
           WHEN 'deposit' THEN amount WHEN 'credit' THEN amount WHEN 'transfer_in' THEN amount
           WHEN 'withdrawal' THEN -amount WHEN 'transfer_out' THEN -amount
           ELSE payout - amount END)
);
CREATE UNIQUE INDEX ledger_nonces ON ledger (commitment, nonce) WHERE kind = 'wager';
CREATE TRIGGER ledger_refuses_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger records are immutable: UPDATE refused'); END;
CREATE TRIGGER ledger_refuses_delete BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger records are immutable: DELETE refused'); END;
-- The chain: a record continues its user's previous record (prev_seq, unique per user, so
-- the chain cannot fork) from that record's balance_after.
CREATE TRIGGER ledger_continues_the_chain BEFORE INSERT ON ledger
  WHEN NEW.balance_before IS NOT (CASE NEW.prev_seq WHEN 0 THEN 0 ELSE
    (SELECT balance_after FROM ledger WHERE seq = NEW.prev_seq AND user_id = NEW.user_id) END)
  BEGIN SELECT RAISE(ROLLBACK, 'ledger record does not continue its user''s chain'); END;
-- Nonces of one commitment are 0, 1, 2, ... with no gaps, drawn only from the user's own
-- unrevealed seed.
CREATE TRIGGER ledger_nonces_are_consecutive BEFORE INSERT ON ledger
  WHEN NEW.kind = 'wager' AND (
    NOT EXISTS (SELECT 1 FROM seeds WHERE commitment = NEW.commitment
                AND user_id = NEW.user_id AND revealed_at_us IS NULL)
    OR (NEW.nonce <> 0 AND NOT EXISTS (SELECT 1 FROM ledger WHERE kind = 'wager'
                AND commitment = NEW.commitment AND nonce = NEW.nonce - 1)))
  BEGIN SELECT RAISE(ROLLBACK, 'wager nonce does not follow on an active commitment'); END;
-- The second half of a transfer immediately follows the first, naming each other.
CREATE TRIGGER ledger_transfer_in_follows_its_out AFTER INSERT ON ledger
  WHEN NEW.kind = 'transfer_in' AND NOT EXISTS (SELECT 1 FROM ledger WHERE seq = NEW.seq - 1
    AND kind = 'transfer_out' AND user_id = NEW.params AND params = NEW.user_id
    AND amount = NEW.amount)
  BEGIN SELECT RAISE(ROLLBACK, 'transfer_in does not follow its transfer_out'); END;

CREATE TABLE seeds (
  commitment     TEXT PRIMARY KEY,
  user_id        TEXT    NOT NULL,
  server_seed    TEXT    NOT NULL,
  client_seed    TEXT    NOT NULL,
  created_at_us  INTEGER NOT NULL,
  revealed_at_us INTEGER
) WITHOUT ROWID;
CREATE INDEX seeds_by_user ON seeds (user_id, created_at_us);
CREATE TRIGGER seeds_refuse_delete BEFORE DELETE ON seeds
  BEGIN SELECT RAISE(ABORT, 'seeds are immutable: DELETE refused'); END;
CREATE TRIGGER seeds_only_reveal BEFORE UPDATE ON seeds
  WHEN OLD.revealed_at_us IS NOT NULL OR NEW.revealed_at_us IS NULL
    OR NEW.server_seed IS NOT OLD.server_seed OR NEW.client_seed IS NOT OLD.client_seed
    OR NEW.user_id IS NOT OLD.user_id OR NEW.commitment IS NOT OLD.commitment
    OR NEW.created_at_us IS NOT OLD.created_at_us
  BEGIN SELECT RAISE(ABORT, 'seeds are immutable except for being revealed once'); END;

-- The server seed each user's next seed change will activate, committed to in advance.
CREATE TABLE next_seeds (
  user_id       TEXT PRIMARY KEY,
  commitment    TEXT    NOT NULL UNIQUE,
  server_seed   TEXT    NOT NULL,
  created_at_us INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE accounts (
  user_id    TEXT PRIMARY KEY,
  balance    INTEGER NOT NULL CHECK (balance >= 0),
  last_seq   INTEGER NOT NULL,
  commitment TEXT    NOT NULL,
  next_nonce INTEGER NOT NULL CHECK (next_nonce >= 0),
  version    INTEGER NOT NULL CHECK (version > 0)
) WITHOUT ROWID;
)sql";

const std::string_view kLedgerColumns =
    "seq, user_id, kind, idem_key, amount, game, params, outcome, payout, house_edge_bp, "
    "balance_before, balance_after, commitment, client_seed, nonce, created_at_us";

LedgerRecord read_record(const Statement& row) {
  LedgerRecord record;
  record.seq = row.int64(0);
  record.user = row.text(1);
  record.kind = parse_record_kind(row.text(2)).value_or(RecordKind::kDeposit);
  record.idempotency_key = row.text(3);
  record.amount = row.int64(4);
  record.game = row.text(5);
  record.params = row.text(6);
  record.outcome = row.int64(7);
  record.payout = row.int64(8);
  record.house_edge_bp = static_cast<std::int32_t>(row.int64(9));
  record.balance_before = row.int64(10);
  record.balance_after = row.int64(11);
  record.commitment = row.text(12);
  record.client_seed = row.text(13);
  record.nonce = row.int64(14);
  record.created_at_us = row.int64(15);
  return record;
}

SeedRecord read_seed(const Statement& row, int first) {
  SeedRecord seed;
  seed.commitment = row.text(first);
  seed.user = row.text(first + 1);
  seed.server_seed = row.text(first + 2);
  seed.client_seed = row.text(first + 3);
  seed.created_at_us = row.int64(first + 4);
  if (!row.is_null(first + 5)) seed.revealed_at_us = row.int64(first + 5);
  return seed;
}

const std::string_view kSeedColumns =
    "commitment, user_id, server_seed, client_seed, created_at_us, revealed_at_us";

}  // namespace autobets::sqlite
