//! The areas of the console and the permission that opens each: the navigation shows
//! only what the user's role may open.

use super::{permission::Permission, role::Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Users,
    Groups,
    MediaLibrary,
    ProductEnvironments,
    ApiKeys,
    EnvironmentSettings,
    AccountSettings,
    AccountApiKeys,
    Scim,
    Security,
    BillingUsage,
    AddOns,
    AuditLog,
    RoleMatrix,
    MyProfile,
}

impl Area {
    pub const ALL: [Area; 15] = [
        Area::Users,
        Area::Groups,
        Area::MediaLibrary,
        Area::ProductEnvironments,
        Area::ApiKeys,
        Area::EnvironmentSettings,
        Area::AccountSettings,
        Area::AccountApiKeys,
        Area::Scim,
        Area::Security,
        Area::BillingUsage,
        Area::AddOns,
        Area::AuditLog,
        Area::RoleMatrix,
        Area::MyProfile,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Area::Users => "Users",
            Area::Groups => "Groups",
            Area::MediaLibrary => "Media Library",
            Area::ProductEnvironments => "Product environments",
            Area::ApiKeys => "API keys",
            Area::EnvironmentSettings => "Environment settings",
            Area::AccountSettings => "Account settings",
            Area::AccountApiKeys => "Account API keys",
            Area::Scim => "SCIM",
            Area::Security => "Security",
            Area::BillingUsage => "Billing & usage",
            Area::AddOns => "Add-ons",
            Area::AuditLog => "Audit log",
            Area::RoleMatrix => "Role matrix",
            Area::MyProfile => "My Profile",
        }
    }

    pub const fn path(self) -> &'static str {
        match self {
            Area::Users => "/users",
            Area::Groups => "/groups",
            Area::MediaLibrary => "/media-library",
            Area::ProductEnvironments => "/environments",
            Area::ApiKeys => "/api-keys",
            Area::EnvironmentSettings => "/settings",
            Area::AccountSettings => "/account",
            Area::AccountApiKeys => "/account-api-keys",
            Area::Scim => "/scim",
            Area::Security => "/security",
            Area::BillingUsage => "/billing",
            Area::AddOns => "/add-ons",
            Area::AuditLog => "/audit-log",
            Area::RoleMatrix => "/roles",
            Area::MyProfile => "/profile",
        }
    }

    /// Any one of these opens the area.
    pub const fn opened_by(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Area::Users => &[UsersView],
            Area::Groups => &[GroupsView],
            Area::MediaLibrary => &[MediaLibraryAccess],
            Area::ProductEnvironments => &[EnvironmentsView],
            Area::ApiKeys => &[ApiKeysView],
            Area::EnvironmentSettings => &[EnvSettingsView, MediaLibraryPreferences, DamAppsManage],
            Area::AccountSettings => &[AccountView],
            Area::AccountApiKeys => &[ProvisioningKeysManage],
            // SCIM tokens act as Admins and its page sets roles: Master admins, as above.
            Area::Scim => &[ProvisioningKeysManage],
            Area::Security => &[SecurityView],
            Area::BillingUsage => &[BillingView, ReportsView],
            Area::AddOns => &[AddonsView],
            Area::AuditLog => &[AuditLogView],
            Area::RoleMatrix => &[RolesView],
            Area::MyProfile => &[ProfileManageOwn],
        }
    }

    pub fn open_to(self, role: Role) -> bool {
        self.opened_by().iter().any(|p| role.has(*p))
    }

    pub fn visible_to(role: Role) -> impl Iterator<Item = Area> {
        Self::ALL.into_iter().filter(move |a| a.open_to(role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navigation_follows_the_matrix() {
        let labels = |r: Role| Area::visible_to(r).map(Area::label).collect::<Vec<_>>();
        assert_eq!(labels(Role::MasterAdmin).len(), Area::ALL.len());
        assert_eq!(
            labels(Role::Billing),
            [
                "Product environments",
                "Account settings",
                "Billing & usage",
                "Add-ons",
                "My Profile"
            ]
        );
        assert_eq!(
            labels(Role::MediaLibraryUser),
            ["Media Library", "Product environments", "My Profile"]
        );
        // Admins reach Billing & usage through reports.view (usage), not billing.view.
        assert!(labels(Role::Admin).contains(&"Billing & usage"));
        assert!(!Role::Admin.has(Permission::BillingView));
        assert!(!labels(Role::TechnicalAdmin).contains(&"Users"));
        // Account API keys can create Master admins: Master admins only (docs/rules/roles.md).
        assert!(labels(Role::MasterAdmin).contains(&"Account API keys"));
        assert!(!labels(Role::Admin).contains(&"Account API keys"));
        assert!(labels(Role::MasterAdmin).contains(&"SCIM"));
        assert!(!labels(Role::Admin).contains(&"SCIM"));
    }
}
