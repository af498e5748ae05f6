-- Foundation: accounts, users, role assignments in the general principal → role → scope
-- form (docs/rules/roles.md#assignments), server-side sessions, sign-in throttles and the append-only audit log.
-- Portable SQL: times are Unix seconds (BIGINT), ids are text, booleans are BOOLEAN.

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    company TEXT,
    plan TEXT NOT NULL,
    additional_user_subscriptions INTEGER NOT NULL DEFAULT 0,
    subscribed_via TEXT NOT NULL DEFAULT 'direct',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    name TEXT,
    first_name TEXT,
    last_name TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'password_reset_pending', 'disabled', 'inactive')),
    status_before_disable TEXT,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    root BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash TEXT,
    providers TEXT NOT NULL DEFAULT 'password',
    theme TEXT NOT NULL DEFAULT 'system' CHECK (theme IN ('light', 'dark', 'system')),
    last_login_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- An email is unique among the non-deleted users of the whole installation.
CREATE UNIQUE INDEX users_email_live ON users (email_normalized) WHERE status <> 'inactive';
CREATE INDEX users_account ON users (account_id, created_at, id);

-- System roles are written from the domain's matrix at start-up; custom roles come later.
CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    account_id TEXT REFERENCES accounts (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('system', 'custom')),
    scope_type TEXT NOT NULL CHECK (scope_type IN ('account', 'environment', 'folder', 'collection')),
    permissions TEXT NOT NULL
);

CREATE TABLE role_assignments (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    principal_type TEXT NOT NULL CHECK (principal_type IN ('user', 'group', 'api_key', 'provisioning_key')),
    principal_id TEXT NOT NULL,
    role_id TEXT NOT NULL REFERENCES roles (id),
    scope TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (principal_type, principal_id, role_id, scope)
);
CREATE INDEX role_assignments_principal ON role_assignments (principal_type, principal_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    reauthenticated_at BIGINT,
    ip TEXT NOT NULL,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE sign_in_throttle (
    throttle_key TEXT PRIMARY KEY,
    consecutive_failures INTEGER NOT NULL,
    last_failure_at BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    window_failures INTEGER NOT NULL,
    locked_until BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    account_id TEXT,
    at BIGINT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT,
    actor_label TEXT,
    action TEXT NOT NULL,
    target_type TEXT,
    target_id TEXT,
    target_label TEXT,
    before_json TEXT,
    after_json TEXT,
    ip TEXT,
    user_agent TEXT,
    request_id TEXT,
    result TEXT NOT NULL
);
CREATE INDEX audit_log_account_at ON audit_log (account_id, at);

-- Append-only: no edit anywhere.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
