-- Hardening (docs/rules/audit.md, docs/rules/sign-in.md).

-- Repeated refusals are one record per actor, action and minute, with a count beside it:
-- the record is appended once, the count lives here (the log itself stays append-only).
ALTER TABLE audit_log ADD COLUMN repeat_key TEXT;
CREATE INDEX audit_log_repeat_key ON audit_log (repeat_key) WHERE repeat_key IS NOT NULL;
CREATE TABLE audit_repeats (
    repeat_key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    last_at BIGINT NOT NULL
);

-- Records are never deleted — except, later, those the retention job prunes, which it
-- announces here first.
CREATE TABLE audit_prune (
    prune_before BIGINT NOT NULL
);
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.at >= (SELECT COALESCE(MAX(prune_before), 0) FROM audit_prune)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
