//! The user lifecycle of User Management (docs/rules/users.md#user-management): one user's details,
//! Resend invite, Reset password, Force logout and Delete, each under the rules of
//! docs/rules/roles.md#grant-rules; the rules' shared steps (the checked write transaction,
//! refusals, the last master admin). Edit, Disable and Enable are in `user_update`.

use super::users::summary_of;
use super::{
    AuditRecord, AuditResult, AuditTarget, Principal, RequestMeta, Service, ServiceError,
    ServiceResult,
};
use crate::domain::user_action::{self, Acting, Target};
use crate::domain::Refusal;
use crate::domain::{
    EnvironmentAccess, MediaLibraryOptions, Permission, Role, UserAction, UserStatus, UserSummary,
};
use crate::store::{Tx, UserRow};
use serde_json::{json, Value};

pub const CONFIRM_EMAIL: &str = "Type the user's email address to confirm";

/// The Edit form: one user at a time.
#[derive(Debug, Clone, Default)]
pub struct EditUserInput {
    pub name: String,
    pub email: String,
    pub role: String,
    /// `None`: the form didn't show environment access; it stays as it is.
    pub access: Option<super::users::AccessChoice>,
    /// Applies to Media Library users only; others get the defaults.
    pub media_library: MediaLibraryOptions,
}

/// A user acted on, inside the write transaction that checked the rules.
pub(super) struct Acted {
    pub(super) tx: Tx,
    pub(super) user: UserRow,
    pub(super) summary: UserSummary,
}

pub(super) fn acting(principal: &Principal) -> Acting<'_> {
    Acting {
        user_id: &principal.user_id,
        role: principal.role,
        environments: &principal.environments,
    }
}

pub(super) fn access_json(access: &EnvironmentAccess) -> Value {
    match access {
        EnvironmentAccess::All => json!("all"),
        EnvironmentAccess::Only(ids) => json!(ids),
    }
}

