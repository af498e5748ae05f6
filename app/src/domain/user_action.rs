//! What an actor may do to another user in User Management: the row menu of each status
//! (docs/rules/users.md#user-management) and the rules of docs/rules/roles.md#grant-rules. Pure, so
//! the table hides what the service would refuse, from the same code.

use super::permission::Permission;
use super::refusal::Refusal;
use super::role::Role;
use super::user::{EnvironmentAccess, UserStatus, UserSummary};
use serde::{Deserialize, Serialize};

/// An entry of a user's row menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserAction {
    Edit,
    ResendInvite,
    ResendResetEmail,
    ResetPassword,
    ForceLogout,
    ResetTwoFactor,
    Disable,
    Enable,
    Delete,
}

impl UserAction {
    pub const ALL: [UserAction; 9] = [
        UserAction::Edit,
        UserAction::ResendInvite,
        UserAction::ResendResetEmail,
        UserAction::ResetPassword,
        UserAction::ForceLogout,
        UserAction::ResetTwoFactor,
        UserAction::Disable,
        UserAction::Enable,
        UserAction::Delete,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            UserAction::Edit => "edit",
            UserAction::ResendInvite => "resend_invite",
            UserAction::ResendResetEmail => "resend_reset_email",
            UserAction::ResetPassword => "reset_password",
            UserAction::ForceLogout => "force_logout",
            UserAction::ResetTwoFactor => "reset_two_factor",
            UserAction::Disable => "disable",
            UserAction::Enable => "enable",
            UserAction::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<UserAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub const fn label(self) -> &'static str {
        match self {
            UserAction::Edit => "Edit",
            UserAction::ResendInvite => "Resend invite",
            UserAction::ResendResetEmail => "Resend reset email",
            UserAction::ResetPassword => "Reset password",
            UserAction::ForceLogout => "Force logout",
            UserAction::ResetTwoFactor => "Reset 2FA",
            UserAction::Disable => "Disable",
            UserAction::Enable => "Enable",
            UserAction::Delete => "Delete",
        }
    }

    /// The permission the action needs (docs/rules/users.md#user-management).
    pub const fn permission(self) -> Permission {
        match self {
            UserAction::Edit | UserAction::Disable | UserAction::Enable | UserAction::Delete => {
                Permission::UsersManage
            }
            UserAction::ResendInvite => Permission::UsersInvite,
            UserAction::ResendResetEmail
            | UserAction::ResetPassword
            | UserAction::ForceLogout
            | UserAction::ResetTwoFactor => Permission::UsersCredentials,
        }
    }

    /// The row menu of a status (docs/rules/users.md#user-management). Reset password only for
    /// users who sign in with a password.
    pub fn offered(self, status: UserStatus, password_sign_in: bool) -> bool {
        use UserAction::*;
        match status {
            UserStatus::Pending => matches!(self, Edit | ResendInvite | Disable | Delete),
            UserStatus::Active => match self {
                ResetPassword => password_sign_in,
                Edit | ResendInvite | ForceLogout | ResetTwoFactor | Disable | Delete => true,
                ResendResetEmail | Enable => false,
            },
            UserStatus::PasswordResetPending => {
                matches!(
                    self,
                    Edit | ResendResetEmail | ForceLogout | ResetTwoFactor | Disable | Delete
                )
            }
            UserStatus::Disabled => matches!(self, Edit | Enable | Delete),
            UserStatus::Inactive => false,
        }
    }

    /// Does this action end the target's sessions, or take their role or seat away, so that acting
    /// on oneself is refused (docs/rules/roles.md#grant-rules rule 5)? Editing oneself is allowed,
    /// but not one's own role or access (checked on the edit itself).
    const fn refused_on_self(self) -> bool {
        !matches!(self, UserAction::Edit)
    }

    /// Actions the root user is protected from (rule 6).
    const fn refused_on_root(self) -> bool {
        matches!(self, UserAction::Disable | UserAction::Delete)
    }
}

/// Who acts, as the rules need them.
#[derive(Debug, Clone, Copy)]
pub struct Acting<'a> {
    pub user_id: &'a str,
    pub role: Role,
    pub environments: &'a EnvironmentAccess,
}

/// The user acted on.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub user_id: &'a str,
    pub role: Role,
    pub environments: &'a EnvironmentAccess,
    pub status: UserStatus,
    pub root: bool,
    pub password_sign_in: bool,
    /// Has a confirmed second factor (Reset 2FA needs one).
    pub two_factor: bool,
}

impl<'a> From<&'a UserSummary> for Target<'a> {
    fn from(u: &'a UserSummary) -> Self {
        Target {
            user_id: &u.id,
            role: u.role,
            environments: &u.environments,
            status: u.status,
            root: u.root,
            password_sign_in: u.password_sign_in,
            two_factor: u.two_factor,
        }
    }
}

/// Is `inner` within `outer` (rule 3)? `All` lies only within `All`.
pub fn access_within(inner: &EnvironmentAccess, outer: &EnvironmentAccess) -> bool {
    match (outer, inner) {
        (EnvironmentAccess::All, _) => true,
        (EnvironmentAccess::Only(_), EnvironmentAccess::All) => false,
        (EnvironmentAccess::Only(outer), EnvironmentAccess::Only(inner)) => {
            inner.iter().all(|id| outer.contains(id))
        }
    }
}

