//! SCIM's reads of users (docs/rules/scim.md#users): one user, and lists by filter — a
//! filter is narrowed by an index range (else refused: it would read every user), then each
//! candidate is matched exactly — with `startIndex`/`count` paging.

use super::scim_tokens::ScimCaller;
use super::{Service, ServiceError, ServiceResult};
use crate::domain::format::iso;
use crate::domain::scim_eval::{index_keys, matches};
use crate::domain::scim_filter::parse;
use crate::domain::{EnvironmentAccess, Refusal};
use crate::store::{Permit, UserRow};
use serde_json::{json, Value};

/// Most users a filter may narrow to before it is refused as too broad.
pub const SCIM_MAX_CANDIDATES: i64 = 10_000;
/// Most resources a page holds (`count`).
pub const SCIM_MAX_COUNT: i64 = 200;

/// A page of a list: the resources and how many match in all.
#[derive(Debug, Clone)]
pub struct ScimPage {
    pub resources: Vec<Value>,
    pub total: i64,
    pub start_index: i64,
}

impl Service {
    fn scim_permit(caller: &ScimCaller) -> Permit {
        Permit::for_principal(&caller.account_id, &EnvironmentAccess::All)
    }

    /// One user as SCIM shows it; another account's or a deleted one is not found.
    pub async fn scim_user(&self, caller: &ScimCaller, id: &str) -> ServiceResult<Value> {
        let permit = Self::scim_permit(caller);
        let mut tx = self.db().read(&permit).await?;
        let row = tx.scim_user(id).await?;
        tx.finish().await?;
        let row =
            row.ok_or_else(|| ServiceError::from(Refusal::UserNotFound { id: id.to_string() }))?;
        Ok(self.scim_user_resource(&row))
    }

    /// A page of the users `filter` matches (all of them without one), in creation order.
    pub async fn scim_users(
        &self,
        caller: &ScimCaller,
        filter: Option<&str>,
        start_index: i64,
        count: i64,
    ) -> ServiceResult<ScimPage> {
        let start_index = start_index.max(1);
        let count = count.clamp(0, SCIM_MAX_COUNT);
        let permit = Self::scim_permit(caller);
        let Some(text) = filter.map(str::trim).filter(|f| !f.is_empty()) else {
            let mut tx = self.db().read(&permit).await?;
            let (rows, total) = tx.scim_user_page(start_index - 1, count).await?;
            tx.finish().await?;
            let resources = rows.iter().map(|r| self.scim_user_resource(r)).collect();
            return Ok(ScimPage {
                resources,
                total,
                start_index,
            });
        };
        let filter = parse(text).map_err(|e| ServiceError::invalid("filter", e.to_string()))?;
        let keys = index_keys(&filter).ok_or_else(|| {
            ServiceError::invalid(
                "filter",
                "This filter would read every user: filter by userName, emails, externalId or displayName with eq or sw (combine others with and)",
            )
        })?;
        let mut tx = self.db().read(&permit).await?;
        let mut rows = tx.scim_user_candidates(&keys, SCIM_MAX_CANDIDATES).await?;
        tx.finish().await?;
        if rows.len() as i64 > SCIM_MAX_CANDIDATES {
            return Err(ServiceError::invalid(
                "filter_too_broad",
                "The filter matches too many users: narrow it",
            ));
        }
        rows.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        let matching: Vec<Value> = rows
            .iter()
            .map(|r| self.scim_user_resource(r))
            .filter(|v| matches(&filter, v))
            .collect();
        let total = matching.len() as i64;
        let resources = matching
            .into_iter()
            .skip(usize::try_from(start_index - 1).unwrap_or(usize::MAX))
            .take(usize::try_from(count).unwrap_or(0))
            .collect();
        Ok(ScimPage {
            resources,
            total,
            start_index,
        })
    }

    /// A user as the SCIM core schema says it.
    pub fn scim_user_resource(&self, u: &UserRow) -> Value {
        let base = self.config().public_url.trim_end_matches('/').to_string();
        let active = u.enabled && u.status != "disabled" && u.status != "inactive";
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": u.id,
            "externalId": u.external_id,
            "userName": u.email,
            "displayName": u.name,
            "name": {
                "formatted": u.name,
                "givenName": u.first_name,
                "familyName": u.last_name,
            },
            "emails": [{ "value": u.email, "type": "work", "primary": true }],
            "active": active,
            "meta": {
                "resourceType": "User",
                "created": iso(u.created_at),
                "lastModified": iso(u.updated_at),
                "location": format!("{base}/scim/v2/Users/{}", u.id),
                "version": format!("W/\"{}\"", u.updated_at),
            },
        })
    }
}

