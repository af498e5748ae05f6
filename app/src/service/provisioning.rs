//! The Provisioning API's door (docs/rules/provisioning-api.md): account API key authentication,
//! and the reads shaped as the API's records. Writes go through the console's own operations with
//! the key as the acting principal.

use super::authz::{account_role_of, role_and_access, PrincipalKind};
use super::crypto::matches_hash;
use super::{Actor, Permit, Principal, RequestMeta, Service, ServiceError, ServiceResult};
use crate::domain::format::iso;
use crate::domain::ip_allowlist::allows;
use crate::domain::provisioning::{
    AccessKey, ApiUser, ApiUserFilter, EmailPreferenceFlags, EnvironmentFilter, EnvironmentKey,
    EnvironmentRef, GroupRef, Member, ProductEnvironment, UserGroup,
};
use crate::domain::Refusal;
use crate::domain::{EnvironmentAccess, Feature, Permission, Plan, Role, UserStatus};
use crate::store::decode_allowed_ips;
use crate::store::{ApiKeyRow, ApiUserRow, ApiUserRows, EnvironmentRow, GroupRow, Tx};
use std::borrow::Cow;

/// The API's record of a user of the transaction's account, as the transaction sees it
/// (a write reads back what it wrote before committing).
pub(super) async fn api_record(tx: &mut Tx, id: &str) -> ServiceResult<ApiUser<'static>> {
    let rows = tx.api_user(id).await?;
    let user = rows.read().next().transpose()?;
    user.map(|r| api_user(r).into_owned())
        .ok_or_else(|| Refusal::UserNotFound { id: id.into() }.into())
}

/// A key's `last_used_at` is written at most this often (seconds): not a write per call.
const LAST_USED_EVERY_SECS: i64 = 60;

/// A user's row as the API's record, borrowing its text from the row.
fn api_user(u: ApiUserRow<'_>) -> ApiUser<'_> {
    let role = u.role_id.and_then(account_role_of);
    let all = u.all_environments || role == Some(Role::MasterAdmin);
    let status = UserStatus::parse(u.status);
    ApiUser {
        id: Cow::Borrowed(u.id),
        name: u.name.map(Cow::Borrowed),
        first_name: u.first_name.map(Cow::Borrowed),
        last_name: u.last_name.map(Cow::Borrowed),
        role: Cow::Borrowed(role.map_or("", Role::api_str)),
        email: Cow::Borrowed(u.email),
        pending: status == Some(UserStatus::Pending),
        enabled: !matches!(
            status,
            Some(UserStatus::Disabled) | Some(UserStatus::Inactive)
        ),
        created_at: iso(u.created_at),
        updated_at: iso(u.updated_at),
        last_login: u.last_login_at.map(iso),
        all_sub_accounts: all,
        providers: u
            .providers
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect(),
        email_preferences: EmailPreferenceFlags {
            usage_alerts: u.email_usage_alerts,
            weekly_report: u.email_weekly_report,
            product_updates: u.email_product_updates,
            billing_notifications: u.email_billing_notifications,
        },
        account_id: Cow::Borrowed(u.account_id),
        two_factor: false,
        root: u.root,
        status: Cow::Borrowed(u.status),
        technical_role: None,
        group_count: u.group_count,
        sub_account_count: if all {
            u.environment_total
        } else {
            u.environment_count
        },
    }
}

/// A page of users for the API, as read; [`ApiUserPage::users`] shows them as records
/// that borrow their text from it.
#[derive(Debug)]
pub struct ApiUserPage(ApiUserRows);

impl ApiUserPage {
    pub fn users(&self) -> ServiceResult<Vec<ApiUser<'_>>> {
        Ok(self
            .0
            .read()
            .map(|row| row.map(api_user))
            .collect::<Result<_, _>>()?)
    }
}

