-- SCIM's own names (docs/rules/scim.md#users): an identity provider's `userName` when it isn't
-- the user's email (Entra ID's UPN, an Okta login), kept as given and lower-cased for its
-- lookups; the `name.formatted` it sent; the `type` and `primary` it sent with the email (a
-- JSON object; NULL: never sent, shown as work and primary); and a group's `externalId`.
ALTER TABLE users ADD COLUMN scim_user_name TEXT;
ALTER TABLE users ADD COLUMN scim_email_attributes TEXT;
ALTER TABLE users ADD COLUMN scim_user_name_normalized TEXT;
ALTER TABLE users ADD COLUMN name_formatted TEXT;
CREATE INDEX users_scim_user_name ON users (account_id, scim_user_name_normalized)
    WHERE scim_user_name_normalized IS NOT NULL;

ALTER TABLE user_groups ADD COLUMN external_id TEXT;
