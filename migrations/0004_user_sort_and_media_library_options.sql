-- The User Management table sorts by name, email or last login as well as by creation,
-- paging by keyset on (key, id): one index per order, so a page is a short index walk
-- whatever the account's size. The name key is the name, or the email until one is set.
CREATE INDEX users_account_email ON users (account_id, email_normalized, id);
CREATE INDEX users_account_name ON users (account_id, (COALESCE(LOWER(name), email_normalized)), id);
CREATE INDEX users_account_last_login ON users (account_id, (COALESCE(last_login_at, 0)), id);

-- Media Library user options (docs/rules/users.md#user-management): may create folders at the root (off; the
-- creator gets "can manage"), may create collections (on).
ALTER TABLE users ADD COLUMN ml_create_root_folders BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN ml_create_collections BOOLEAN NOT NULL DEFAULT TRUE;
