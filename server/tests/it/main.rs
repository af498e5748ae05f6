//! Integration tests through HTTP: one binary, many modules (link time dominates).

mod support;

mod account_api_keys;
mod allowed_ips;
mod audit;
mod audit_page;
mod auth;
mod billing;
mod bootstrap;
mod csrf_headers;
mod data_files;
mod email;
mod environments;
mod groups;
mod lifecycle;
mod lifecycle_rules;
mod media_edits;
mod own_account;
mod profile;
mod provisioning;
mod proxies;
mod saml;
mod saml_idp;
mod saml_settings;
mod saml_users;
mod settings;
mod sharing;
mod sharing_privacy;
mod site;
mod slow_clients;
mod throttle;
mod two_factor;
mod two_factor_admin;
mod user_access;
mod users;
mod webhooks;
