-- Account API keys (docs/rules/account.md#accounts-and-plans): the Provisioning API's credentials. The secret is
-- high-entropy and kept only as its SHA-256 hash (docs/rules/provisioning-api.md#credentials); what a key
-- may do is a role assignment (`provisioning_key` principal, Master admin at account
-- scope), in the general form the custom roles will use.

CREATE TABLE account_api_keys (
    api_key TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    name_normalized TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE UNIQUE INDEX account_api_keys_name ON account_api_keys (account_id, name_normalized);
CREATE INDEX account_api_keys_account ON account_api_keys (account_id, created_at);
