//! Who a SAML sign-in is (docs/rules/saml.md#jit-provisioning): the user with the
//! assertion's key, else the user with its email (linked), else — with JIT provisioning —
//! a new active user from the attributes; later sign-ins update what the attributes say.
//! JIT never creates, promotes or demotes a Master admin. Its changes are the `saml`
//! actor's, in the audit log.

use super::sign_in::Failed;
use crate::domain::saml::{SamlFailure, SamlIdentity};
use crate::domain::{EnvironmentAccess, MediaLibraryOptions, Role, UserStatus};
use crate::service::authz::account_role_of;
use crate::service::crypto::random_hex;
use crate::service::{Actor, AuditRecord, AuditTarget, RequestMeta, Service};
use crate::store::{NewUser, SamlSettingsRow, Tx, UserRow};
use serde_json::json;

impl Service {
    /// The user this identity signs in as, written as the attributes say. Refuses a
    /// disabled user, an unknown one without JIT, and a new one without a free seat.
    pub(super) async fn saml_user(
        &self,
        tx: &mut Tx,
        settings: &SamlSettingsRow,
        identity: &SamlIdentity,
        now: i64,
        meta: &RequestMeta,
    ) -> Result<UserRow, Failed> {
        let email_normalized = identity.email.to_lowercase();
        let mut user = tx.live_user_by_saml_username(&identity.username).await?;
        if user.is_none() {
            user = tx
                .live_user_by_email(&email_normalized)
                .await?
                .filter(|u| u.account_id == settings.account_id);
            if let Some(u) = &user {
                tx.link_saml_user(&u.id, &identity.username, false, now)
                    .await?;
                let record = self
                    .saml_record("user.saml_link", u, now, meta)
                    .change(None, Some(json!({ "saml_username": identity.username })));
                tx.append_audit(&record).await?;
            }
        }
        let user = match user {
            Some(u) => u,
            None if settings.jit => self.jit_create(tx, settings, identity, now, meta).await?,
            None => {
                return Err(Failed::Saml {
                    failure: SamlFailure::UnknownUser,
                    account_id: None,
                })
            }
        };
        if !user.enabled || user.status == UserStatus::Disabled.as_str() {
            return Err(Failed::Saml {
                failure: SamlFailure::Disabled,
                account_id: None,
            });
        }
        if user.status == UserStatus::Pending.as_str() {
            // A user waiting for their first SAML sign-in: it activates them.
            tx.set_user_status(&user.id, UserStatus::Active.as_str(), None, true, now)
                .await?;
            let record = self.saml_record("user.activate", &user, now, meta).change(
                Some(json!({ "status": "pending" })),
                Some(json!({ "status": "active" })),
            );
            tx.append_audit(&record).await?;
        }
        if settings.jit {
            self.jit_update(tx, &user, identity, now, meta).await?;
        }
        Ok(tx.user(&user.id).await?.unwrap_or(user))
    }

    async fn jit_create(
        &self,
        tx: &mut Tx,
        settings: &SamlSettingsRow,
        identity: &SamlIdentity,
        now: i64,
        meta: &RequestMeta,
    ) -> Result<UserRow, Failed> {
        let seats = self.seats(tx).await?;
        if seats.used >= seats.limit {
            return Err(Failed::Saml {
                failure: SamlFailure::NoSeats,
                account_id: None,
            });
        }
        let id = random_hex(self.inner.entropy.as_ref(), 16);
        let role = jit_role(identity.role.as_deref())
            .or_else(|| Role::from_api_str(&settings.jit_default_role))
            .unwrap_or(Role::MediaLibraryUser);
        let access = self
            .jit_access(tx, identity.sub_account_ids.as_deref())
            .await?;
        tx.insert_user(&NewUser {
            id: &id,
            account_id: &settings.account_id,
            email: &identity.email,
            email_normalized: &identity.email.to_lowercase(),
            name: identity.name.as_deref(),
            status: UserStatus::Active.as_str(),
            root: false,
            password_hash: None,
            media_library: MediaLibraryOptions::default(),
            now,
        })
        .await?;
        tx.link_saml_user(&id, &identity.username, true, now)
            .await?;
        self.write_access(tx, &id, role, &access, now).await?;
        let user = tx.user(&id).await?.ok_or(Failed::Saml {
            failure: SamlFailure::UnknownUser,
            account_id: None,
        })?;
        let record = self.saml_record("user.create", &user, now, meta).change(
            None,
            Some(json!({
                "email": identity.email, "role": role.api_str(), "status": "active",
                "providers": ["saml"], "saml_username": identity.username,
                "environments": crate::service::user_lifecycle::access_json(&access),
            })),
        );
        tx.append_audit(&record).await?;
        Ok(user)
    }

