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


-- Seats in use (every status but inactive), kept on the account by the database itself in
-- the transaction that adds, deletes or (in)activates a user, so no code path can forget it
-- and reading it costs one row instead of a count over every user.
ALTER TABLE accounts ADD COLUMN seats_used INTEGER NOT NULL DEFAULT 0;
UPDATE accounts SET seats_used = (
    SELECT COUNT(*) FROM users WHERE users.account_id = accounts.id AND users.status <> 'inactive'
);
CREATE TRIGGER users_seat_on_insert AFTER INSERT ON users WHEN NEW.status <> 'inactive'
BEGIN
    UPDATE accounts SET seats_used = seats_used + 1 WHERE id = NEW.account_id;
END;
CREATE TRIGGER users_seat_on_status AFTER UPDATE OF status ON users
WHEN (OLD.status = 'inactive') <> (NEW.status = 'inactive')
BEGIN
    UPDATE accounts SET seats_used = seats_used + (CASE WHEN NEW.status = 'inactive' THEN -1 ELSE 1 END)
    WHERE id = NEW.account_id;
END;
CREATE TRIGGER users_seat_on_delete AFTER DELETE ON users WHEN OLD.status <> 'inactive'
BEGIN
    UPDATE accounts SET seats_used = seats_used - 1 WHERE id = OLD.account_id;
END;
