-- The search indexes (migration 0022) carry the last sign-in's key too, so a search sorted by
-- last sign-in chooses its page inside them like every other order, without reading each
-- match's row (docs/rules/users.md#user-management). A sign-in now rewrites its user's two
-- entries as well: two index updates beside the sign-in's own writes and its hash.
DROP INDEX users_search_email;
DROP INDEX users_search_name;
CREATE INDEX users_search_email ON users (account_id, email_normalized, status, created_at,
    (COALESCE(LOWER(name), email_normalized)), (COALESCE(last_login_at, 0)), id);
CREATE INDEX users_search_name ON users (account_id, (LOWER(name)), status, created_at,
    (COALESCE(LOWER(name), email_normalized)), (COALESCE(last_login_at, 0)), email_normalized, id);
