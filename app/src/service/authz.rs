//! The acting principal and the permission check every operation starts with.

use super::{
    Actor, AuditRecord, AuditResult, Permit, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::Refusal;
use crate::domain::{EnvironmentAccess, Permission, PermissionScope, Role};

/// Who acts in a request: a signed-in user (from a live session) or an account API key
/// (the Provisioning API). Only the service makes one (its fields are private), so holding
/// one proves the session or the credentials were valid.
#[derive(Debug, Clone)]
pub struct Principal {
    pub(super) kind: PrincipalKind,
    /// The user's id; for an account API key `key:<api_key>`, which is never a user's.
    pub(super) user_id: String,
    pub(super) account_id: String,
    pub(super) email: String,
    pub(super) role: Role,
    pub(super) environments: EnvironmentAccess,
    pub(super) session_token_hash: String,
    /// When this session last proved its password again (re-authentication).
    pub(super) reauthenticated_at: Option<i64>,
    /// The environment the session works in, if chosen.
    pub(super) active_environment_id: Option<String>,
    /// The account requires a second factor this user hasn't set up: the session may do
    /// nothing but set one up (docs/rules/two-factor.md#required).
    pub(super) must_enrol_two_factor: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PrincipalKind {
    User,
    /// Acts as a Master admin over every environment (docs/rules/provisioning-api.md#credentials).
    AccountApiKey {
        api_key: String,
        name: String,
    },
    /// A SCIM token: acts as an Admin over every environment (docs/rules/scim.md#tokens), so
    /// the grant rules keep Master admins out of its reach.
    ScimToken {
        id: String,
        name: String,
    },
    /// The operator at the server's command line (`server users import`): acts as a Master
    /// admin of one account, recorded as `operator`.
    Operator,
}

impl Principal {
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub(super) fn actor(&self) -> Actor {
        match &self.kind {
            PrincipalKind::User => Actor::User {
                id: self.user_id.clone(),
                email: self.email.clone(),
            },
            PrincipalKind::AccountApiKey { api_key, name } => Actor::AccountApiKey {
                api_key: api_key.clone(),
                name: name.clone(),
            },
            PrincipalKind::ScimToken { id, name } => Actor::ScimToken {
                id: id.clone(),
                name: name.clone(),
            },
            PrincipalKind::Operator => Actor::Operator,
        }
    }

    /// The permit for what this principal does to their own account's data once a check
    /// has passed (or needs none: their own session, their own password).
    pub(super) fn own_permit(&self) -> Permit {
        Permit::for_principal(&self.account_id, &self.environments)
    }

    /// Whether the account waits for this user to set up a second factor.
    pub fn must_enrol_two_factor(&self) -> bool {
        self.must_enrol_two_factor
    }

    /// A credential that proves itself on every request (an account API key, a SCIM
    /// token): no session to re-authenticate.
    pub(super) fn is_account_api_key(&self) -> bool {
        matches!(
            self.kind,
            PrincipalKind::AccountApiKey { .. }
                | PrincipalKind::ScimToken { .. }
                | PrincipalKind::Operator
        )
    }
}

/// `R@account` and `R@environment` for every legacy role (docs/rules/roles.md#assignments).
pub(super) fn system_roles() -> Vec<(String, String, &'static str, String)> {
    let mut out = Vec::new();
    for role in Role::ALL {
        for (suffix, scope_type, scope) in [
            ("account", "account", PermissionScope::Account),
            ("environment", "environment", PermissionScope::Environment),
        ] {
            let perms: Vec<&str> = role
                .permissions()
                .iter()
                .filter(|p| p.scope() == scope)
                .map(|p| p.id())
                .collect();
            out.push((
                role_id(role, suffix),
                role.console_name().to_string(),
                scope_type,
                perms.join(","),
            ));
        }
    }
    // Folder and collection levels are system roles of scope type folder / collection.
    use crate::domain::sharing::{ItemKind, Level};
    for kind in [ItemKind::Folder, ItemKind::Collection] {
        for level in Level::ALL {
            out.push((
                level.role_id(kind),
                format!("{} ({})", level.label(), kind.as_str()),
                kind.as_str(),
                level.as_str().to_string(),
            ));
        }
    }
    out
}

pub(super) fn role_id(role: Role, suffix: &str) -> String {
    format!("{}@{}", role.api_str(), suffix)
}

/// Environment access from the environment-scope assignments (`environment:all` or
/// one `environment:<id>` each).
pub(super) fn environments_from_scopes<'a>(
    scopes: impl Iterator<Item = &'a str>,
) -> EnvironmentAccess {
    let mut ids = Vec::new();
    for scope in scopes {
        match scope.strip_prefix("environment:") {
            Some("all") => return EnvironmentAccess::All,
            Some(id) => ids.push(id.to_string()),
            None => {}
        }
    }
    EnvironmentAccess::Only(ids)
}

/// A user's role and environment access from their assignments.
pub(super) fn role_and_access(
    assignments: &[(String, String)],
) -> (Option<Role>, EnvironmentAccess) {
    (
        role_from_assignments(assignments),
        environments_from_scopes(assignments.iter().map(|(_, s)| s.as_str())),
    )
}

/// The legacy role an account-scope role id names (`admin@account`): the inverse of
/// [`role_id`] with the `account` suffix.
pub(super) fn account_role_of(role_id: &str) -> Option<Role> {
    match role_id.split_once('@')? {
        (name, "account") => Role::from_api_str(name),
        _ => None,
    }
}

/// The legacy role named by an account-scope assignment's role id.
pub(super) fn role_from_assignments(assignments: &[(String, String)]) -> Option<Role> {
    assignments
        .iter()
        .find_map(|(role_id, scope)| (scope == "account").then(|| account_role_of(role_id))?)
}

impl Service {
    /// The check at the start of every operation on account-wide permissions. A refusal
    /// is audited as `access.denied`.
    pub(super) async fn authorize(
        &self,
        principal: &Principal,
        permission: Permission,
        meta: &RequestMeta,
    ) -> ServiceResult<Permit> {
        if principal.must_enrol_two_factor {
            return Err(ServiceError::from(Refusal::TwoFactorEnrolmentRequired));
        }
        self.authorize_while_enrolling(principal, permission, meta)
            .await
    }

    /// [`Service::authorize`] for what a session may do while it waits for its user to set
    /// up a second factor: see who they are, set it up, sign out.
    pub(super) async fn authorize_while_enrolling(
        &self,
        principal: &Principal,
        permission: Permission,
        meta: &RequestMeta,
    ) -> ServiceResult<Permit> {
        if principal.role.has(permission) {
            return Ok(principal.own_permit());
        }
        let record = AuditRecord::new("access.denied", principal.actor(), self.now(), Some(meta))
            .account(&principal.account_id)
            .change(
                None,
                Some(serde_json::json!({ "permission": permission.id() })),
            )
            .result(AuditResult::Denied)
            .repeating(&format!(
                "denied:{}:{}",
                principal.actor().id().unwrap_or("-"),
                permission.id()
            ));
        let permit = principal.own_permit();
        let tx = self.db().write(&permit).await?;
        tx.commit(&record).await?;
        Err(ServiceError::from(Refusal::RoleLacksPermission {
            role: principal.role,
            permission,
        }))
    }
}
