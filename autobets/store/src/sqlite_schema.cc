// The SQLite schema of the AutoBets store (documented in docs/ledger.md) and the mapping
// between its rows and the model's records.
#include "sqlite_schema.h"

namespace autobets::sqlite {

const std::string_view kSchemaVersion = "3";

// The schema is documented, with every invariant, in docs/ledger.md. An insert runs once per
// wager on the commit thread, so its cost bounds throughput; the choices that keep it cheap:
// - ledger_entries names a wager's seed by its integer id (the 64-character commitment lives
//   once, in seeds), and every record carries its user's seed position (seed_id, nonce), so
//   the gap-free nonce rule is a comparison with the user's previous record, which the chain
//   rule reads anyway: one rowid lookup, no nonce index and no search for nonce - 1;
// - one BEFORE INSERT trigger checks chain, nonce and seed (one trigger program, not two);
// - the rules that depend on the kind are one CHECK with one CASE on it: a wager costs one
//   text comparison rather than about twenty (each about 120 instructions), and no
//   `kind IN (...)` list (SQLite builds an ephemeral index for a longer IN list on every
//   execution of the statement);
// - the insert trigger refuses with RAISE(ROLLBACK), which, with the store's INSERT OR
//   ROLLBACK, lets SQLite skip the per-statement journal (a refused record ends the
//   transaction, which the store rolls back anyway).
// `ledger` is a view with the records as the model has them (commitment text, nonce 0 for
// records other than wagers); other clients may insert through it.
const char* const kSchema = R"sql(
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE seeds (
  seed_id        INTEGER PRIMARY KEY,
  commitment     TEXT    NOT NULL UNIQUE,
  user_id        TEXT    NOT NULL,
  server_seed    TEXT    NOT NULL,
  client_seed    TEXT    NOT NULL,
  created_at_us  INTEGER NOT NULL,
  revealed_at_us INTEGER
);
CREATE INDEX seeds_by_user ON seeds (user_id, created_at_us);
CREATE TRIGGER seeds_refuse_delete BEFORE DELETE ON seeds
  BEGIN SELECT RAISE(ABORT, 'seeds are immutable: DELETE refused'); END;
CREATE TRIGGER seeds_only_reveal BEFORE UPDATE ON seeds
  WHEN OLD.revealed_at_us IS NOT NULL OR NEW.revealed_at_us IS NULL
    OR NEW.server_seed IS NOT OLD.server_seed OR NEW.client_seed IS NOT OLD.client_seed
    OR NEW.user_id IS NOT OLD.user_id OR NEW.commitment IS NOT OLD.commitment
    OR NEW.created_at_us IS NOT OLD.created_at_us OR NEW.seed_id IS NOT OLD.seed_id
  BEGIN SELECT RAISE(ABORT, 'seeds are immutable except for being revealed once'); END;

CREATE TABLE ledger_entries (
  seq            INTEGER PRIMARY KEY,
  user_id        TEXT    NOT NULL,
  kind           TEXT    NOT NULL,
  idem_key       TEXT    NOT NULL,
  amount         INTEGER NOT NULL CHECK (amount > 0),
  game           TEXT    NOT NULL DEFAULT '',
  params         TEXT    NOT NULL DEFAULT '',
  outcome        INTEGER NOT NULL DEFAULT 0,
  payout         INTEGER NOT NULL DEFAULT 0 CHECK (payout >= 0),
  house_edge_bp  INTEGER NOT NULL DEFAULT 0,
  balance_before INTEGER NOT NULL CHECK (balance_before >= 0),
  balance_after  INTEGER NOT NULL CHECK (balance_after >= 0),
  -- The user's seed position before this record: the active seed (0 before the user has
  -- one) and the nonce its next wager draws; a wager draws exactly that nonce.
  seed_id        INTEGER NOT NULL CHECK (seed_id >= 0),
  nonce          INTEGER NOT NULL CHECK (nonce >= 0),
  client_seed    TEXT    NOT NULL DEFAULT '',
  created_at_us  INTEGER NOT NULL,
  prev_seq       INTEGER NOT NULL CHECK (prev_seq >= 0),
  UNIQUE (user_id, idem_key),
  CHECK (prev_seq <> 0 OR (balance_before = 0 AND nonce = 0)),
  -- Each kind's rules in one CASE (an unknown kind is refused): its game, payout and params
  -- and its balance identity. A wager, the common record, costs one text comparison.
  CHECK (CASE kind
    WHEN 'wager' THEN game <> '' AND balance_after = balance_before + (payout - amount)
    WHEN 'deposit' THEN game = '' AND payout = 0 AND params = ''
      AND balance_after = balance_before + amount
    WHEN 'withdrawal' THEN game = '' AND payout = 0 AND params = ''
      AND balance_after = balance_before + -amount
    WHEN 'credit' THEN game = '' AND payout = 0 AND params = ''
      AND balance_after = balance_before + amount
    WHEN 'transfer_out' THEN game = '' AND payout = 0 AND params <> '' AND params <> user_id
      AND balance_after = balance_before + -amount
    WHEN 'transfer_in' THEN game = '' AND payout = 0 AND params <> '' AND params <> user_id
      AND balance_after = balance_before + amount
    ELSE 0 END)
);
-- A record has at most one successor (prev_seq names a record of the same user, checked
-- below, so this is the user's chain that cannot fork), and a user at most one first record.
CREATE UNIQUE INDEX ledger_successors ON ledger_entries (prev_seq) WHERE prev_seq <> 0;
CREATE UNIQUE INDEX ledger_first_records ON ledger_entries (user_id) WHERE prev_seq = 0;
CREATE TRIGGER ledger_refuses_update BEFORE UPDATE ON ledger_entries
  BEGIN SELECT RAISE(ABORT, 'ledger records are immutable: UPDATE refused'); END;
CREATE TRIGGER ledger_refuses_delete BEFORE DELETE ON ledger_entries
  BEGIN SELECT RAISE(ABORT, 'ledger records are immutable: DELETE refused'); END;
-- The chain: a record continues its user's previous record from that record's
-- balance_after and seed position (the same seed one nonce on after a wager, or a later
-- seed from nonce 0). Since the chain cannot fork, a seed belongs to one user and a user's
-- seed ids only grow, no (seed, nonce) is drawn twice and none is skipped. A wager draws
-- only from its user's own unrevealed seed.
CREATE TRIGGER ledger_continues_the_chain BEFORE INSERT ON ledger_entries BEGIN
  SELECT RAISE(ROLLBACK, 'ledger record does not continue its user''s chain')
    WHERE NEW.prev_seq <> 0 AND NOT EXISTS (SELECT 1 FROM ledger_entries p
      WHERE p.seq = NEW.prev_seq AND p.user_id = NEW.user_id
        AND p.balance_after = NEW.balance_before
        AND CASE WHEN p.seed_id = NEW.seed_id THEN NEW.nonce = p.nonce + (p.kind = 'wager')
                 ELSE NEW.seed_id > p.seed_id AND NEW.nonce = 0 END);
  SELECT RAISE(ROLLBACK, 'wager nonce does not follow on an active commitment')
    WHERE NEW.kind = 'wager' AND NOT EXISTS (SELECT 1 FROM seeds WHERE seed_id = NEW.seed_id
      AND user_id = NEW.user_id AND revealed_at_us IS NULL);
END;
-- The second half of a transfer immediately follows the first, naming each other.
CREATE TRIGGER ledger_transfer_in_follows_its_out AFTER INSERT ON ledger_entries
  WHEN NEW.kind = 'transfer_in' AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE
    seq = NEW.seq - 1 AND kind = 'transfer_out' AND user_id = NEW.params
    AND params = NEW.user_id AND amount = NEW.amount)
  BEGIN SELECT RAISE(ROLLBACK, 'transfer_in does not follow its transfer_out'); END;

