-- The audit log page's filters (docs/rules/audit.md#the-audit-log-page): each a range of an
-- index that ends in the record id, so a filtered page is read newest first from its index
-- and stops at the page's size, however long the log.
CREATE INDEX audit_log_account_id ON audit_log (account_id, id);
CREATE INDEX audit_log_actor ON audit_log (account_id, COALESCE(actor_label, actor_type), id);
CREATE INDEX audit_log_action ON audit_log (account_id, action, id);
CREATE INDEX audit_log_target_id ON audit_log (account_id, target_id, id);
CREATE INDEX audit_log_target_label ON audit_log (account_id, target_label, id);