    /// Later sign-ins (and the first): names, role (never to or from Master admin),
    /// environments and groups, where the attributes name them.
    async fn jit_update(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        identity: &SamlIdentity,
        now: i64,
        meta: &RequestMeta,
    ) -> Result<(), Failed> {
        let names = (
            identity.name.clone(),
            identity.first_name.clone(),
            identity.last_name.clone(),
        );
        let present = names.0.is_some() || names.1.is_some() || names.2.is_some();
        let had = (
            user.name.clone(),
            user.first_name.clone(),
            user.last_name.clone(),
        );
        if present && names != had {
            tx.set_user_names(
                &user.id,
                names.0.as_deref(),
                names.1.as_deref(),
                names.2.as_deref(),
                now,
            )
            .await?;
            let record = self.saml_record("user.update", user, now, meta).change(
                Some(json!({ "name": had.0, "first_name": had.1, "last_name": had.2 })),
                Some(json!({ "name": names.0, "first_name": names.1, "last_name": names.2 })),
            );
            tx.append_audit(&record).await?;
        }
        self.jit_role_and_access(tx, user, identity, now, meta)
            .await?;
        if let Some(groups) = &identity.groups {
            self.jit_groups(tx, user, groups, now, meta).await?;
        }
        Ok(())
    }

    async fn jit_role_and_access(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        identity: &SamlIdentity,
        now: i64,
        meta: &RequestMeta,
    ) -> Result<(), Failed> {
        let assignments = tx.role_assignments_of("user", &user.id).await?;
        let current = assignments
            .iter()
            .find(|(_, scope)| scope == "account")
            .and_then(|(r, _)| account_role_of(r));
        if current == Some(Role::MasterAdmin) {
            return Ok(());
        }
        let role = jit_role(identity.role.as_deref());
        if role.is_none() && identity.sub_account_ids.is_none() {
            return Ok(());
        }
        let Some(role) = role.or(current) else {
            return Ok(());
        };
        let current_access = crate::service::authz::environments_from_scopes(
            assignments
                .iter()
                .filter(|(_, s)| s.starts_with("environment:"))
                .map(|(_, s)| s.as_str()),
        );
        let access = match &identity.sub_account_ids {
            Some(ids) => self.jit_access(tx, Some(ids)).await?,
            None => current_access.clone(),
        };
        if Some(role) == current && access == current_access {
            return Ok(());
        }
        tx.delete_user_role_assignments(&user.id).await?;
        self.write_access(tx, &user.id, role, &access, now).await?;
        let record = self.saml_record("user.update", user, now, meta).change(
            Some(json!({ "role": current.map(Role::api_str), "environments": crate::service::user_lifecycle::access_json(&current_access) })),
            Some(json!({ "role": role.api_str(), "environments": crate::service::user_lifecycle::access_json(&access) })),
        );
        tx.append_audit(&record).await?;
        Ok(())
    }

    /// `sub_account_ids`: environment ids or cloud names, or `all`; none named: all. Unknown
    /// ones are left out.
    async fn jit_access(
        &self,
        tx: &mut Tx,
        ids: Option<&[String]>,
    ) -> Result<EnvironmentAccess, Failed> {
        let Some(ids) =
            ids.filter(|ids| !ids.is_empty() && !ids.iter().any(|i| i.eq_ignore_ascii_case("all")))
        else {
            return Ok(EnvironmentAccess::All);
        };
        let environments = tx.environments().await?;
        let found: Vec<String> = environments
            .iter()
            .filter(|e| ids.iter().any(|i| *i == e.id || *i == e.cloud_name))
            .map(|e| e.id.clone())
            .collect();
        Ok(EnvironmentAccess::Only(found))
    }

    /// Membership becomes exactly the listed existing groups (unknown names are recorded).
    async fn jit_groups(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        names: &[String],
        now: i64,
        meta: &RequestMeta,
    ) -> Result<(), Failed> {
        let groups = tx.groups().await?;
        let wanted: Vec<_> = groups.iter().filter(|g| names.contains(&g.name)).collect();
        let unknown: Vec<&String> = names
            .iter()
            .filter(|n| !groups.iter().any(|g| g.name == **n))
            .collect();
        let had = tx.groups_of_user(&user.id).await?;
        let mut changed = false;
        for g in &had {
            if !wanted.iter().any(|w| w.id == g.id) {
                changed |= tx.remove_group_member(&g.id, &user.id).await?;
            }
        }
        for g in &wanted {
            changed |= tx.add_group_member(&g.id, &user.id, now).await?;
        }
        if changed || !unknown.is_empty() {
            let record = self.saml_record("user.groups", user, now, meta).change(
                Some(json!({ "groups": had.iter().map(|g| &g.name).collect::<Vec<_>>() })),
                Some(json!({ "groups": wanted.iter().map(|g| &g.name).collect::<Vec<_>>(), "unknown_groups": unknown })),
            );
            tx.append_audit(&record).await?;
        }
        Ok(())
    }

    fn saml_record(
        &self,
        action: &str,
        user: &UserRow,
        now: i64,
        meta: &RequestMeta,
    ) -> AuditRecord {
        AuditRecord::new(action, Actor::Saml, now, Some(meta))
            .account(&user.account_id)
            .target(AuditTarget::new("user", &user.id, &user.email))
    }
}

/// A role attribute JIT may give: any known role but Master admin.
fn jit_role(name: Option<&str>) -> Option<Role> {
    crate::domain::saml::jit_role(name?).ok()
}
