-- Users: one-time links (invitation, password reset) and the email outbox.

-- Single-use links: only the SHA-256 of the token is stored.
CREATE TABLE user_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'admin_reset', 'forgot_password')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX user_tokens_user ON user_tokens (user_id);

-- Every email the console sends is written here in the transaction that causes it;
-- a sender delivers it (SMTP) or an operator reads it (`server outbox`).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    account_id TEXT REFERENCES accounts (id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);

CREATE INDEX users_account_email ON users (account_id, email_normalized);
