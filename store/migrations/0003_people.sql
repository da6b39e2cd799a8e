-- People: the studio's owner, who keeps the accounts. Until now the owner was simply the
-- account the first start made, which is the oldest one; a studio that already has accounts
-- keeps that one as its owner.

ALTER TABLE accounts ADD COLUMN studio_owner boolean NOT NULL DEFAULT false;
UPDATE accounts SET studio_owner = true
  WHERE id = (SELECT id FROM accounts ORDER BY created_at, id LIMIT 1);
-- One owner at most: the flag is unique among the rows that hold it.
CREATE UNIQUE INDEX accounts_one_studio_owner ON accounts (studio_owner) WHERE studio_owner;

-- An account the owner disabled cannot sign in; it stays on its projects, so history keeps
-- its name.
ALTER TABLE accounts ADD COLUMN disabled_at timestamptz;

-- Personal access tokens, for clients that are not browsers (`controlroom push`): only the
-- SHA-256 of each token is kept, as for sessions.
CREATE TABLE access_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX access_tokens_account_idx ON access_tokens (account_id);

-- One-time password reset links the owner issues; the hash of the token, as above.
CREATE TABLE password_resets (
  token_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX password_resets_account_idx ON password_resets (account_id);

-- A withdrawn invitation is closed like an accepted one, and says so.
ALTER TABLE invitations ADD COLUMN revoked_at timestamptz;

-- The studio's own secrets (the key CSRF tokens are signed with), made once, so every server
-- process and every restart signs and checks with the same one.
CREATE TABLE studio_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The sign-in limiter's token buckets (accounts/rate-limit.ts), shared by every process.
CREATE TABLE sign_in_buckets (
  key text PRIMARY KEY,
  tokens double precision NOT NULL,
  updated_at timestamptz NOT NULL
);
