-- Head office's users and their sessions. A user has one role: viewer (the journal with codes
-- masked, summaries, terminals, reconciliation), auditor (full codes and exports as well) or
-- admin (terminal credentials, the store mapping and the users as well).

CREATE TABLE office_users (
  id bigserial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('viewer', 'auditor', 'admin')),
  -- scrypt$N$r$p$salt$hash (base64url), from node:crypto.
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz,
  -- Wrong passwords in a row; the fifth locks sign-in for 5 minutes (as a terminal's PIN).
  failed_sign_ins integer NOT NULL DEFAULT 0,
  locked_until timestamptz
);

-- A session is a random token given to the browser once (an HttpOnly cookie); the database
-- keeps only its SHA-256.
CREATE TABLE office_sessions (
  token_sha256 text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES office_users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX office_sessions_user ON office_sessions (user_id);
