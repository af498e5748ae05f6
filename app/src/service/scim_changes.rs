//! SCIM's changes to users (docs/rules/scim.md#changing-users): as the token's principal (an
//! Admin: the grant rules apply — a Master admin is out of reach), through the same actions
//! as the console's row menu, each recorded by the `scim_token` actor.

use super::scim_tokens::ScimCaller;
use super::user_update::{Changed, UserPatch};
use super::{AuditRecord, AuditTarget, RequestMeta, Service, ServiceError, ServiceResult};
use crate::domain::scim_patch::UserChanges;
use crate::domain::Refusal;
use crate::store::{Tx, UserRow};
use serde_json::{json, Value};

/// A resource with its version (its ETag, RFC 7644 §3.14) in `meta.version`: weak, a digest
/// of what it says, so any change a client could see — a member added, an email — changes it.
pub fn versioned(mut resource: Value) -> Value {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(resource.to_string().as_bytes());
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    resource["meta"]["version"] = json!(format!("W/\"{hex}\""));
    resource
}

/// The `userName` to keep: `None` when it is the email (then it follows the email).
fn own_user_name(user_name: &str, email_normalized: &str) -> Option<String> {
    let name = user_name.trim();
    (name.to_lowercase() != email_normalized).then(|| name.to_string())
}

fn pick(change: &Option<Option<String>>, had: &Option<String>) -> Option<String> {
    change.clone().unwrap_or_else(|| had.clone())
}

/// SCIM's own fields of a user as read, as JSON for the audit record.
fn scim_fields(u: &UserRow) -> Value {
    json!({
        "user_name": u.scim_user_name, "name_formatted": u.name_formatted,
        "first_name": u.first_name, "last_name": u.last_name, "external_id": u.external_id,
        "email_attributes": u.scim_email_attributes,
    })
}

impl Service {
    /// A PATCH's or PUT's changes in one write transaction: the console's Edit (display
    /// name, email — which voids the user's links and tells the old address) and Disable or
    /// Enable for `active`, under their rules; then SCIM's own fields (`userName`, the name's
    /// parts, `externalId`), recorded as one more `user.update`.
    pub async fn scim_update_user(
        &self,
        caller: &ScimCaller,
        id: &str,
        changes: &UserChanges,
        meta: &RequestMeta,
    ) -> ServiceResult<Value> {
        let principal = caller.principal();
        self.scim_current(caller, id).await?;
        let patch = UserPatch {
            name: changes.console_name().map(Option::unwrap_or_default),
            email: changes.email.clone(),
            enabled: changes.active,
            ..UserPatch::default()
        };
        let Changed {
            mut tx,
            mut records,
            ..
        } = self.change_user(&principal, id, &patch, meta).await?;
        let user = tx.scim_user(id).await?;
        let (mut tx, user) = tx
            .or_end(user.ok_or_else(|| ServiceError::from(Refusal::UserNotFound { id: id.into() })))
            .await?;
        let record = self
            .write_scim_fields(&mut tx, &user, changes, caller, meta)
            .await;
        let (tx, record) = tx.or_end(record).await?;
        records.extend(record);
        super::user_add::commit_all(tx, &records).await?;
        self.scim_user(caller, id).await
    }

    /// SCIM's own fields of `user` as `changes` leave them, and their record when one
    /// changed. A `userName` another user answers to is refused (409 uniqueness).
    async fn write_scim_fields(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        changes: &UserChanges,
        caller: &ScimCaller,
        meta: &RequestMeta,
    ) -> ServiceResult<Option<AuditRecord>> {
        let user_name = match &changes.user_name {
            Some(n) => own_user_name(n, &user.email_normalized),
            None => user.scim_user_name.clone(),
        };
        if let Some(n) = &user_name {
            if tx.scim_user_name_taken(&n.to_lowercase(), &user.id).await? {
                return Err(ServiceError::refused_field(
                    "userName",
                    Refusal::UserNameTaken,
                ));
            }
        }
        let after = UserRow {
            scim_user_name: user_name,
            name_formatted: pick(&changes.formatted, &user.name_formatted),
            first_name: pick(&changes.given_name, &user.first_name),
            last_name: pick(&changes.family_name, &user.last_name),
            external_id: pick(&changes.external_id, &user.external_id),
            scim_email_attributes: changes
                .email_attributes
                .clone()
                .or_else(|| user.scim_email_attributes.clone()),
            ..user.clone()
        };
        let (before, now_fields) = (scim_fields(user), scim_fields(&after));
        if before == now_fields {
            return Ok(None);
        }
        let now = self.now();
        tx.set_user_names(
            &user.id,
            user.name.as_deref(),
            after.first_name.as_deref(),
            after.last_name.as_deref(),
            now,
        )
        .await?;
        tx.set_user_external_id(&user.id, after.external_id.as_deref(), now)
            .await?;
        tx.set_user_scim_names(
            &user.id,
            after.scim_user_name.as_deref(),
            after.name_formatted.as_deref(),
            after.scim_email_attributes.as_deref(),
            now,
        )
        .await?;
        let actor = caller.principal().actor();
        Ok(Some(
            AuditRecord::new("user.update", actor, now, Some(meta))
                .account(&user.account_id)
                .target(AuditTarget::new("user", &user.id, &user.email))
                .change(Some(before), Some(now_fields)),
        ))
    }

    /// DELETE: deprovisioned as the console's Delete does (inactive, sessions ended, the
    /// seat freed).
    pub async fn scim_delete_user(
        &self,
        caller: &ScimCaller,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        self.scim_current(caller, id).await?;
        self.delete_user(&caller.principal(), id, None, meta).await
    }

    /// POST: a new user from the User resource — the token's Add users (one at a time):
    /// the account's SCIM defaults (docs/rules/scim.md#defaults),
    /// invited (by an SSO invitation while SAML is on), disabled at once when `active` is
    /// false; SCIM's own fields as given.
    pub async fn scim_create_user(
        &self,
        caller: &ScimCaller,
        changes: &UserChanges,
        meta: &RequestMeta,
    ) -> ServiceResult<Value> {
        let principal = caller.principal();
        let Some(email) = changes.new_email() else {
            return Err(ServiceError::invalid(
                "emails",
                "An email is required: in emails, or as the userName",
            ));
        };
        let defaults = self.scim_defaults(caller).await?;
        let (all_environments, environment_ids) =
            super::users::access_choice(&defaults.environments);
        let input = super::AddUsersInput {
            emails: vec![email],
            names: vec![changes.console_name().flatten().unwrap_or_default()],
            role: defaults.role.api_str().to_string(),
            all_environments,
            environment_ids,
            group_ids: Vec::new(),
            media_library: crate::domain::MediaLibraryOptions::default(),
            sso_invitation_only: true,
        };
        let enabled = changes.active != Some(false);
        let (tx, created, mut records) = self
            .add_users_open(&principal, &input, enabled, meta)
            .await?;
        let id = created.first().cloned();
        let (mut tx, id) = tx
            .or_end(id.ok_or_else(|| ServiceError::invalid("emails", "An email is required")))
            .await?;
        let user = tx.scim_user(&id).await?;
        let (mut tx, user) = tx
            .or_end(
                user.ok_or_else(|| ServiceError::from(Refusal::UserNotFound { id: id.clone() })),
            )
            .await?;
        let record = self
            .write_scim_fields(&mut tx, &user, changes, caller, meta)
            .await;
        let (tx, record) = tx.or_end(record).await?;
        records.extend(record);
        super::user_add::commit_all(tx, &records).await?;
        self.scim_user(caller, &id).await
    }
}
