-- A prefix search's page chosen inside two indexes (docs/rules/users.md#user-management): the
-- email's and the lowercased name's ranges, each entry carrying the status and the keys of the
-- orders by creation, name and email, so the matches are sorted without reading their rows.
-- Not the last sign-in: a sign-in would then rewrite both indexes' entries. The name's range
-- moves here.
DROP INDEX users_account_lower_name;
CREATE INDEX users_search_email ON users (account_id, email_normalized, status, created_at,
    (COALESCE(LOWER(name), email_normalized)), id);
CREATE INDEX users_search_name ON users (account_id, (LOWER(name)), status, created_at,
    (COALESCE(LOWER(name), email_normalized)), email_normalized, id);
