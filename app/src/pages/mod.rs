//! One file per page.

pub mod account;
pub mod account_api_keys;
pub mod addons;
pub mod api_keys;
pub mod audit_log;
pub mod billing;
pub mod environments;
pub mod forgot_password;
pub mod group_edit;
pub mod groups;
pub mod home;
pub mod invite;
pub mod login;
pub mod media_edit;
pub mod media_library;
pub mod media_sharing;
pub mod not_built;
pub mod not_found;
pub mod profile;
pub mod provisioning_api;
pub mod role_matrix;
pub mod settings;
pub mod setup;
pub mod usage;
pub mod user_edit;
pub mod users;