pub(super) fn access_key(k: &ApiKeyRow, secret: String) -> AccessKey {
    AccessKey {
        name: Some(k.name.clone()),
        api_key: k.api_key.clone(),
        api_secret: secret,
        created_at: iso(k.created_at),
        updated_at: iso(k.updated_at),
        enabled: k.enabled,
        dedicated_for: k.dedicated_for.iter().cloned().collect(),
        root: k.root,
    }
}

impl Service {
    /// HTTP Basic credentials of the Provisioning API: the key must exist, be enabled and belong to
    /// `account_id`, and its secret's SHA-256 must match (compared in constant time — the secret is
    /// high-entropy, no slow hash). Any failure is
    /// [`ServiceError::Refused(Refusal::Unauthenticated)`]; an account without the plan feature is
    /// refused.
    pub async fn authenticate_account_api_key(
        &self,
        account_id: &str,
        api_key: &str,
        secret: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Principal> {
        if api_key.len() != 15 || !api_key.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        }
        let permit = Permit::for_key_check();
        let read = self.db().one_read(&permit).await?;
        let Some(key) = read.key_credentials(api_key).await? else {
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        };
        if !(matches_hash(secret, &key.secret_hash) && key.enabled && key.account_id == account_id)
        {
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        }
        let Some(role) = key.role_id.as_deref().and_then(account_role_of) else {
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        };
        if !Plan::find(&key.plan).is_some_and(|p| p.has(Feature::ProvisioningApi)) {
            return Err(ServiceError::from(Refusal::ProvisioningNotEnabled));
        }
        if !allows(&decode_allowed_ips(&key.allowed_ips), meta.ip) {
            let actor = Actor::AccountApiKey {
                api_key: key.api_key.clone(),
                name: key.name.clone(),
            };
            let record =
                super::session_check::address_refused(actor, &key.account_id, self.now(), meta);
            let mut tx = self.db().write(&permit).await?;
            tx.within_account(&key.account_id)?;
            tx.commit(&record).await?;
            return Err(Refusal::AddressNotAllowed {
                ip: meta.ip.to_canonical().to_string(),
            }
            .into());
        }
        let now = self.now();
        if key
            .last_used_at
            .is_none_or(|t| now - t >= LAST_USED_EVERY_SECS)
        {
            let mut tx = self.db().write(&permit).await?;
            tx.touch_account_api_key(api_key, now).await?;
            tx.commit_bookkeeping(&permit).await?;
        }
        // Other roles than Master admin (custom roles, later) name their environments.
        let environments = match role {
            Role::MasterAdmin => EnvironmentAccess::All,
            _ => {
                let mut tx = self.db().read(&permit).await?;
                let held = tx.role_assignments_of("provisioning_key", api_key).await?;
                tx.finish().await?;
                role_and_access(&held).1
            }
        };
        Ok(Principal {
            kind: PrincipalKind::AccountApiKey {
                api_key: key.api_key.clone(),
                name: key.name.clone(),
            },
            user_id: format!("key:{}", key.api_key),
            account_id: key.account_id,
            email: format!("Account API key {}", key.name),
            role,
            // A Master admin key reaches every environment (docs/rules/provisioning-api.md#credentials).
            environments,
            session_token_hash: String::new(),
            reauthenticated_at: None,
            active_environment_id: None,
            must_enrol_two_factor: false,
        })
    }

    /// `GET /users` (`users.view`).
    pub async fn api_users(
        &self,
        principal: &Principal,
        filter: &ApiUserFilter,
        meta: &RequestMeta,
    ) -> ServiceResult<ApiUserPage> {
        let permit = self
            .authorize(principal, Permission::UsersView, meta)
            .await?;
        if let Some(id) = &filter.environment_id {
            let mut tx = self.db().read(&permit).await?;
            let found = tx.environment(id).await?;
            tx.finish().await?;
            if found.is_none() {
                return Err(Refusal::EnvironmentNotFound { id: id.clone() }.into());
            }
        }
        let read = self.db().one_read(&permit).await?;
        Ok(ApiUserPage(read.api_users(filter).await?))
    }

