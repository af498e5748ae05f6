-- A prefix search's page chosen inside two indexes (docs/rules/users.md#user-management): the
-- email's and the lowercased name's ranges, each entry carrying the status and every order's
-- key, so the matches are sorted without reading their rows. The name's range moves here.
DROP INDEX users_account_lower_name;
CREATE INDEX users_search_email ON users (account_id, email_normalized, status, created_at,
    (COALESCE(LOWER(name), email_normalized)), (COALESCE(last_login_at, 0)), id);
CREATE INDEX users_search_name ON users (account_id, (LOWER(name)), status, created_at,
    (COALESCE(LOWER(name), email_normalized)), email_normalized, (COALESCE(last_login_at, 0)), id);