impl Service {
    /// The user as the table shows them, and what the actor may do to them (`users.view`).
    pub async fn user(
        &self,
        principal: &Principal,
        user_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<(UserSummary, Vec<UserAction>)> {
        let permit = self
            .authorize(principal, Permission::UsersView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let summary = load(&mut tx, user_id).await?.1;
        tx.finish().await?;
        let menu = user_action::menu(&acting(principal), &Target::from(&summary));
        Ok((summary, menu))
    }

    /// Opens the write transaction of `action` on a user of the principal's account and
    /// checks the rules. A refusal is audited (`access.denied`) and changes nothing.
    pub(super) async fn begin_action(
        &self,
        principal: &Principal,
        user_id: &str,
        action: UserAction,
        meta: &RequestMeta,
    ) -> ServiceResult<Acted> {
        self.begin_chosen_action(principal, user_id, action.permission(), |_| action, meta)
            .await
            .map(|(acted, _)| acted)
    }

    /// As [`Service::begin_action`], for a menu entry that depends on the user's status
    /// (Reset password, or Resend reset email for a user already waiting): `choose` picks
    /// it from the user as read in the writing transaction.
    pub(super) async fn begin_chosen_action(
        &self,
        principal: &Principal,
        user_id: &str,
        permission: Permission,
        choose: impl Fn(&UserSummary) -> UserAction,
        meta: &RequestMeta,
    ) -> ServiceResult<(Acted, UserAction)> {
        let permit = self.authorize(principal, permission, meta).await?;
        let mut tx = self.db().write(&permit).await?;
        let found = load(&mut tx, user_id).await;
        let (tx, (user, summary)) = tx.or_end(found).await?;
        let action = choose(&summary);
        if let Err(why) = user_action::may_act(&acting(principal), &Target::from(&summary), action)
        {
            return Err(self
                .refuse(tx, principal, &summary, action, why, meta)
                .await);
        }
        Ok((Acted { tx, user, summary }, action))
    }

    /// Commits only the audit record of a refusal and returns the refusal.
    pub(super) async fn refuse(
        &self,
        tx: Tx,
        principal: &Principal,
        target: &UserSummary,
        action: UserAction,
        why: Refusal,
        meta: &RequestMeta,
    ) -> ServiceError {
        let record = AuditRecord::new("access.denied", principal.actor(), self.now(), Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("user", &target.id, &target.email))
            .change(
                None,
                Some(json!({ "action": action.as_str(), "reason": why.to_string() })),
            )
            .result(AuditResult::Denied)
            .repeating(&format!(
                "denied:{}:{}:{}",
                principal.actor().id().unwrap_or("-"),
                action.as_str(),
                target.id
            ));
        match tx.commit(&record).await {
            Ok(()) => ServiceError::from(why),
            Err(e) => e.into(),
        }
    }

    /// Rule 4: an active master admin who is the last one can't be demoted, disabled or
    /// deleted.
    pub(super) async fn keep_a_master_admin(
        &self,
        acted: Acted,
        principal: &Principal,
        action: UserAction,
        meta: &RequestMeta,
    ) -> ServiceResult<Acted> {
        let Acted {
            mut tx,
            user,
            summary,
        } = acted;
        let counts = summary.role == Role::MasterAdmin
            && user.enabled
            && summary.status == UserStatus::Active;
        if counts && tx.active_master_admins().await? <= 1 {
            return Err(self
                .refuse(
                    tx,
                    principal,
                    &summary,
                    action,
                    Refusal::LastMasterAdmin,
                    meta,
                )
                .await);
        }
        Ok(Acted { tx, user, summary })
    }

    /// Delete (`users.manage`): the user becomes `inactive` for good. Sessions end, links
    /// die, the password is erased, grants are removed, the seat frees at once and the
    /// email may go to a brand-new user. Records naming the user keep the reference.
    /// `confirm_email`, when given (the console asks for it), must be the user's email.
    pub async fn delete_user(
        &self,
        principal: &Principal,
        user_id: &str,
        confirm_email: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let acted = self
            .begin_action(principal, user_id, UserAction::Delete, meta)
            .await?;
        if let Some(typed) = confirm_email {
            if typed.trim().to_lowercase() != acted.user.email_normalized {
                acted.tx.finish().await?;
                return Err(ServiceError::invalid("confirm_email", CONFIRM_EMAIL));
            }
        }
        self.finish_delete(acted, principal, meta).await
    }

    /// Delete's writes once its rules held, after the last master admin is kept.
    pub(super) async fn finish_delete(
        &self,
        acted: Acted,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let Acted {
            mut tx,
            user,
            summary,
        } = self
            .keep_a_master_admin(acted, principal, UserAction::Delete, meta)
            .await?;
        let now = self.now();
        let ended = tx.delete_sessions_of_user(&user.id).await?;
        tx.delete_user_tokens(&user.id).await?;
        tx.void_user_password(&user.id, now).await?;
        tx.delete_user_grants(&user.id).await?;
        tx.delete_user_memberships(&user.id).await?;
        tx.set_user_status(&user.id, UserStatus::Inactive.as_str(), None, false, now)
            .await?;
        let record = AuditRecord::new("user.delete", principal.actor(), now, Some(meta))
            .account(&user.account_id)
            .target(AuditTarget::new("user", &user.id, &user.email))
            .change(
                Some(json!({ "status": summary.status.as_str() })),
                Some(json!({ "status": "inactive", "password": "[redacted]", "sessions_ended": ended })),
            );
        tx.commit(&record).await?;
        Ok(())
    }

    pub(super) async fn account_name(&self, tx: &mut Tx) -> ServiceResult<String> {
        Ok(tx.account_row().await?.map(|a| a.name).unwrap_or_default())
    }
}

/// A user of the principal's account, as stored and as the table shows them.
pub(super) async fn load(tx: &mut Tx, user_id: &str) -> ServiceResult<(UserRow, UserSummary)> {
    let not_found = || {
        ServiceError::from(Refusal::UserNotFound {
            id: user_id.to_string(),
        })
    };
    let row = tx
        .account_user(user_id.trim())
        .await?
        .ok_or_else(not_found)?;
    let scopes = row.environment_scopes()?;
    let user = row.user.clone();
    let summary = summary_of(row, &scopes).ok_or_else(not_found)?;
    Ok((user, summary))
}
