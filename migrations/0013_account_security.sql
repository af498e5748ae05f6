-- Account security (docs/rules/account-security.md): the account's allowed IP addresses
-- (a JSON list of {address, label}; empty: every address) and its session lifetimes
-- (NULL: the operator's defaults).
ALTER TABLE accounts ADD COLUMN allowed_ips TEXT NOT NULL DEFAULT '[]';
ALTER TABLE accounts ADD COLUMN session_idle_minutes INTEGER;
ALTER TABLE accounts ADD COLUMN session_absolute_hours INTEGER;
