-- The central journal: every terminal install's audit records, as shipped, with the chain
-- checked at ingest. Never edit a migration that has shipped: add the next number.

-- One row per terminal install (the immutable install id kept in its audit log): where its
-- chain stands at head office. A push of an install locks this row (FOR UPDATE), so two
-- collectors never check the same chain at once.
CREATE TABLE installs (
  install_id uuid PRIMARY KEY,
  head_seq bigint NOT NULL DEFAULT 0 CHECK (head_seq >= 0),
  head_hash text NOT NULL DEFAULT repeat('0', 64),
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_push_at timestamptz,
  -- Set at the first chain alert and kept: head office clears it once explained.
  flagged_at timestamptz,
  flag_reason text
);

-- The record key, unpartitioned: a key must be unique whatever month a resend claims to be
-- from, and a partitioned table's unique index must include the partition column (ts). So a
-- record is inserted into `records` only when its key is new here, in the same transaction.
CREATE TABLE record_keys (
  install_id uuid NOT NULL REFERENCES installs (install_id),
  seq bigint NOT NULL CHECK (seq > 0),
  ts timestamptz NOT NULL,
  hash text NOT NULL,
  -- The hash of the content as received (its prev_hash and canonical form): a resend is a
  -- duplicate only if both match, so a record resent with other content under the same
  -- claimed hash is caught too.
  content_hash text NOT NULL,
  PRIMARY KEY (install_id, seq)
);

-- The records, partitioned by month of the record's time (partitions created on demand by
-- the collector, see central/partitions.ts). Fields as in the terminal's log, `detail` as the
-- canonical text that the hash covers, plus where the install stood at ingest.
CREATE TABLE records (
  install_id uuid NOT NULL,
  seq bigint NOT NULL,
  ts timestamptz NOT NULL,
  store text,
  terminal text,
  terminal_id text NOT NULL,
  operator_id text,
  action text NOT NULL,
  code text,
  card_id text,
  outcome text NOT NULL,
  errcode integer,
  errmsg text,
  duration_ms bigint,
  nonce text,
  detail text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  -- Whether the record continued its chain when it arrived (see alerts for why not).
  chain_ok boolean NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (install_id, seq, ts)
) PARTITION BY RANGE (ts);

-- The head-office journal's filters, each with time for ranges and newest-first pages.
CREATE INDEX records_store_ts ON records (store, ts);
CREATE INDEX records_terminal_ts ON records (terminal, ts);
CREATE INDEX records_install_ts ON records (install_id, ts);
CREATE INDEX records_operator_ts ON records (operator_id, ts);
CREATE INDEX records_card_ts ON records (card_id, ts);
-- Code prefix (LIKE 'abc%') whatever the database's collation.
CREATE INDEX records_code_prefix ON records (code text_pattern_ops);
CREATE INDEX records_outcome_ts ON records (outcome, action, ts);
CREATE INDEX records_ts ON records (ts);

-- Chain alerts: a break is stored, the install flagged, and shipping goes on.
CREATE TABLE alerts (
  id bigserial PRIMARY KEY,
  install_id uuid NOT NULL REFERENCES installs (install_id),
  seq bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('bad_hash', 'broken_link', 'gap', 'rewritten')),
  detail jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_install ON alerts (install_id, id);
CREATE INDEX alerts_created ON alerts (created_at);
