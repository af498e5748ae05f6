-- Searching User Management by a name prefix is an index range (docs/rules/users.md#user-management):
-- the email's range uses users_account_email.
CREATE INDEX users_account_lower_name ON users (account_id, (LOWER(name)), id);
