-- What each terminal says it holds: with every push and heartbeat a terminal sends the last
-- record durable in its own log (the X-CardDesk-Durable-Seq header). Head office compares it
-- with head_seq to say "N records behind", and last_seen_at with the clock to say a terminal
-- has gone quiet. Both stay NULL for terminals that do not send it (earlier versions).
ALTER TABLE installs ADD COLUMN reported_seq bigint CHECK (reported_seq >= 0);
ALTER TABLE installs ADD COLUMN last_seen_at timestamptz;
