-- Changing one's own email (docs/rules/sign-in.md#your-own-email): the new address waits
-- here, with the hash of the link sent to it, until the link is opened (24 hours).
CREATE TABLE email_changes (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    new_email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX email_changes_user ON email_changes (user_id);
