-- Product environments and their API keys (docs/rules/environments.md#product-environments, §3).

CREATE TABLE environments (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    cloud_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    custom_attributes TEXT NOT NULL DEFAULT '{}',
    -- Reported daily by the media platform; NULL until it has reported.
    asset_count BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- A cloud name is unique in the whole installation (stored lowercase).
CREATE UNIQUE INDEX environments_cloud_name ON environments (cloud_name);
CREATE INDEX environments_account ON environments (account_id, created_at, id);

-- The secret is sealed with AEAD under the server's key (the media platform needs it back to
-- check signatures); never stored in the clear, logged or audited.
CREATE TABLE api_keys (
    api_key TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    name_normalized TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    root BOOLEAN NOT NULL DEFAULT FALSE,
    dedicated_for TEXT CHECK (dedicated_for IS NULL OR dedicated_for = 'webhooks'),
    -- 'full', or a comma list of upload_api, admin_api_read, admin_api_write.
    permissions TEXT NOT NULL DEFAULT 'full',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX api_keys_name ON api_keys (environment_id, name_normalized);
CREATE INDEX api_keys_environment ON api_keys (environment_id, created_at);
-- At most one webhook key per environment.
CREATE UNIQUE INDEX api_keys_webhooks ON api_keys (environment_id) WHERE dedicated_for = 'webhooks';

-- The environment a session works in (the header's switcher).
ALTER TABLE sessions ADD COLUMN active_environment_id TEXT;
