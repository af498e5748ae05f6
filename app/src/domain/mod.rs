//! Pure types and rules shared by the browser and the server: no I/O.

pub mod account;
pub mod account_api_key;
pub mod addons;
pub mod api_reference;
pub mod area;
pub mod audit;
pub mod audit_query;
pub mod billing;
pub mod email;
pub mod environment;
pub mod export_progress;
pub mod format;
pub mod group;
pub mod ip_allowlist;
pub mod network;
pub mod password;
pub mod permission;
pub mod plan;
pub mod profile;
pub mod provisioning;
pub mod refusal;
pub mod role;
pub mod saml;
pub mod scim_eval;
pub mod scim_filter;
pub mod scim_group_patch;
pub mod scim_patch;
pub mod scim_settings;
pub mod settings;
pub mod sharing;
pub mod sign_in;
pub mod throttle;
pub mod two_factor;
pub mod usage;
pub mod user;
pub mod user_action;
pub mod user_import;
pub mod validation;

pub use area::Area;
pub use audit::AuditEntry;
pub use email::Email;
pub use environment::{ApiKeySummary, ApiScope, EnvironmentSummary, KeyPermissions, KeySecret};
pub use permission::{Permission, PermissionScope};
pub use plan::{Feature, FileSizes, Plan, Tier};
pub use profile::{EmailPreferences, Me, Theme};
pub use refusal::Refusal;
pub use role::Role;
pub use throttle::{Policy, ThrottleState, Verdict};
pub use user::{
    EnvironmentAccess, LinkPurpose, MediaLibraryOptions, UserPage, UserSort, UserStatus,
    UserSummary,
};
pub use user_action::UserAction;
pub use validation::{FieldError, FieldErrors};