-- The records as the model has them. Another client inserts through the view with a
-- commitment (wagers) and is given the seed position of the previous record.
CREATE VIEW ledger AS SELECT l.seq, l.user_id, l.kind, l.idem_key, l.amount, l.game,
  l.params, l.outcome, l.payout, l.house_edge_bp, l.balance_before, l.balance_after,
  CASE WHEN l.kind = 'wager' THEN s.commitment ELSE '' END AS commitment, l.client_seed,
  CASE WHEN l.kind = 'wager' THEN l.nonce ELSE 0 END AS nonce, l.created_at_us, l.prev_seq
  FROM ledger_entries l LEFT JOIN seeds s ON s.seed_id = l.seed_id;
CREATE TRIGGER ledger_view_insert INSTEAD OF INSERT ON ledger BEGIN
  INSERT INTO ledger_entries (seq, user_id, kind, idem_key, amount, game, params, outcome,
    payout, house_edge_bp, balance_before, balance_after, seed_id, nonce, client_seed,
    created_at_us, prev_seq)
  SELECT NEW.seq, NEW.user_id, NEW.kind, NEW.idem_key, NEW.amount, coalesce(NEW.game, ''),
    coalesce(NEW.params, ''), coalesce(NEW.outcome, 0), coalesce(NEW.payout, 0),
    coalesce(NEW.house_edge_bp, 0), NEW.balance_before, NEW.balance_after,
    CASE WHEN NEW.kind = 'wager'
      THEN (SELECT seed_id FROM seeds WHERE commitment = NEW.commitment)
      ELSE coalesce(p.seed_id, 0) END,
    CASE WHEN NEW.kind = 'wager' THEN NEW.nonce
      ELSE coalesce(p.nonce + (p.kind = 'wager'), 0) END,
    coalesce(NEW.client_seed, ''), NEW.created_at_us, NEW.prev_seq
  FROM (SELECT 1) LEFT JOIN ledger_entries p ON p.seq = NEW.prev_seq;
END;
CREATE TRIGGER ledger_view_refuses_update INSTEAD OF UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger records are immutable: UPDATE refused'); END;
CREATE TRIGGER ledger_view_refuses_delete INSTEAD OF DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'ledger records are immutable: DELETE refused'); END;

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
  seed_id    INTEGER NOT NULL,
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
