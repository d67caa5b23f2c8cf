-- Terminal credentials, issued and revoked at head office, and which store and terminal
-- name each install belongs to, with its history.

-- A token is `cdt_<id>_<secret>`: the id finds the row, the secret is kept only as its
-- SHA-256 (a 256-bit random secret needs no slow hash). A credential writes one install's
-- records: the one given at issue, or the first it pushes for.
CREATE TABLE credentials (
  id text PRIMARY KEY,
  secret_sha256 text NOT NULL,
  store text NOT NULL,
  terminal text NOT NULL,
  install_id uuid REFERENCES installs (install_id),
  issued_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX credentials_install ON credentials (install_id);

-- Install -> store and terminal name over time; one open row (valid_to NULL) per install.
CREATE TABLE install_assignments (
  id bigserial PRIMARY KEY,
  install_id uuid NOT NULL REFERENCES installs (install_id),
  store text NOT NULL,
  terminal text NOT NULL,
  credential_id text REFERENCES credentials (id),
  valid_from timestamptz NOT NULL DEFAULT now(),
  valid_to timestamptz,
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX install_assignments_current ON install_assignments (install_id)
  WHERE valid_to IS NULL;
CREATE INDEX install_assignments_store ON install_assignments (store, terminal);
