-- A sample of the two search indexes (migrations 0022, 0023): the entries of one user in
-- sixteen (user ids are random hex: those ending in 0). How many users a prefix matches is
-- estimated from it — the sampled entries in the two ranges, times sixteen — to choose how a
-- search finds its page (docs/rules/users.md#user-management): reading 625 entries instead of
-- stepping over 10,000. Every way gives the same page, so an estimate can't change a result.
CREATE INDEX users_search_email_sample ON users (account_id, email_normalized)
    WHERE substr(id, -1) = '0';
CREATE INDEX users_search_name_sample ON users (account_id, (LOWER(name)))
    WHERE substr(id, -1) = '0';
