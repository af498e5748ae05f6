//! Users as the console lists and creates them (docs/rules/users.md).

use super::role::Role;
use serde::{Deserialize, Serialize};

/// Statuses and their labels (docs/rules/users.md#statuses). Only `active` users can sign in.
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
    /// The account's root user (docs/rules/roles.md#grant-rules rule 6).
    pub root: bool,
    /// Signs in with a password (the `password` provider), so Reset password applies.
    pub password_sign_in: bool,
    /// Signs in with a second factor (docs/rules/two-factor.md).
    #[serde(default)]
    pub two_factor: bool,
    /// What a Media Library user may create (ignored for other roles).
    pub media_library: MediaLibraryOptions,
    /// The names of the groups the user belongs to (the table's column).
    #[serde(default)]
    pub groups: Vec<String>,
}

/// Media Library user options (docs/rules/users.md#user-management).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaLibraryOptions {
    /// May create folders at the root (and gets "can manage" on them). Off by default.
    pub create_root_folders: bool,
    /// May create collections. On by default.
    pub create_collections: bool,
}

impl Default for MediaLibraryOptions {
    fn default() -> Self {
        MediaLibraryOptions {
            create_root_folders: false,
            create_collections: true,
        }
    }
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
    /// Additional user subscriptions in the limit (0–20).
    pub additional_user_subscriptions: i64,
    /// The plan allows additional user subscriptions (paid tier, subscribed directly).
    pub subscriptions_available: bool,
}

impl UserPage {
    pub fn at_seat_limit(&self) -> bool {
        self.seats_used >= self.seat_limit
    }
}

/// Most additional user subscriptions an account may have; beyond, "Contact your provider".
pub const MAX_ADDITIONAL_USER_SUBSCRIPTIONS: i64 = 20;

/// At most this many emails in one Add users form.
pub const MAX_EMAILS_PER_INVITE: usize = 5;
/// Rows per page of the User Management table.
pub const PAGE_SIZE: i64 = 50;

/// What an emailed link is for (docs/rules/email.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    Invitation,
    AdminReset,
    ForgotPassword,
}

impl LinkPurpose {
    pub const ALL: [LinkPurpose; 3] = [
        LinkPurpose::Invitation,
        LinkPurpose::AdminReset,
        LinkPurpose::ForgotPassword,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::AdminReset => "admin_reset",
            LinkPurpose::ForgotPassword => "forgot_password",
        }
    }

    pub fn parse(s: &str) -> Option<LinkPurpose> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The status a user must have for the link to work.
    pub const fn expected_status(self) -> UserStatus {
        match self {
            LinkPurpose::Invitation => UserStatus::Pending,
            LinkPurpose::AdminReset => UserStatus::PasswordResetPending,
            LinkPurpose::ForgotPassword => UserStatus::Active,
        }
    }

    /// The console page the link opens.
    pub const fn page(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "/invite",
            LinkPurpose::AdminReset | LinkPurpose::ForgotPassword => "/reset-password",
        }
    }
}

/// Orders of the User Management table. Each pages by keyset on (key, id).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    /// Oldest first (the default).
    #[default]
    Created,
    /// Newest first.
    CreatedDesc,
    /// By name (the email until a name is set), A to Z.
    Name,
    /// By email, A to Z.
    Email,
    /// Most recent sign-in first; never-signed-in last.
    LastLogin,
}

impl UserSort {
    pub const ALL: [UserSort; 5] = [
        UserSort::Created,
        UserSort::CreatedDesc,
        UserSort::Name,
        UserSort::Email,
        UserSort::LastLogin,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            UserSort::Created => "created",
            UserSort::CreatedDesc => "created_desc",
            UserSort::Name => "name",
            UserSort::Email => "email",
            UserSort::LastLogin => "last_login",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            UserSort::Created => "Oldest first",
            UserSort::CreatedDesc => "Newest first",
            UserSort::Name => "Name (A–Z)",
            UserSort::Email => "Email (A–Z)",
            UserSort::LastLogin => "Last login (recent first)",
        }
    }

    pub fn parse(s: &str) -> Option<UserSort> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Is the key a number (a time) rather than text?
    pub const fn numeric_key(self) -> bool {
        matches!(
            self,
            UserSort::Created | UserSort::CreatedDesc | UserSort::LastLogin
        )
    }

    /// Does the key grow down the page (ascending)?
    pub const fn ascending(self) -> bool {
        !matches!(self, UserSort::CreatedDesc | UserSort::LastLogin)
    }
}