/// SCIM's changes to users (docs/rules/scim.md#changing-users): as the token's principal (an
/// Admin: the grant rules apply — a Master admin is out of reach), through the same actions
/// as the console's row menu, each recorded by the `scim_token` actor.
impl Service {
    /// A PATCH's or PUT's changes: names and externalId, then `active` (Disable or
    /// Enable). A new `userName` isn't applied here (the console confirms emails by link).
    pub async fn scim_update_user(
        &self,
        caller: &ScimCaller,
        id: &str,
        changes: &crate::domain::scim_patch::UserChanges,
        meta: &super::RequestMeta,
    ) -> ServiceResult<Value> {
        use crate::domain::UserAction;
        let principal = caller.principal();
        let current = self.scim_current(caller, id).await?;
        if let Some(name) = &changes.user_name {
            if name.trim().to_lowercase() != current.email_normalized {
                return Err(ServiceError::invalid("user_name", "userName can't change through SCIM: the user changes their email in My Profile"));
            }
        }
        let disabled = current.status == "disabled";
        if changes.active == Some(true) && disabled {
            self.enable_user(&principal, id, meta).await?;
        }
        let edits = changes.display_name.is_some()
            || changes.given_name.is_some()
            || changes.family_name.is_some()
            || changes.external_id.is_some();
        if edits {
            let acted = self
                .begin_action(&principal, id, UserAction::Edit, meta)
                .await?;
            let (mut tx, user) = (acted.tx, acted.user);
            let now = self.now();
            let pick = |change: &Option<Option<String>>, had: &Option<String>| {
                change.clone().unwrap_or_else(|| had.clone())
            };
            let name = pick(&changes.display_name, &user.name);
            let first = pick(&changes.given_name, &user.first_name);
            let last = pick(&changes.family_name, &user.last_name);
            let external = pick(&changes.external_id, &user.external_id);
            tx.set_user_names(
                &user.id,
                name.as_deref(),
                first.as_deref(),
                last.as_deref(),
                now,
            )
            .await?;
            tx.set_user_external_id(&user.id, external.as_deref(), now)
                .await?;
            let record = super::AuditRecord::new("user.update", principal.actor(), now, Some(meta))
                .account(&user.account_id)
                .target(super::AuditTarget::new("user", &user.id, &user.email))
                .change(
                    Some(json!({ "name": user.name, "first_name": user.first_name, "last_name": user.last_name, "external_id": user.external_id })),
                    Some(json!({ "name": name, "first_name": first, "last_name": last, "external_id": external })),
                );
            tx.commit(&record).await?;
        }
        if changes.active == Some(false) && !disabled {
            self.disable_user(&principal, id, meta).await?;
        }
        self.scim_user(caller, id).await
    }

    /// DELETE: deprovisioned as the console's Delete does (inactive, sessions ended, the
    /// seat freed).
    pub async fn scim_delete_user(
        &self,
        caller: &ScimCaller,
        id: &str,
        meta: &super::RequestMeta,
    ) -> ServiceResult<()> {
        self.scim_current(caller, id).await?;
        self.delete_user(&caller.principal(), id, None, meta).await
    }

    /// The live user `id` of the token's account.
    async fn scim_current(&self, caller: &ScimCaller, id: &str) -> ServiceResult<UserRow> {
        let permit = Self::scim_permit(caller);
        let mut tx = self.db().read(&permit).await?;
        let row = tx.scim_user(id).await?;
        tx.finish().await?;
        row.ok_or_else(|| ServiceError::from(Refusal::UserNotFound { id: id.to_string() }))
    }
}

impl Service {
    /// POST: a new user from the User resource — the token's Add users (one at a time):
    /// Media Library user over every environment, invited (by an SSO invitation while SAML
    /// is on), disabled at once when `active` is false; names and `externalId` as given.
    pub async fn scim_create_user(
        &self,
        caller: &ScimCaller,
        changes: &crate::domain::scim_patch::UserChanges,
        meta: &super::RequestMeta,
    ) -> ServiceResult<Value> {
        let principal = caller.principal();
        let Some(email) = changes.user_name.clone() else {
            return Err(ServiceError::invalid(
                "userName",
                "userName (the email) is required",
            ));
        };
        let input = super::AddUsersInput {
            emails: vec![email],
            names: vec![changes.display_name.clone().flatten().unwrap_or_default()],
            role: crate::domain::Role::MediaLibraryUser.api_str().to_string(),
            all_environments: true,
            environment_ids: Vec::new(),
            group_ids: Vec::new(),
            media_library: crate::domain::MediaLibraryOptions::default(),
            sso_invitation_only: true,
        };
        let enabled = changes.active != Some(false);
        let (mut tx, created, records) = self
            .add_users_open(&principal, &input, enabled, meta)
            .await?;
        let Some(id) = created.first().cloned() else {
            tx.finish().await?;
            return Err(ServiceError::invalid(
                "userName",
                "userName (the email) is required",
            ));
        };
        let now = self.now();
        let first = changes.given_name.clone().flatten();
        let last = changes.family_name.clone().flatten();
        let name = changes.display_name.clone().flatten();
        tx.set_user_names(&id, name.as_deref(), first.as_deref(), last.as_deref(), now)
            .await?;
        let external = changes.external_id.clone().flatten();
        tx.set_user_external_id(&id, external.as_deref(), now)
            .await?;
        super::user_add::commit_all(tx, &records).await?;
        self.scim_user(caller, &id).await
    }
}
