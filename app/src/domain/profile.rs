//! What a signed-in user sees of themselves, and the display preferences of My Profile.

use super::{permission::Permission, role::Role};
use serde::{Deserialize, Serialize};

/// Display preference (product.md §9): light, dark, or the device's setting.
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
    pub root: bool,
    pub theme: Theme,
}

impl Me {
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
