//! UI shared by the pages.

pub mod add_users;
pub mod auth;
pub mod data;
pub mod environment_access;
pub mod environment_switcher;
pub mod export;
pub mod fields;
pub mod form;
pub mod layout;
pub mod own_account;
pub mod reauth;
pub mod saml_settings;
pub mod scim_group_roles;
pub mod seats;
pub mod status;
pub mod time;
pub mod two_factor;
pub mod user_import;
pub mod user_menu;
