//! The Provisioning API's records (docs/rules/provisioning-api.md), field for field in the
//! contract's order (SDK tests compare key lists), and its user filter.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// `{key, secret, enabled}` inside a product environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnvironmentKey {
    pub key: String,
    pub secret: String,
    pub enabled: bool,
}

/// A product environment (`sub_account`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductEnvironment {
    pub cloud_name: String,
    pub name: String,
    pub enabled: bool,
    pub id: String,
    /// Every key of the environment, oldest first.
    pub api_access_keys: Vec<EnvironmentKey>,
    pub created_at: String,
    pub updated_at: String,
    pub description: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub custom_attributes: serde_json::Value,
}

/// An access key of a product environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccessKey {
    pub name: Option<String>,
    pub api_key: String,
    pub api_secret: String,
    pub created_at: String,
    pub updated_at: String,
    pub enabled: bool,
    /// `["webhooks"]`; absent when empty.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub dedicated_for: Vec<String>,
    pub root: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EmailPreferenceFlags {
    pub usage_alerts: bool,
    pub weekly_report: bool,
    pub product_updates: bool,
    pub billing_notifications: bool,
}

// Its text borrows from where it was read (a page of users is written straight from the
// database's rows, never copied into records first); `ApiUser::into_owned` detaches one.
/// A user as the Provisioning API shows one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiUser<'a> {
    pub id: Cow<'a, str>,
    pub name: Option<Cow<'a, str>>,
    pub first_name: Option<Cow<'a, str>>,
    pub last_name: Option<Cow<'a, str>>,
    pub role: Cow<'a, str>,
    pub email: Cow<'a, str>,
    pub pending: bool,
    pub enabled: bool,
    pub created_at: String,
    pub updated_at: String,
    pub last_login: Option<String>,
    pub all_sub_accounts: bool,
    pub providers: Vec<String>,
    pub email_preferences: EmailPreferenceFlags,
    pub account_id: Cow<'a, str>,
    pub two_factor: bool,
    pub root: bool,
    pub status: Cow<'a, str>,
    pub technical_role: Option<String>,
    pub group_count: i64,
    pub sub_account_count: i64,
}

fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

impl ApiUser<'_> {
    /// The same record, owning its text.
    pub fn into_owned(self) -> ApiUser<'static> {
        ApiUser {
            id: owned(self.id),
            name: self.name.map(owned),
            first_name: self.first_name.map(owned),
            last_name: self.last_name.map(owned),
            role: owned(self.role),
            email: owned(self.email),
            pending: self.pending,
            enabled: self.enabled,
            created_at: self.created_at,
            updated_at: self.updated_at,
            last_login: self.last_login,
            all_sub_accounts: self.all_sub_accounts,
            providers: self.providers,
            email_preferences: self.email_preferences,
            account_id: owned(self.account_id),
            two_factor: self.two_factor,
            root: self.root,
            status: owned(self.status),
            technical_role: self.technical_role,
            group_count: self.group_count,
            sub_account_count: self.sub_account_count,
        }
    }
}

/// `{id, name}` of a group a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GroupRef {
    pub id: String,
    pub name: String,
}

/// `{id, name, description, cloud_name, enabled}` of an environment a user reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnvironmentRef {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub cloud_name: String,
    pub enabled: bool,
}

/// `{id, name, email}` of a group member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Member {
    pub id: String,
    pub name: Option<String>,
    pub email: String,
}

/// A user group; `users`, `created_at` and `updated_at` only with `extended_details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserGroup {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub users: Option<Vec<Member>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub updated_at: Option<String>,
}

/// Which statuses `GET /users` returns (docs/rules/provisioning-api.md#users).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Every status except `inactive`.
    Live,
    /// `pending=false`: every status except `pending` and `inactive`.
    NotPending,
    /// Exactly this status (`status=…`, or `pending=true`).
    Only(crate::domain::UserStatus),
}

/// The last-login filter: in the day range, or not in it (never-logged-in included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFilter {
    pub inside: bool,
    /// Inclusive bounds as instants: `[from, to)`, either open.
    pub from: Option<i64>,
    pub to: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiUserSort {
    Name,
    Role,
    Status,
    Activity,
    CreatedAt,
}

impl ApiUserSort {
    pub fn parse(s: &str) -> Option<ApiUserSort> {
        Some(match s {
            "name" => ApiUserSort::Name,
            "role" => ApiUserSort::Role,
            "status" => ApiUserSort::Status,
            "activity" | "last_login" => ApiUserSort::Activity,
            "created_at" => ApiUserSort::CreatedAt,
            _ => return None,
        })
    }
}

/// `GET /users`, every filter parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUserFilter {
    pub ids: Vec<String>,
    pub emails: Vec<String>,
    pub status: StatusFilter,
    pub prefix: Option<String>,
    pub environment_id: Option<String>,
    pub last_login: Option<LoginFilter>,
    pub sort: ApiUserSort,
    pub descending: bool,
    /// `(page, page_size)`, 1-based; `None`: every match.
    pub page: Option<(u32, u32)>,
}

impl Default for ApiUserFilter {
    fn default() -> Self {
        ApiUserFilter {
            ids: Vec::new(),
            emails: Vec::new(),
            status: StatusFilter::Live,
            prefix: None,
            environment_id: None,
            last_login: None,
            sort: ApiUserSort::CreatedAt,
            descending: true,
            page: None,
        }
    }
}

/// `GET /sub_accounts` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvironmentFilter {
    pub enabled: Option<bool>,
    /// When given, the other filters are ignored.
    pub ids: Vec<String>,
    pub cloud_names: Vec<String>,
    /// Case-insensitive start of the name.
    pub prefix: Option<String>,
}

/// The most values a list parameter (`ids`, `emails`, `cloud_names`) may carry.
pub const MAX_LIST_VALUES: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_owning_its_text_is_the_same_record() {
        let (id, email, status) = (
            String::from("u1"),
            String::from("ann@example.com"),
            String::from("active"),
        );
        let borrowed = ApiUser {
            id: Cow::Borrowed(&id),
            name: Some(Cow::Borrowed("Ann Lee")),
            first_name: Some(Cow::Borrowed("Ann")),
            last_name: None,
            role: Cow::Borrowed("admin"),
            email: Cow::Borrowed(&email),
            pending: false,
            enabled: true,
            created_at: "2026-01-02T03:04:05Z".into(),
            updated_at: "2026-01-02T03:04:06Z".into(),
            last_login: None,
            all_sub_accounts: true,
            providers: vec!["saml".into()],
            email_preferences: EmailPreferenceFlags {
                usage_alerts: true,
                weekly_report: false,
                product_updates: true,
                billing_notifications: false,
            },
            account_id: Cow::Borrowed("a1"),
            two_factor: false,
            root: false,
            status: Cow::Borrowed(&status),
            technical_role: None,
            group_count: 2,
            sub_account_count: 3,
        };
        let text = serde_json::to_string(&borrowed).unwrap();
        let owned: ApiUser<'static> = borrowed.clone().into_owned();
        drop((id, email, status));
        assert!(matches!(owned.id, Cow::Owned(_)));
        assert_eq!(serde_json::to_string(&owned).unwrap(), text);
        assert_eq!(owned.email, "ann@example.com");
        assert_eq!(owned.first_name.as_deref(), Some("Ann"));
        assert_eq!(owned.status, "active");
        assert_eq!(owned.sub_account_count, 3);
    }
}
