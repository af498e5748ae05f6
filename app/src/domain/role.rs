//! The seven legacy roles and the role × permission matrix of `docs/rules/roles.md` §2, with the
//! grant rule of §3.2. This is the one definition: the UI hides what it forbids and the
//! service refuses it.

use super::permission::Permission::{self, *};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    MasterAdmin,
    Admin,
    TechnicalAdmin,
    Billing,
    Reports,
    MediaLibraryAdmin,
    MediaLibraryUser,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::MasterAdmin,
        Role::Admin,
        Role::TechnicalAdmin,
        Role::Billing,
        Role::Reports,
        Role::MediaLibraryAdmin,
        Role::MediaLibraryUser,
    ];

    /// The API role string (`master_admin`).
    pub const fn api_str(self) -> &'static str {
        match self {
            Role::MasterAdmin => "master_admin",
            Role::Admin => "admin",
            Role::TechnicalAdmin => "technical_admin",
            Role::Billing => "billing",
            Role::Reports => "reports",
            Role::MediaLibraryAdmin => "media_library_admin",
            Role::MediaLibraryUser => "media_library_user",
        }
    }

    /// The name the console shows.
    pub const fn console_name(self) -> &'static str {
        match self {
            Role::MasterAdmin => "Master admin",
            Role::Admin => "Admin",
            Role::TechnicalAdmin => "Technical admin",
            Role::Billing => "Billing",
            Role::Reports => "Reports",
            Role::MediaLibraryAdmin => "Media Library admin",
            Role::MediaLibraryUser => "Media Library user",
        }
    }

    pub fn from_api_str(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.api_str() == s)
    }

    /// The permissions of this role: its column of the matrix.
    pub fn permissions(self) -> &'static [Permission] {
        match self {
            Role::MasterAdmin => Permission::ALL,
            Role::Admin => &[
                AccountView,
                AccountManage,
                RolesView,
                AuditLogView,
                SecurityView,
                SecurityManage,
                AddonsView,
                AddonsManage,
                UsersView,
                UsersInvite,
                UsersManage,
                UsersCredentials,
                GroupsView,
                GroupsManage,
                EnvironmentsView,
                EnvironmentsManage,
                EnvSettingsView,
                EnvSettingsManage,
                ApiKeysView,
                ApiKeysManage,
                ReportsView,
                MediaLibraryAccess,
                MediaLibraryAllFolders,
                DamAppsManage,
                ProfileManageOwn,
            ],
            Role::TechnicalAdmin => &[
                AccountView,
                SecurityView,
                AddonsView,
                AddonsManage,
                EnvironmentsView,
                EnvironmentsManage,
                EnvSettingsView,
                EnvSettingsManage,
                ApiKeysView,
                ApiKeysManage,
                ReportsView,
                MediaLibraryAccess,
                MediaLibraryAllFolders,
                ProfileManageOwn,
            ],
            Role::Billing => &[
                AccountView,
                BillingView,
                BillingManage,
                PlanManage,
                AddonsView,
                EnvironmentsView,
                ReportsView,
                ProfileManageOwn,
            ],
            Role::Reports => &[
                AccountView,
                AuditLogView,
                EnvironmentsView,
                ReportsView,
                ProfileManageOwn,
            ],
            Role::MediaLibraryAdmin => &[
                AddonsView,
                UsersView,
                GroupsView,
                GroupsManage,
                EnvironmentsView,
                ReportsView,
                MediaLibraryAccess,
                MediaLibraryAllFolders,
                DamAppsManage,
                ProfileManageOwn,
            ],
            Role::MediaLibraryUser => &[EnvironmentsView, MediaLibraryAccess, ProfileManageOwn],
        }
    }

    /// Does this role contain the permission? (A matrix cell.)
    pub fn has(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    /// Grant rule (docs/rules/roles.md#grant-rules, 1 and 2): an actor may give — or act on a user
    /// holding — role `other` only if every permission of `other` is one the actor holds.
    pub fn may_grant(self, other: Role) -> bool {
        other.permissions().iter().all(|p| self.has(*p))
    }

    /// The roles this role may grant, in matrix order.
    pub fn grantable(self) -> impl Iterator<Item = Role> {
        Self::ALL.into_iter().filter(move |r| self.may_grant(*r))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.console_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The matrix of docs/rules/roles.md#the-seven-roles, transcribed row by row (✔ = 'x'), in the
    /// column order master_admin, admin, technical_admin, billing, reports, media_library_admin,
    /// media_library_user. Any drift between the spec and `Role::permissions` fails here.
    const MATRIX: &[(&str, &str)] = &[
        ("account.view", "xxxxx.."),
        ("account.manage", "xx....."),
        ("provisioning_keys.manage", "x......"),
        ("roles.view", "xx....."),
        ("roles.manage", "x......"),
        ("audit_log.view", "xx..x.."),
        ("security.view", "xxx...."),
        ("security.manage", "xx....."),
        ("billing.view", "x..x..."),
        ("billing.manage", "x..x..."),
        ("plan.manage", "x..x..."),
        ("addons.view", "xxxx.x."),
        ("addons.manage", "xxx...."),
        ("users.view", "xx...x."),
        ("users.invite", "xx....."),
        ("users.manage", "xx....."),
        ("users.credentials", "xx....."),
        ("groups.view", "xx...x."),
        ("groups.manage", "xx...x."),
        ("environments.view", "xxxxxxx"),
        ("environments.manage", "xxx...."),
        ("env_settings.view", "xxx...."),
        ("env_settings.manage", "xxx...."),
        ("api_keys.view", "xxx...."),
        ("api_keys.manage", "xxx...."),
        ("reports.view", "xxxxxx."),
        ("media_library.access", "xxx..xx"),
        ("media_library.all_folders", "xxx..x."),
        ("media_library.preferences", "x......"),
        ("dam_apps.manage", "xx...x."),
        ("profile.manage_own", "xxxxxxx"),
    ];

    #[test]
    fn matrix_matches_the_spec_cell_by_cell() {
        assert_eq!(MATRIX.len(), Permission::ALL.len());
        for (id, row) in MATRIX {
            let p = Permission::from_id(id).expect("known permission");
            for (role, cell) in Role::ALL.iter().zip(row.chars()) {
                assert_eq!(role.has(p), cell == 'x', "{} × {}", role.api_str(), id);
            }
        }
    }

    #[test]
    fn grant_rule_follows_the_spec_examples() {
        let admin_grants: Vec<_> = Role::Admin.grantable().map(Role::api_str).collect();
        assert_eq!(
            admin_grants,
            [
                "admin",
                "technical_admin",
                "reports",
                "media_library_admin",
                "media_library_user"
            ]
        );
        assert_eq!(Role::MasterAdmin.grantable().count(), 7);
        assert!(!Role::Admin.may_grant(Role::MasterAdmin));
        assert!(!Role::Admin.may_grant(Role::Billing));
        // Other roles grant nothing but, trivially, roles they fully contain; none of
        // them holds users.invite, so the service refuses them before this rule applies.
        assert!(!Role::TechnicalAdmin.may_grant(Role::Admin));
        assert!(!Role::MediaLibraryUser.may_grant(Role::Reports));
    }

    #[test]
    fn api_strings_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_api_str(r.api_str()), Some(r));
        }
        assert_eq!(Role::from_api_str("owner"), None);
    }
}
