//! SCIM's settings (docs/rules/scim.md#defaults): the role and product environments a user
//! SCIM creates gets, and the roles its groups give — a user in mapped groups gets the mapped
//! role with the most permissions and every environment any of them gives.

use super::{EnvironmentAccess, Role};
use serde::{Deserialize, Serialize};

/// A role with its product environments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimAccess {
    pub role: Role,
    pub environments: EnvironmentAccess,
}

impl Default for ScimAccess {
    /// Before anything is set: a Media Library user over every product environment.
    fn default() -> Self {
        ScimAccess {
            role: Role::MediaLibraryUser,
            environments: EnvironmentAccess::All,
        }
    }
}

/// A user group whose members get a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimGroupRole {
    pub group_id: String,
    pub group_name: String,
    pub access: ScimAccess,
}

/// A SCIM token as listed (its secret is never shown again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimTokenSummary {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A token just made: the only time its whole value is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimTokenSecret {
    pub token: ScimTokenSummary,
    pub bearer: String,
}

/// The SCIM page: where identity providers connect, the tokens, the defaults and group roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimSettings {
    pub base_url: String,
    pub tokens: Vec<ScimTokenSummary>,
    pub defaults: ScimAccess,
    pub group_roles: Vec<ScimGroupRole>,
}

/// Roles a SCIM token may give: it acts as an Admin, so never Master admin.
pub fn grantable(role: Role) -> bool {
    Role::Admin.may_grant(role)
}

/// The access the mapped groups a user is in give: the role with the most permissions (the
/// first in the catalogue's order on a tie) and every environment any of them gives; `None`
/// when the user is in none.
pub fn mapped_access<'a>(maps: impl IntoIterator<Item = &'a ScimAccess>) -> Option<ScimAccess> {
    let maps: Vec<&ScimAccess> = maps.into_iter().collect();
    let rank = |r: Role| {
        let order = Role::ALL
            .iter()
            .position(|x| *x == r)
            .unwrap_or(Role::ALL.len());
        (std::cmp::Reverse(r.permissions().len()), order)
    };
    let role = maps.iter().map(|m| m.role).min_by_key(|r| rank(*r))?;
    let environments = if maps
        .iter()
        .any(|m| m.environments == EnvironmentAccess::All)
    {
        EnvironmentAccess::All
    } else {
        let mut ids: Vec<String> = Vec::new();
        for m in &maps {
            if let EnvironmentAccess::Only(list) = &m.environments {
                for id in list {
                    if !ids.contains(id) {
                        ids.push(id.clone());
                    }
                }
            }
        }
        EnvironmentAccess::Only(ids)
    };
    Some(ScimAccess { role, environments })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(ids: &[&str]) -> EnvironmentAccess {
        EnvironmentAccess::Only(ids.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn the_strongest_mapped_role_wins_and_environments_add_up() {
        let editors = ScimAccess {
            role: Role::MediaLibraryAdmin,
            environments: only(&["e1"]),
        };
        let finance = ScimAccess {
            role: Role::Billing,
            environments: only(&["e2", "e1"]),
        };
        let admins = ScimAccess {
            role: Role::Admin,
            environments: only(&["e3"]),
        };
        assert_eq!(mapped_access([]), None);
        let both = mapped_access([&editors, &finance]).unwrap();
        assert_eq!(both.environments, only(&["e1", "e2"]));
        let stronger =
            if Role::MediaLibraryAdmin.permissions().len() >= Role::Billing.permissions().len() {
                Role::MediaLibraryAdmin
            } else {
                Role::Billing
            };
        assert_eq!(both.role, stronger);
        let all = mapped_access([&editors, &admins, &ScimAccess::default()]).unwrap();
        assert_eq!(
            (all.role, all.environments),
            (Role::Admin, EnvironmentAccess::All)
        );
    }

    #[test]
    fn a_token_never_gives_master_admin() {
        assert!(!grantable(Role::MasterAdmin));
        assert!(grantable(Role::MediaLibraryUser));
        assert!(grantable(Role::Admin));
    }
}
