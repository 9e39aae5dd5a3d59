// The PostgreSQL schema of the AutoBets store (documented in docs/ledger.md) and the mapping
// between its rows and the model's records.
#include "pg_schema.h"

namespace autobets::pg {

const std::string_view kSchemaVersion = "2";

// The same tables and invariants as the SQLite schema, enforced by PostgreSQL for every
// client. Ledger seqs are not drawn from a sequence (sequences leave gaps and commit out of
// order): each insert continues ledger_head.last_seq without a gap and moves it, holding that
// row's lock to COMMIT, so seqs are gap-free and commit in order.
const char* const kSchema = R"sql(
CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);

-- One row: the lock every writer of the ledger holds until it commits, the last seq written
-- and the reconcile watermark.
CREATE TABLE ledger_head (
  id          integer PRIMARY KEY CHECK (id = 1),
  last_seq    bigint  NOT NULL CHECK (last_seq >= 0),
  applied_seq bigint  NOT NULL CHECK (applied_seq >= 0)
);
INSERT INTO ledger_head VALUES (1, 0, 0);

CREATE TABLE ledger (
  seq            bigint  PRIMARY KEY CHECK (seq > 0),
  user_id        text    NOT NULL CHECK (user_id ~ '^[A-Za-z0-9_.:@-]{1,64}$'),
  kind           text    NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'credit', 'wager',
                                                  'transfer_out', 'transfer_in')),
  idem_key       text    NOT NULL CHECK (idem_key <> ''),
  amount         bigint  NOT NULL CHECK (amount > 0),
  game           text    NOT NULL DEFAULT '',
  params         text    NOT NULL DEFAULT '',
  outcome        bigint  NOT NULL DEFAULT 0,
  payout         bigint  NOT NULL DEFAULT 0 CHECK (payout >= 0),
  house_edge_bp  integer NOT NULL DEFAULT 0,
  balance_before bigint  NOT NULL CHECK (balance_before >= 0),
  balance_after  bigint  NOT NULL CHECK (balance_after >= 0),
  commitment     text    NOT NULL DEFAULT '',
  client_seed    text    NOT NULL DEFAULT '',
  nonce          bigint  NOT NULL DEFAULT 0 CHECK (nonce >= 0),
  created_at_us  bigint  NOT NULL,
  prev_seq       bigint  NOT NULL CHECK (prev_seq >= 0 AND prev_seq < seq),
  UNIQUE (user_id, idem_key),
  UNIQUE (user_id, prev_seq),
  CHECK ((kind = 'wager') = (game <> '')),
  CHECK (kind = 'wager' OR payout = 0),
  CHECK ((kind IN ('transfer_out', 'transfer_in')) = (kind <> 'wager' AND params <> '')),
  CHECK (kind NOT IN ('transfer_out', 'transfer_in') OR params <> user_id),
  CHECK (balance_after::numeric = balance_before::numeric + CASE kind
           WHEN 'deposit' THEN amount WHEN 'credit' THEN amount WHEN 'transfer_in' THEN amount
           WHEN 'withdrawal' THEN -amount WHEN 'transfer_out' THEN -amount
           ELSE payout::numeric - amount END)
);
CREATE UNIQUE INDEX ledger_nonces ON ledger (commitment, nonce) WHERE kind = 'wager';
CREATE INDEX ledger_by_user ON ledger (user_id, seq);

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger records are immutable: % refused', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER ledger_refuses_update_and_delete BEFORE UPDATE OR DELETE ON ledger
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_refuses_truncate BEFORE TRUNCATE ON ledger
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- A record inserted without a seq (by another client) gets the next one.
CREATE FUNCTION ledger_number_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.seq := coalesce((SELECT max(seq) FROM ledger), 0) + 1;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_numbers_rows BEFORE INSERT ON ledger
  FOR EACH ROW WHEN (NEW.seq IS NULL) EXECUTE FUNCTION ledger_number_row();

-- After each INSERT statement, over all its rows at once (so a batch costs a few set
-- queries, not several per row): the seqs directly follow the last one with no gap; every
-- record continues its user's chain from the previous record's balance_after; a wager draws
-- the next nonce of its user's unrevealed seed; a transfer_in directly follows its
-- transfer_out. Then ledger_head moves on (its row lock is held until COMMIT, so seqs commit
-- in order whoever the client is).
CREATE FUNCTION ledger_check_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head bigint := (SELECT last_seq FROM ledger_head WHERE id = 1);
  lowest bigint;
  highest bigint;
  inserted bigint;
