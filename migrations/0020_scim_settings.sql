-- SCIM's settings (docs/rules/scim.md#defaults): the role and product environments of users
-- SCIM creates (no row: a Media Library user over every environment), and the roles user
-- groups give their members (`environments`: JSON, "all" or a list of environment ids).
CREATE TABLE scim_settings (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id),
    default_role TEXT NOT NULL,
    default_environments TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE scim_group_roles (
    group_id TEXT PRIMARY KEY REFERENCES user_groups (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    role TEXT NOT NULL,
    environments TEXT NOT NULL
);
CREATE INDEX scim_group_roles_account ON scim_group_roles (account_id);