/// May `actor` take `action` on `target`? Rules 1–3, 5 and 6 of docs/rules/roles.md#grant-rules and
/// the row menu of the target's status. The last-active-master-admin rule (4) needs the account's
/// count and is the service's to check. `Err` says why, in the user's words.
pub fn may_act(actor: &Acting, target: &Target, action: UserAction) -> Result<(), Refusal> {
    if !actor.role.has(action.permission()) {
        return Err(Refusal::RoleLacksPermission {
            role: actor.role,
            permission: action.permission(),
        });
    }
    if target.status == UserStatus::Inactive {
        return Err(Refusal::UserInactive);
    }
    if actor.user_id == target.user_id && action.refused_on_self() {
        return Err(Refusal::OnYourself);
    }
    if !actor.role.may_grant(target.role) {
        return Err(Refusal::RoleOutranksYou { role: target.role });
    }
    if !access_within(target.environments, actor.environments) {
        return Err(Refusal::OutsideYourEnvironments);
    }
    if target.root && action.refused_on_root() {
        return Err(Refusal::RootUser);
    }
    if matches!(
        action,
        UserAction::ResetPassword | UserAction::ResendResetEmail
    ) && !target.password_sign_in
    {
        return Err(Refusal::PasswordSignInOnly);
    }
    if action == UserAction::ResetTwoFactor && !target.two_factor {
        return Err(Refusal::TwoFactorNotOn);
    }
    if !action.offered(target.status, target.password_sign_in) {
        return Err(Refusal::ActionNotOffered {
            action,
            status: target.status,
        });
    }
    Ok(())
}

/// The row menu the actor sees for a user: the offered actions the rules allow.
pub fn menu(actor: &Acting, target: &Target) -> Vec<UserAction> {
    UserAction::ALL
        .into_iter()
        .filter(|a| may_act(actor, target, *a).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target<'a>(
        id: &'a str,
        role: Role,
        status: UserStatus,
        env: &'a EnvironmentAccess,
    ) -> Target<'a> {
        Target {
            user_id: id,
            role,
            environments: env,
            status,
            root: false,
            password_sign_in: true,
            two_factor: false,
        }
    }

    const ALL: EnvironmentAccess = EnvironmentAccess::All;

    #[test]
    fn row_menus_follow_the_status() {
        let admin = Acting {
            user_id: "me",
            role: Role::MasterAdmin,
            environments: &ALL,
        };
        let menu_of = |status| menu(&admin, &target("u", Role::Admin, status, &ALL));
        use UserAction::*;
        assert_eq!(
            menu_of(UserStatus::Pending),
            vec![Edit, ResendInvite, Disable, Delete]
        );
        assert_eq!(
            menu_of(UserStatus::Active),
            vec![
                Edit,
                ResendInvite,
                ResetPassword,
                ForceLogout,
                Disable,
                Delete
            ]
        );
        assert_eq!(
            menu_of(UserStatus::PasswordResetPending),
            vec![Edit, ResendResetEmail, ForceLogout, Disable, Delete]
        );
        assert_eq!(menu_of(UserStatus::Disabled), vec![Edit, Enable, Delete]);
        assert!(menu_of(UserStatus::Inactive).is_empty());
        let mut saml = target("u", Role::Admin, UserStatus::Active, &ALL);
        saml.password_sign_in = false;
        assert!(!menu(&admin, &saml).contains(&ResetPassword));
    }

    #[test]
    fn only_master_admins_act_on_master_admins_and_nobody_on_themselves() {
        let admin = Acting {
            user_id: "a",
            role: Role::Admin,
            environments: &ALL,
        };
        let master = target("m", Role::MasterAdmin, UserStatus::Active, &ALL);
        assert!(menu(&admin, &master).is_empty());
        let billing = target("b", Role::Billing, UserStatus::Active, &ALL);
        assert!(menu(&admin, &billing).is_empty());
        let me = target("a", Role::Admin, UserStatus::Active, &ALL);
        assert_eq!(menu(&admin, &me), vec![UserAction::Edit]);
        assert_eq!(
            may_act(&admin, &me, UserAction::Delete),
            Err(Refusal::OnYourself)
        );
    }

    #[test]
    fn the_root_user_is_never_disabled_or_deleted() {
        let master = Acting {
            user_id: "m",
            role: Role::MasterAdmin,
            environments: &ALL,
        };
        let mut root = target("r", Role::MasterAdmin, UserStatus::Active, &ALL);
        root.root = true;
        assert_eq!(
            may_act(&master, &root, UserAction::Delete),
            Err(Refusal::RootUser)
        );
        assert!(may_act(&master, &root, UserAction::Disable).is_err());
        assert!(may_act(&master, &root, UserAction::ForceLogout).is_ok());
    }

    #[test]
    fn an_actor_limited_to_a_list_acts_only_within_it() {
        let mine = EnvironmentAccess::Only(vec!["e1".into(), "e2".into()]);
        let admin = Acting {
            user_id: "a",
            role: Role::Admin,
            environments: &mine,
        };
        let inside = EnvironmentAccess::Only(vec!["e2".into()]);
        let outside = EnvironmentAccess::Only(vec!["e3".into()]);
        assert!(may_act(
            &admin,
            &target("u", Role::Reports, UserStatus::Active, &inside),
            UserAction::Edit
        )
        .is_ok());
        for env in [&outside, &ALL] {
            assert!(may_act(
                &admin,
                &target("u", Role::Reports, UserStatus::Active, env),
                UserAction::Edit
            )
            .is_err());
        }
    }

    #[test]
    fn roles_without_the_permission_get_no_menu() {
        for role in [
            Role::TechnicalAdmin,
            Role::Billing,
            Role::Reports,
            Role::MediaLibraryAdmin,
            Role::MediaLibraryUser,
        ] {
            let actor = Acting {
                user_id: "x",
                role,
                environments: &ALL,
            };
            let t = target("u", Role::MediaLibraryUser, UserStatus::Active, &ALL);
            assert!(menu(&actor, &t).is_empty(), "{role:?}");
        }
    }
}
