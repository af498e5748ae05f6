//! The permission catalogue of `docs/rules/roles.md` §1: stable ids, their area and scope.

use serde::{Deserialize, Serialize};

/// Where a permission is checked: account-wide, or per product environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PermissionScope {
    /// **A**: does not depend on environment access.
    Account,
    /// **E**: holds only in product environments the user may access.
    Environment,
}

macro_rules! permissions {
    ($( $variant:ident => ($id:literal, $area:literal, $scope:ident, $allows:literal) ),+ $(,)?) => {
        /// One permission of the catalogue. Deny is the default: a principal holds a
        /// permission only through a role that contains it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Permission { $( $variant ),+ }

        impl Permission {
            /// Every permission, in catalogue order.
            pub const ALL: &'static [Permission] = &[ $( Permission::$variant ),+ ];

            /// The stable id used in code, the audit log and custom roles (`users.manage`).
            pub const fn id(self) -> &'static str {
                match self { $( Permission::$variant => $id ),+ }
            }

            /// The catalogue area (Account, Security, …).
            pub const fn area(self) -> &'static str {
                match self { $( Permission::$variant => $area ),+ }
            }

            pub const fn scope(self) -> PermissionScope {
                match self { $( Permission::$variant => PermissionScope::$scope ),+ }
            }

            /// What the permission allows, in the catalogue's words.
            pub const fn allows(self) -> &'static str {
                match self { $( Permission::$variant => $allows ),+ }
            }

            pub fn from_id(id: &str) -> Option<Permission> {
                Self::ALL.iter().copied().find(|p| p.id() == id)
            }
        }
    };
}

permissions! {
    AccountView => ("account.view", "Account", Account, "Account page: name, id, plan summary, seat and environment counts"),
    AccountManage => ("account.manage", "Account", Account, "Edit account name and company"),
    ProvisioningKeysManage => ("provisioning_keys.manage", "Account", Account, "Account API keys (Provisioning API credentials): create, disable, delete"),
    RolesView => ("roles.view", "Account", Account, "Role matrix page"),
    RolesManage => ("roles.manage", "Account", Account, "Custom roles (reserved)"),
    AuditLogView => ("audit_log.view", "Account", Account, "Read and export the audit log"),
    SecurityView => ("security.view", "Security", Account, "Read Account security: 2FA policy, SAML, account IP list, session policy"),
    SecurityManage => ("security.manage", "Security", Account, "Change Account security; sign out all users"),
    BillingView => ("billing.view", "Billing", Account, "Plan details, invoices, billing address, invoice settings"),
    BillingManage => ("billing.manage", "Billing", Account, "Edit account billing information, address, invoice settings"),
    PlanManage => ("plan.manage", "Billing", Account, "Change plan; additional user subscriptions"),
    AddonsView => ("addons.view", "Billing", Account, "Add-on catalogue and registrations"),
    AddonsManage => ("addons.manage", "Billing", Account, "Register / cancel add-ons"),
    UsersView => ("users.view", "Users", Account, "User Management table and user details"),
    UsersInvite => ("users.invite", "Users", Account, "Add users (up to 5 at once), resend invitations"),
    UsersManage => ("users.manage", "Users", Account, "Edit role, environment access, names, email, Media Library options; enable/disable; delete"),
    UsersCredentials => ("users.credentials", "Users", Account, "Reset password, force logout, reset 2FA"),
    GroupsView => ("groups.view", "Groups", Account, "Groups and members"),
    GroupsManage => ("groups.manage", "Groups", Account, "Create, rename, delete groups; add/remove members"),
    EnvironmentsView => ("environments.view", "Environments", Environment, "See and switch to the product environment"),
    EnvironmentsManage => ("environments.manage", "Environments", Account, "Create, rename, enable/disable, delete product environments"),
    EnvSettingsView => ("env_settings.view", "Environments", Environment, "Upload, Backup, Optimization, Webhook notifications, Security pages"),
    EnvSettingsManage => ("env_settings.manage", "Environments", Environment, "Change product environment settings"),
    ApiKeysView => ("api_keys.view", "Environments", Environment, "List API keys; reveal secrets after re-authentication"),
    ApiKeysManage => ("api_keys.manage", "Environments", Environment, "Generate, rename, enable/disable, delete, dedicate for webhooks, granular key permissions"),
    ReportsView => ("reports.view", "Environments", Environment, "Dashboard, usage and reports"),
    MediaLibraryAccess => ("media_library.access", "Media Library", Environment, "Open the Media Library; see what is shared with you"),
    MediaLibraryAllFolders => ("media_library.all_folders", "Media Library", Environment, "Can manage every folder and collection, regardless of sharing"),
    MediaLibraryPreferences => ("media_library.preferences", "Media Library", Environment, "Media Library preferences"),
    DamAppsManage => ("dam_apps.manage", "Media Library", Environment, "Enable / disable DAM apps"),
    ProfileManageOwn => ("profile.manage_own", "Self", Account, "My Profile: details, password, 2FA, email and display preferences, own sessions"),
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for p in Permission::ALL {
            assert!(seen.insert(p.id()), "duplicate id {}", p.id());
            assert_eq!(Permission::from_id(p.id()), Some(*p));
        }
        assert_eq!(Permission::ALL.len(), 31);
        assert_eq!(Permission::from_id("users.nothing"), None);
    }

    #[test]
    fn environment_scoped_permissions_match_the_catalogue() {
        let e: Vec<_> = Permission::ALL
            .iter()
            .filter(|p| p.scope() == PermissionScope::Environment)
            .map(|p| p.id())
            .collect();
        assert_eq!(
            e,
            [
                "environments.view",
                "env_settings.view",
                "env_settings.manage",
                "api_keys.view",
                "api_keys.manage",
                "reports.view",
                "media_library.access",
                "media_library.all_folders",
                "media_library.preferences",
                "dam_apps.manage"
            ]
        );
    }
}
