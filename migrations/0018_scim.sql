-- SCIM 2.0 provisioning (docs/rules/scim.md): bearer tokens, stored as SHA-256 of the token,
-- shown once; and the identity provider's id for a user (`externalId`).
CREATE TABLE scim_tokens (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX scim_tokens_account ON scim_tokens (account_id);

ALTER TABLE users ADD COLUMN external_id TEXT;
CREATE INDEX users_external_id ON users (account_id, external_id) WHERE external_id IS NOT NULL;
