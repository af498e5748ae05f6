-- User groups (docs/rules/sharing.md#user-groups), each environment's folders and collections (§7), and
-- sharing: a share is a role assignment of a level role (`view@folder` … `manage@collection`)
-- to a user or group, scoped `folder:<environment id>/<folder id>` or
-- `collection:<environment id>/<collection id>` (docs/rules/roles.md#assignments).

CREATE TABLE user_groups (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    name_normalized TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX user_groups_account_name ON user_groups (account_id, name_normalized);

CREATE TABLE user_group_members (
    group_id TEXT NOT NULL REFERENCES user_groups (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    added_at BIGINT NOT NULL,
    -- Joining order (several may join in one second).
    seq INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX user_group_members_user ON user_group_members (user_id, group_id);

-- The folder tree: parent pointers; levels are evaluated with recursive queries.
CREATE TABLE folders (
    id TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments (id),
    parent_id TEXT REFERENCES folders (id),
    name TEXT NOT NULL,
    name_normalized TEXT NOT NULL,
    owner_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX folders_sibling_name ON folders (environment_id, (COALESCE(parent_id, '')), name_normalized);
CREATE INDEX folders_parent ON folders (environment_id, parent_id, name_normalized);

CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments (id),
    name TEXT NOT NULL,
    name_normalized TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX collections_environment_name ON collections (environment_id, name_normalized);

-- Who made a share (the dialog and the explainer show it); the item a share is on.
ALTER TABLE role_assignments ADD COLUMN granted_by TEXT;
CREATE INDEX role_assignments_scope ON role_assignments (scope, principal_type, principal_id);