BEGIN
  SELECT min(seq), max(seq), count(*) INTO lowest, highest, inserted FROM new_rows;
  IF inserted = 0 THEN
    RETURN NULL;
  END IF;
  IF lowest <> head + 1 OR highest - lowest + 1 <> inserted THEN
    RAISE EXCEPTION 'ledger seqs % to % do not directly follow the last record %', lowest,
      highest, head USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM new_rows n LEFT JOIN ledger p ON p.seq = n.prev_seq
             AND p.user_id = n.user_id
             WHERE n.balance_before IS DISTINCT FROM
               (CASE n.prev_seq WHEN 0 THEN 0 ELSE p.balance_after END)) THEN
    RAISE EXCEPTION 'ledger record does not continue its user''s chain'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.kind = 'wager' AND (
      NOT EXISTS (SELECT 1 FROM seeds s WHERE s.commitment = n.commitment
                  AND s.user_id = n.user_id AND s.revealed_at_us IS NULL)
      OR (n.nonce <> 0 AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.kind = 'wager'
                  AND l.commitment = n.commitment AND l.nonce = n.nonce - 1)))) THEN
    RAISE EXCEPTION 'wager nonce does not follow on an active commitment'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM new_rows n WHERE n.kind = 'transfer_in' AND NOT EXISTS (
      SELECT 1 FROM ledger o WHERE o.seq = n.seq - 1 AND o.kind = 'transfer_out'
      AND o.user_id = n.params AND o.params = n.user_id AND o.amount = n.amount)) THEN
    RAISE EXCEPTION 'transfer_in does not follow its transfer_out'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  UPDATE ledger_head SET last_seq = highest WHERE id = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_checks_inserts AFTER INSERT ON ledger
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_insert();

CREATE TABLE seeds (
  commitment     text   PRIMARY KEY,
  user_id        text   NOT NULL,
  server_seed    text   NOT NULL,
  client_seed    text   NOT NULL,
  created_at_us  bigint NOT NULL,
  revealed_at_us bigint
);
CREATE INDEX seeds_by_user ON seeds (user_id, created_at_us);
CREATE FUNCTION seeds_check_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR OLD.revealed_at_us IS NOT NULL OR NEW.revealed_at_us IS NULL
      OR NEW.server_seed IS DISTINCT FROM OLD.server_seed
      OR NEW.client_seed IS DISTINCT FROM OLD.client_seed
      OR NEW.user_id IS DISTINCT FROM OLD.user_id
      OR NEW.commitment IS DISTINCT FROM OLD.commitment
      OR NEW.created_at_us IS DISTINCT FROM OLD.created_at_us THEN
    RAISE EXCEPTION 'seeds are immutable except for being revealed once: % refused', TG_OP
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER seeds_only_reveal BEFORE UPDATE OR DELETE ON seeds
  FOR EACH ROW EXECUTE FUNCTION seeds_check_change();
CREATE TRIGGER seeds_refuse_truncate BEFORE TRUNCATE ON seeds
  FOR EACH STATEMENT EXECUTE FUNCTION seeds_check_change();

-- The server seed each user's next seed change will activate, committed to in advance.
CREATE TABLE next_seeds (
  user_id       text   PRIMARY KEY,
  commitment    text   NOT NULL UNIQUE,
  server_seed   text   NOT NULL,
  created_at_us bigint NOT NULL
);

CREATE TABLE accounts (
  user_id    text   PRIMARY KEY,
  balance    bigint NOT NULL CHECK (balance >= 0),
  last_seq   bigint NOT NULL CHECK (last_seq >= 0),
  commitment text   NOT NULL,
  next_nonce bigint NOT NULL CHECK (next_nonce >= 0),
  version    bigint NOT NULL CHECK (version > 0)
);
)sql";

const std::string_view kLedgerColumns =
    "seq, user_id, kind, idem_key, amount, game, params, outcome, payout, house_edge_bp, "
    "balance_before, balance_after, commitment, client_seed, nonce, created_at_us";

const std::string_view kSeedColumns =
    "commitment, user_id, server_seed, client_seed, created_at_us, revealed_at_us";

LedgerRecord read_record(const Rows& rows, int row) {
  LedgerRecord record;
  record.seq = rows.int64(row, 0);
  record.user = rows.text(row, 1);
  record.kind = parse_record_kind(rows.text(row, 2)).value_or(RecordKind::kDeposit);
  record.idempotency_key = rows.text(row, 3);
  record.amount = rows.int64(row, 4);
  record.game = rows.text(row, 5);
  record.params = rows.text(row, 6);
  record.outcome = rows.int64(row, 7);
  record.payout = rows.int64(row, 8);
  record.house_edge_bp = static_cast<std::int32_t>(rows.int64(row, 9));
  record.balance_before = rows.int64(row, 10);
  record.balance_after = rows.int64(row, 11);
  record.commitment = rows.text(row, 12);
  record.client_seed = rows.text(row, 13);
  record.nonce = rows.int64(row, 14);
  record.created_at_us = rows.int64(row, 15);
  return record;
}

SeedRecord read_seed(const Rows& rows, int row, int first) {
  SeedRecord seed;
  seed.commitment = rows.text(row, first);
  seed.user = rows.text(row, first + 1);
  seed.server_seed = rows.text(row, first + 2);
  seed.client_seed = rows.text(row, first + 3);
  seed.created_at_us = rows.int64(row, first + 4);
  if (!rows.is_null(row, first + 5)) seed.revealed_at_us = rows.int64(row, first + 5);
  return seed;
}

}  // namespace autobets::pg
