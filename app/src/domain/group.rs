//! User groups (docs/rules/sharing.md#user-groups): account-level, used for sharing folders and
//! collections.

use super::sharing::{ItemKind, Level};
use serde::{Deserialize, Serialize};

/// 1–100 characters; uniqueness (case-insensitive) is the store's to check.
pub fn group_name(raw: &str) -> Result<String, String> {
    super::validation::name(raw, 1, 100, "Group name")
}

/// The key two names collide on.
pub fn normalized(name: &str) -> String {
    name.trim().to_lowercase()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub id: String,
    pub name: String,
    pub member_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub id: String,
    pub name: Option<String>,
    pub email: String,
    pub status: String,
}

/// Something shared with a group in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupShare {
    pub environment_id: String,
    pub environment_name: String,
    pub kind: ItemKind,
    pub item_id: String,
    /// The folder's path or the collection's name.
    pub item_path: String,
    pub level: Level,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub group: GroupSummary,
    /// In the order they joined.
    pub members: Vec<GroupMember>,
    pub shares: Vec<GroupShare>,
}