    /// `GET /users/{id}`, whatever the user's status (`users.view`).
    pub async fn api_user_by_id(
        &self,
        principal: &Principal,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<ApiUser<'static>> {
        let permit = self
            .authorize(principal, Permission::UsersView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let user = api_record(&mut tx, id).await;
        tx.finish().await?;
        user
    }

    /// `GET /users/{id}/groups` (`groups.view`).
    pub async fn api_user_groups(
        &self,
        principal: &Principal,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<GroupRef>> {
        let permit = self
            .authorize(principal, Permission::GroupsView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        if tx.account_user(id).await?.is_none() {
            tx.finish().await?;
            return Err(Refusal::UserNotFound { id: id.into() }.into());
        }
        let groups = tx.groups_of_user(id).await?;
        tx.finish().await?;
        Ok(groups
            .into_iter()
            .map(|g| GroupRef {
                id: g.id,
                name: g.name,
            })
            .collect())
    }

    /// `GET /users/{id}/sub_accounts`: the environments the user reaches (`users.view`).
    pub async fn api_user_environments(
        &self,
        principal: &Principal,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<EnvironmentRef>> {
        let permit = self
            .authorize(principal, Permission::UsersView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        if tx.account_user(id).await?.is_none() {
            tx.finish().await?;
            return Err(Refusal::UserNotFound { id: id.into() }.into());
        }
        let assignments = tx.role_assignments_of("user", id).await?;
        let environments = tx.environments().await?;
        tx.finish().await?;
        let (role, access) = role_and_access(&assignments);
        let all = role == Some(Role::MasterAdmin) || access == EnvironmentAccess::All;
        Ok(environments
            .into_iter()
            .filter(|e| {
                all || matches!(&access, EnvironmentAccess::Only(ids) if ids.contains(&e.id))
            })
            .map(|e| EnvironmentRef {
                id: e.id,
                name: e.name,
                description: Some(e.description).filter(|d| !d.is_empty()),
                cloud_name: e.cloud_name,
                enabled: e.enabled,
            })
            .collect())
    }

    pub(super) fn product_environment(
        &self,
        e: EnvironmentRow,
        keys: &[ApiKeyRow],
    ) -> ServiceResult<ProductEnvironment> {
        let mut api_access_keys = Vec::new();
        for k in keys.iter().filter(|k| k.environment_id == e.id) {
            api_access_keys.push(EnvironmentKey {
                key: k.api_key.clone(),
                secret: self
                    .config()
                    .secret_key
                    .open(&k.api_key, &k.secret_sealed)?,
                enabled: k.enabled,
            });
        }
        Ok(ProductEnvironment {
            cloud_name: e.cloud_name,
            name: e.name,
            enabled: e.enabled,
            id: e.id,
            api_access_keys,
            created_at: iso(e.created_at),
            updated_at: iso(e.updated_at),
            description: Some(e.description).filter(|d| !d.is_empty()),
            custom_attributes: serde_json::from_str(&e.custom_attributes)
                .unwrap_or_else(|_| serde_json::json!({})),
        })
    }

    /// `GET /sub_accounts`, oldest first, with every key and its secret (an account API
    /// key's view: `api_keys.manage`, re-authenticated — a key proves its secret each call).
    pub async fn api_environments(
        &self,
        principal: &Principal,
        filter: &EnvironmentFilter,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<ProductEnvironment>> {
        let permit = self.authorize_secrets(principal, meta).await?;
        let mut tx = self.db().read(&permit).await?;
        let environments = tx.environments().await?;
        let keys = tx.account_environment_keys().await?;
        tx.finish().await?;
        let prefix = filter.prefix.as_ref().map(|p| p.to_lowercase());
        environments
            .into_iter()
            .filter(|e| principal.reaches(e))
            .filter(|e| {
                if !filter.ids.is_empty() {
                    return filter.ids.contains(&e.id);
                }
                filter.enabled.is_none_or(|on| e.enabled == on)
                    && (filter.cloud_names.is_empty() || filter.cloud_names.contains(&e.cloud_name))
                    && prefix
                        .as_ref()
                        .is_none_or(|p| e.name.to_lowercase().starts_with(p.as_str()))
            })
            .map(|e| self.product_environment(e, &keys))
            .collect()
    }

    /// `GET /sub_accounts/{id}`.
    pub async fn api_environment(
        &self,
        principal: &Principal,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<ProductEnvironment> {
        let permit = self.authorize_secrets(principal, meta).await?;
        let mut tx = self.db().read(&permit).await?;
        let found = self.reachable_environment(&mut tx, principal, id).await;
        let (mut tx, env) = tx.or_end(found).await?;
        let keys = tx.api_keys(&env.id).await?;
        tx.finish().await?;
        self.product_environment(env, &keys)
    }

    /// `GET /sub_accounts/{id}/access_keys`: every key, oldest first, with its secret.
    pub async fn api_access_keys(
        &self,
        principal: &Principal,
        environment_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<AccessKey>> {
        let permit = self.authorize_secrets(principal, meta).await?;
        let mut tx = self.db().read(&permit).await?;
        let found = self
            .reachable_environment(&mut tx, principal, environment_id)
            .await;
        let (mut tx, env) = tx.or_end(found).await?;
        let keys = tx.api_keys(&env.id).await?;
        tx.finish().await?;
        keys.iter()
            .map(|k| {
                let secret = self
                    .config()
                    .secret_key
                    .open(&k.api_key, &k.secret_sealed)?;
                Ok(access_key(k, secret))
            })
            .collect()
    }

    /// Secrets leave the server only for a principal that may manage keys and proved its
    /// password (a session) or secret (an account API key) just now.
    pub(super) async fn authorize_secrets(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<Permit> {
        let permit = self
            .authorize(principal, Permission::ApiKeysManage, meta)
            .await?;
        self.require_recent_reauthentication(principal)?;
        Ok(permit)
    }

    /// `GET /user_groups` (`groups.view`), oldest first.
    pub async fn api_groups(
        &self,
        principal: &Principal,
        extended: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<UserGroup>> {
        let permit = self
            .authorize(principal, Permission::GroupsView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let rows = tx.groups().await?;
        let mut out = Vec::new();
        for g in rows {
            out.push(api_group(&mut tx, g, extended).await?);
        }
        tx.finish().await?;
        Ok(out)
    }

    /// `GET /user_groups/{id}` (`groups.view`).
    pub async fn api_group(
        &self,
        principal: &Principal,
        id: &str,
        extended: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<UserGroup> {
        let permit = self
            .authorize(principal, Permission::GroupsView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let Some(row) = tx.group(id).await? else {
            tx.finish().await?;
            return Err(Refusal::GroupNotFound { id: id.into() }.into());
        };
        let group = api_group(&mut tx, row, extended).await?;
        tx.finish().await?;
        Ok(group)
    }
}

pub(super) async fn api_group(
    tx: &mut Tx,
    g: GroupRow,
    extended: bool,
) -> ServiceResult<UserGroup> {
    if !extended {
        return Ok(UserGroup {
            id: g.id,
            name: g.name,
            users: None,
            created_at: None,
            updated_at: None,
        });
    }
    let members = tx.group_members(&g.id).await?;
    Ok(UserGroup {
        users: Some(
            members
                .into_iter()
                .map(|m| Member {
                    id: m.id,
                    name: m.name,
                    email: m.email,
                })
                .collect(),
        ),
        created_at: Some(iso(g.created_at)),
        updated_at: Some(iso(g.updated_at)),
        id: g.id,
        name: g.name,
    })
}
