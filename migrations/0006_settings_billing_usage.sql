-- Product environment settings (docs/rules/environments.md#environment-settings, §10), account billing details and add-ons
-- (§11), and what seat-use history needs (§11 Usage).

-- One document per settings page of an environment (`upload`, `backup`, `optimization`,
-- `webhooks`, `security`, `media_library`, `dam_apps`), validated by the domain before it
-- is written. A page never saved reads as its defaults. `revision` counts saves, so a form
-- opened before someone else's save can't silently overwrite it.
CREATE TABLE environment_settings (
    environment_id TEXT NOT NULL REFERENCES environments (id),
    page TEXT NOT NULL,
    value_json TEXT NOT NULL,
    revision INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (environment_id, page)
);

-- The account's billing documents (`billing_contact`, `billing_address`, `invoice_settings`),
-- in the same shape.
CREATE TABLE account_settings (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    value_json TEXT NOT NULL,
    revision INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (account_id, kind)
);

-- Registered add-ons: one tier per add-on; cancelling deletes the row.
CREATE TABLE account_addons (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    addon_id TEXT NOT NULL,
    tier TEXT NOT NULL,
    registered_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, addon_id)
);

-- When a user was deleted (Inactive), for seat use over time. Earlier deletions: their last
-- update, which was the deletion (nothing leaves Inactive).
ALTER TABLE users ADD COLUMN deleted_at BIGINT;
UPDATE users SET deleted_at = updated_at WHERE status = 'inactive';
CREATE INDEX users_account_deleted ON users (account_id, deleted_at);

-- Media usage as the media platform reports it: one value per environment, day and metric
-- (the breakdown keys of GET /billing_usage). Empty until the platform reports.
CREATE TABLE media_usage (
    environment_id TEXT NOT NULL REFERENCES environments (id),
    day TEXT NOT NULL,
    metric TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    reported_at BIGINT NOT NULL,
    PRIMARY KEY (environment_id, day, metric)
);
