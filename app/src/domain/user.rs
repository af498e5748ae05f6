//! Users as the console lists and creates them (product.md §4).

use super::role::Role;
use serde::{Deserialize, Serialize};

/// Statuses and their labels (product.md §4.1). Only `active` users can sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Pending,
    Active,
    PasswordResetPending,
    Disabled,
    Inactive,
}

impl UserStatus {
    pub const ALL: [UserStatus; 5] = [
        UserStatus::Pending,
        UserStatus::Active,
        UserStatus::PasswordResetPending,
        UserStatus::Disabled,
        UserStatus::Inactive,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            UserStatus::Pending => "pending",
            UserStatus::Active => "active",
            UserStatus::PasswordResetPending => "password_reset_pending",
            UserStatus::Disabled => "disabled",
            UserStatus::Inactive => "inactive",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            UserStatus::Pending => "Pending",
            UserStatus::Active => "Active",
            UserStatus::PasswordResetPending => "Password reset",
            UserStatus::Disabled => "Disabled",
            UserStatus::Inactive => "Inactive",
        }
    }

    pub fn parse(s: &str) -> Option<UserStatus> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Every status but `inactive` holds a seat.
    pub fn holds_seat(self) -> bool {
        self != UserStatus::Inactive
    }
}

/// Which product environments a user may access: all (including later ones) or a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnvironmentAccess {
    All,
    Only(Vec<String>),
}

impl EnvironmentAccess {
    /// "All", or how many.
    pub fn label(&self) -> String {
        match self {
            EnvironmentAccess::All => "All".into(),
            EnvironmentAccess::Only(ids) => ids.len().to_string(),
        }
    }
}

/// One row of the User Management table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    pub environments: EnvironmentAccess,
    pub status: UserStatus,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
}

impl UserSummary {
    /// The name once set, else the email.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.email)
    }
}

/// A page of users and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub users: Vec<UserSummary>,
    /// Pass back as `after` for the next page; `None` on the last page.
    pub next: Option<String>,
    pub seats_used: i64,
    pub seat_limit: i64,
}

/// At most this many emails in one Add users form.
pub const MAX_EMAILS_PER_INVITE: usize = 5;
/// Rows per page of the User Management table.
pub const PAGE_SIZE: i64 = 50;
