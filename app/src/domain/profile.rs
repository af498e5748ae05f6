//! What a signed-in user sees of themselves, and the display preferences of My Profile.

use super::{permission::Permission, role::Role, user::EnvironmentAccess};
use serde::{Deserialize, Serialize};

/// Display preference (docs/rules/users.md#my-profile): light, dark, or the device's setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Light,
    Dark,
    #[default]
    System,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Light, Theme::Dark, Theme::System];

    pub const fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::System => "system",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Theme::Light => "Light",
            Theme::Dark => "Dark",
            Theme::System => "Device default",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The signed-in user as the console shows them; sent to the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: String,
    pub account_id: String,
    pub account_name: String,
    pub email: String,
    pub name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Role,
    /// The product environments the user may access (docs/rules/roles.md#environment-access).
    pub environments: EnvironmentAccess,
    pub root: bool,
    pub theme: Theme,
    pub email_preferences: EmailPreferences,
    /// The account's plan id, so the console shows what the plan gates as unavailable
    /// before anyone submits it.
    #[serde(default)]
    pub plan: String,
    /// Sign-in asks this user for a code (docs/rules/two-factor.md).
    #[serde(default)]
    pub two_factor: bool,
    /// The account requires a second factor this user hasn't set up: the console shows
    /// nothing but setting one up.
    #[serde(default)]
    pub must_enrol_two_factor: bool,
    /// The user signs in through the account's identity provider (SAML on): they confirm
    /// who they are there too (docs/rules/saml.md#re-authentication).
    #[serde(default)]
    pub single_sign_on: bool,
    /// The account has SAML login on: Add users offers *Send invitation email*.
    #[serde(default)]
    pub account_saml: bool,
    /// Name and email come from the identity provider (a SAML user while JIT provisioning
    /// is on): read-only in My Profile (docs/rules/saml.md#jit-provisioning).
    #[serde(default)]
    pub identity_from_idp: bool,
    /// The IANA time zone times are shown in; `None`: the browser's.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// Email preferences of My Profile (docs/rules/users.md#my-profile). Security emails (password,
/// sign-in, 2FA notices) are always sent and aren't listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPreferences {
    pub usage_alerts: bool,
    pub weekly_report: bool,
    pub product_updates: bool,
    pub billing_notifications: bool,
}

impl Default for EmailPreferences {
    fn default() -> Self {
        EmailPreferences {
            usage_alerts: true,
            weekly_report: true,
            product_updates: false,
            billing_notifications: true,
        }
    }
}

impl EmailPreferences {
    /// `(field name, label, hint)` of each preference, in the order My Profile shows them.
    pub const FIELDS: [(&'static str, &'static str, &'static str); 4] = [
        (
            "usage_alerts",
            "Usage alerts",
            "When the account nears or passes a plan limit",
        ),
        (
            "weekly_report",
            "Weekly report",
            "A summary of the account's usage every Monday",
        ),
        (
            "product_updates",
            "Product updates",
            "New features and changes to the console",
        ),
        (
            "billing_notifications",
            "Billing notifications",
            "Invoices, payment problems and plan changes",
        ),
    ];

    pub fn get(&self, field: &str) -> bool {
        match field {
            "usage_alerts" => self.usage_alerts,
            "weekly_report" => self.weekly_report,
            "product_updates" => self.product_updates,
            "billing_notifications" => self.billing_notifications,
            _ => false,
        }
    }
}

impl Me {
    /// The account's plan has `feature`.
    pub fn plan_has(&self, feature: super::Feature) -> bool {
        super::Plan::find(&self.plan).is_some_and(|p| p.has(feature))
    }

    /// "Available on Plus" for a feature the plan lacks; `None` when it has it.
    pub fn unavailable(&self, feature: super::Feature) -> Option<String> {
        (!self.plan_has(feature)).then(|| match super::Plan::first_with(feature) {
            Some(p) => format!("Available on {}", p.name),
            None => "Not available".to_string(),
        })
    }

    /// The name shown in the header: the display name once set, else the email.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.email)
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.role.has(permission)
    }
}

/// One of the user's own sessions, as My Profile lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub id: String,
    /// Browser and operating system, from the user agent ("Chrome on Windows 10").
    pub device: String,
    pub ip: String,
    pub started_at: i64,
    pub last_seen_at: i64,
    /// The session of this request.
    pub current: bool,
}
