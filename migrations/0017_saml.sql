-- SAML single sign-on (docs/rules/saml.md): an account's identity provider, the email
-- domains that sign in through it, the sign-ins it was asked for, and the assertions it
-- sent (kept against replay until they expire).
CREATE TABLE saml_settings (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id),
    enabled BOOLEAN NOT NULL DEFAULT FALSE,
    -- The identity provider's metadata as pasted or as last fetched from metadata_url.
    idp_metadata TEXT NOT NULL,
    idp_entity_id TEXT NOT NULL,
    metadata_url TEXT,
    metadata_fetched_at BIGINT,
    -- The last refresh's failure (the metadata kept is the last good one).
    metadata_error TEXT,
    enforce BOOLEAN NOT NULL DEFAULT FALSE,
    jit BOOLEAN NOT NULL DEFAULT FALSE,
    jit_default_role TEXT NOT NULL DEFAULT 'media_library_user',
    updated_at BIGINT NOT NULL
);
-- IdP-initiated sign-ins find their account by the issuer.
CREATE UNIQUE INDEX saml_settings_issuer ON saml_settings (idp_entity_id);

-- A domain signs in through one account.
CREATE TABLE saml_domains (
    domain TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id)
);
CREATE INDEX saml_domains_account ON saml_domains (account_id);

-- SP-initiated sign-ins awaiting their response: InResponseTo must name one, once.
CREATE TABLE saml_requests (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    -- 'sign_in', 'reauth' (a fresh sign-in of a signed-in user) or 'test' (Test SSO).
    purpose TEXT NOT NULL CHECK (purpose IN ('sign_in', 'reauth', 'test')),
    user_id TEXT,
    next TEXT,
    expires_at BIGINT NOT NULL
);
CREATE INDEX saml_requests_expiry ON saml_requests (expires_at);

CREATE TABLE saml_assertions (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    assertion_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, assertion_id)
);
CREATE INDEX saml_assertions_expiry ON saml_assertions (expires_at);

-- A SAML user's immutable key (the `username` attribute, else the NameID).
ALTER TABLE users ADD COLUMN saml_username TEXT;
CREATE UNIQUE INDEX users_saml_username ON users (account_id, saml_username)
    WHERE saml_username IS NOT NULL AND status <> 'inactive';

-- How a session was opened: 'password' (with or without a second factor) or 'saml'.
-- Enforcing SAML ends the password sessions of everyone but Master admins.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';

-- A Test SSO request carries the metadata being tried (not yet saved).
ALTER TABLE saml_requests ADD COLUMN draft_metadata TEXT;
-- A re-authentication request names the session it re-authenticates (by its hash).
ALTER TABLE saml_requests ADD COLUMN session_hash TEXT;
