-- Two-factor sign-in with TOTP (docs/rules/two-factor.md).

-- A user's authenticator: the secret sealed under the server's key (bound to the user),
-- confirmed once a first code matched; the last time step a code was accepted for, so a
-- step is never accepted twice.
CREATE TABLE two_factor (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    secret_sealed TEXT NOT NULL,
    confirmed_at BIGINT,
    last_used_step BIGINT,
    created_at BIGINT NOT NULL
);

-- Ten one-time recovery codes per user, only as hashes; a used one keeps its row (used_at).
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

-- A password found right for a user with two-factor sign-in: the second step's ticket
-- (its token only as a hash), good for a few minutes and a few codes.
CREATE TABLE sign_in_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sign_in_challenges_user ON sign_in_challenges (user_id);

-- Account security: every user must sign in with a second factor.
ALTER TABLE accounts ADD COLUMN require_two_factor INTEGER NOT NULL DEFAULT 0;

-- A session opened while the account requires a factor its user hasn't set up: it may do
-- nothing else until one is confirmed.
ALTER TABLE sessions ADD COLUMN must_enrol_two_factor INTEGER NOT NULL DEFAULT 0;
