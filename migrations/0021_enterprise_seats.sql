-- An Enterprise account's own seat count (docs/rules/account.md#accounts-and-plans): set by the
-- operator (`server seats set`); NULL: the plan's default.
ALTER TABLE accounts ADD COLUMN enterprise_seats BIGINT;
