-- Users: the lifecycle (edit, resend, reset, disable, delete), email preferences, and
-- email delivery bookkeeping.

-- Email preferences of My Profile (docs/rules/users.md#my-profile). Security emails can't be turned off.
ALTER TABLE users ADD COLUMN email_usage_alerts BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN email_weekly_report BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN email_product_updates BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN email_billing_notifications BOOLEAN NOT NULL DEFAULT TRUE;

-- Which user a message is about and what kind it is, so invitations can be rate limited
-- (5 per user per hour) without a second table.
ALTER TABLE outbox ADD COLUMN user_id TEXT REFERENCES users (id);
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'notice';
CREATE INDEX outbox_user_kind ON outbox (user_id, kind, created_at);

-- Delivery through SMTP: attempts and the last error, so a failing server is retried
-- with a back-off and an operator can see why.
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
CREATE INDEX outbox_unsent ON outbox (next_attempt_at) WHERE sent_at IS NULL;
