-- A user's time zone for showing times (docs/rules/audit.md#the-audit-log-page): an IANA
-- name; NULL: the browser's.
ALTER TABLE users ADD COLUMN time_zone TEXT;
