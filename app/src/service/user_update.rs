//! Changing a user in place (docs/rules/users.md#user-management): Edit (name, email, role, product
//! environment access), Disable and Enable — each on its own from the console, or an edit
//! and a status change together in one transaction (the Provisioning API's PUT), so that
//! a refusal of either leaves the user as they were.

use super::emails;
use super::user_lifecycle::{access_json, acting, Acted, EditUserInput};
use super::users::{media_library_options, role_and_access};
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::user_action::{self, Target};
use crate::domain::Refusal;
use crate::domain::{
    validation, Email, EnvironmentAccess, FieldErrors, MediaLibraryOptions, Role, UserAction,
    UserStatus, UserSummary,
};
use crate::store::{Tx, UserRow};
use serde_json::json;

/// An Edit's input, validated.
#[derive(Clone)]
struct ValidEdit {
    name: String,
    email: Email,
    role: Role,
    /// `None`: unchanged (the form didn't show it).
    access: Option<EnvironmentAccess>,
    media_library: MediaLibraryOptions,
}

fn validate_edit(principal: &Principal, input: &EditUserInput) -> ServiceResult<ValidEdit> {
    let mut e = FieldErrors::new();
    let name = e
        .check("name", validation::name(&input.name, 0, 128, "Name"))
        .unwrap_or_default();
    let email = e.check("email", Email::parse(&input.email));
    let (role, access) = role_and_access(principal, &input.role, input.access.as_ref(), &mut e);
    e.into_result()?;
    let (Some(email), Some(role)) = (email, role) else {
        return Err(ServiceError::invalid("role", "Choose a role"));
    };
    Ok(ValidEdit {
        name,
        email,
        role,
        access,
        media_library: input.media_library,
    })
}

impl ValidEdit {
    /// The access the user will have: the one given, else theirs.
    fn access_for(&self, user: &UserSummary) -> EnvironmentAccess {
        self.access
            .clone()
            .unwrap_or_else(|| user.environments.clone())
    }

    /// The role or the environment access differs from the user's.
    fn changes_access(&self, user: &UserSummary) -> bool {
        self.role != user.role || self.access_for(user) != user.environments
    }

    fn changes_email(&self, user: &UserRow) -> bool {
        self.email.normalized() != user.email_normalized
    }
}

/// Disable or Enable, as the user's status asks for `enabled`; `None` when it holds already.
fn status_action(status: UserStatus, enabled: bool) -> Option<UserAction> {
    match (enabled, status == UserStatus::Disabled) {
        (false, false) => Some(UserAction::Disable),
        (true, true) => Some(UserAction::Enable),
        _ => None,
    }
}

/// Some of a user's fields, and `enabled` (the Provisioning API's PUT): what is absent
/// stays as the user is when the writing transaction reads them.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
    /// All product environments, or only these (`(false, ids)`).
    pub access: Option<(bool, Vec<String>)>,
    pub enabled: Option<bool>,
}

impl UserPatch {
    /// Changes more than `enabled`.
    fn edits(&self) -> bool {
        self.name.is_some() || self.email.is_some() || self.role.is_some() || self.access.is_some()
    }

    /// The Edit form this patch makes of the user as read.
    fn onto(&self, user: &UserRow, summary: &UserSummary) -> EditUserInput {
        EditUserInput {
            name: self
                .name
                .clone()
                .or_else(|| user.name.clone())
                .unwrap_or_default(),
            email: self.email.clone().unwrap_or_else(|| summary.email.clone()),
            role: self
                .role
                .clone()
                .unwrap_or_else(|| summary.role.api_str().to_string()),
            access: self.access.clone(),
            media_library: summary.media_library,
        }
    }
}

/// The edit of a change: the whole Edit form (the console), or a patch merged onto the
/// user as read in the writing transaction.
#[derive(Clone, Copy)]
enum Edit<'a> {
    Form(&'a ValidEdit),
    Patch(&'a UserPatch),
}

/// A change checked and written in an open transaction: its records, and the user as
/// changed when it was an edit.
pub(super) struct Changed {
    pub(super) tx: Tx,
    pub(super) records: Vec<AuditRecord>,
    pub(super) edited: Option<UserSummary>,
}

impl Service {
    /// Edit: name, email, role and product environment access (`users.manage`). An email
    /// change voids the user's open links and notifies the old address; role and access
    /// changes apply from the user's next request.
    pub async fn edit_user(
        &self,
        principal: &Principal,
        user_id: &str,
        input: &EditUserInput,
        meta: &RequestMeta,
    ) -> ServiceResult<UserSummary> {
        // Who may edit at all comes before what they typed.
        self.authorize(principal, UserAction::Edit.permission(), meta)
            .await?;
        let edit = validate_edit(principal, input)?;
        let changed = self
            .apply_change(principal, user_id, Some(Edit::Form(&edit)), None, meta)
            .await?;
        super::user_add::commit_all(changed.tx, &changed.records).await?;
        changed
            .edited
            .ok_or_else(|| Refusal::UserNotFound { id: user_id.into() }.into())
    }

    /// The Provisioning API's change of a user (`users.manage`): the patch is merged onto
    /// the user as read in one write transaction, the rules of the edit and of the status
    /// change are checked there, and both are written with their records — so two changes
    /// of different fields at the same moment both land. An `enabled` the user has
    /// already changes nothing; a deleted user is refused.
    pub(super) async fn change_user(
        &self,
        principal: &Principal,
        user_id: &str,
        patch: &UserPatch,
        meta: &RequestMeta,
    ) -> ServiceResult<Changed> {
        let edit = patch.edits().then_some(Edit::Patch(patch));
        self.apply_change(principal, user_id, edit, patch.enabled, meta)
            .await
    }

    /// An edit and/or Disable or Enable in one write transaction, handed back open.
    async fn apply_change(
        &self,
        principal: &Principal,
        user_id: &str,
        edit: Option<Edit<'_>>,
        enabled: Option<bool>,
        meta: &RequestMeta,
    ) -> ServiceResult<Changed> {
        let acted = self
            .begin_chosen_action(
                principal,
                user_id,
                UserAction::Edit.permission(),
                // The rules of Edit when fields change, else of the status change; a
                // user already as asked is still checked (a deleted one is refused).
                |u| match (edit, enabled.and_then(|on| status_action(u.status, on))) {
                    (None, Some(action)) => action,
                    _ => UserAction::Edit,
                },
                meta,
            )
            .await?
            .0;
        let then = enabled.and_then(|on| status_action(acted.summary.status, on));
        let acted = match (edit, then) {
            (Some(_), Some(action)) => self.may_also(acted, principal, action, meta).await?,
            _ => acted,
        };
        let (acted, edit) = match edit {
            Some(Edit::Form(v)) => (acted, Some(v.clone())),
            Some(Edit::Patch(p)) => {
                let valid = validate_edit(principal, &p.onto(&acted.user, &acted.summary));
                let (tx, valid) = acted.tx.or_end(valid).await?;
                let acted = Acted { tx, ..acted };
                (acted, Some(valid))
            }
            None => (acted, None),
        };
        let disabling = then == Some(UserAction::Disable);
        let acted = match &edit {
            Some(e) => {
                self.check_edit(acted, principal, e, disabling, meta)
                    .await?
            }
            None if disabling => {
                self.keep_a_master_admin(acted, principal, UserAction::Disable, meta)
                    .await?
            }
            None => acted,
        };
        self.write_change(acted, principal, edit.as_ref(), then, meta)
            .await
    }

    /// A second action's rules on the same user, in the same transaction.
    async fn may_also(
        &self,
        acted: Acted,
        principal: &Principal,
        action: UserAction,
        meta: &RequestMeta,
    ) -> ServiceResult<Acted> {
        match user_action::may_act(&acting(principal), &Target::from(&acted.summary), action) {
            Ok(()) => Ok(acted),
            Err(why) => {
                let Acted { tx, summary, .. } = acted;
                Err(self
                    .refuse(tx, principal, &summary, action, why, meta)
                    .await)
            }
        }
    }

    /// The writes of a checked change, in order: the edit, then the status.
    async fn write_change(
        &self,
        acted: Acted,
        principal: &Principal,
        edit: Option<&ValidEdit>,
        then: Option<UserAction>,
        meta: &RequestMeta,
    ) -> ServiceResult<Changed> {
        let Acted {
            mut tx,
            user,
            summary,
        } = acted;
        let now = self.now();
        let mut records = Vec::new();
        let mut edited = None;
        if let Some(edit) = edit {
            let (record, user) = self
                .write_edit(&mut tx, &user, &summary, edit, principal, meta, now)
                .await?;
            records.push(record);
            edited = Some(user);
        }
        match then {
            Some(UserAction::Disable) => records.push(
                self.write_disable(&mut tx, &user, summary.status, principal, meta, now)
                    .await?,
            ),
            Some(_) => records.push(
                self.write_enable(&mut tx, &user, principal, meta, now)
                    .await?
                    .0,
            ),
            None => {}
        }
        Ok(Changed {
            tx,
            records,
            edited,
        })
    }

    /// Edit's rules on the user as read in the writing transaction (a refusal ends it):
    /// no change of one's own or the root user's role and access, the last active master
    /// admin kept (`disabling` too counts), known environments, a free email.
    async fn check_edit(
        &self,
        acted: Acted,
        principal: &Principal,
        edit: &ValidEdit,
        disabling: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<Acted> {
        if acted.summary.id == principal.user_id && edit.changes_email(&acted.user) {
            let Acted { tx, summary, .. } = acted;
            return Err(self
                .refuse(
                    tx,
                    principal,
                    &summary,
                    UserAction::Edit,
                    Refusal::OwnEmailInProfile,
                    meta,
                )
                .await);
        }
        if edit.changes_access(&acted.summary) {
            let why = if acted.summary.id == principal.user_id {
                Some(Refusal::OnYourself)
            } else if acted.summary.root && edit.role != Role::MasterAdmin {
                Some(Refusal::RootUser)
            } else {
                None
            };
            if let Some(why) = why {
                let Acted { tx, summary, .. } = acted;
                return Err(self
                    .refuse(tx, principal, &summary, UserAction::Edit, why, meta)
                    .await);
            }
        }
        let demoted = acted.summary.role == Role::MasterAdmin && edit.role != Role::MasterAdmin;
        let acted = if demoted || disabling {
            let action = if demoted {
                UserAction::Edit
            } else {
                UserAction::Disable
            };
            self.keep_a_master_admin(acted, principal, action, meta)
                .await?
        } else {
            acted
        };
        let Acted {
            mut tx,
            user,
            summary,
        } = acted;
        let access = edit.access_for(&summary);
        if let Some(refusal) = super::users::unknown_environment(&mut tx, &access).await? {
            tx.finish().await?;
            return Err(refusal);
        }
        if edit.changes_email(&user)
            && tx
                .live_user_by_email(&edit.email.normalized())
                .await?
                .is_some()
        {
            tx.finish().await?;
            return Err(ServiceError::refused_field("email", Refusal::EmailTaken));
        }
        Ok(Acted { tx, user, summary })
    }

    /// Edit's writes, once its rules hold: the audit record to commit and the user as
    /// edited.
    #[allow(clippy::too_many_arguments)]
    async fn write_edit(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        summary: &UserSummary,
        edit: &ValidEdit,
        principal: &Principal,
        meta: &RequestMeta,
        now: i64,
    ) -> ServiceResult<(AuditRecord, UserSummary)> {
        let email = &edit.email;
        let access_changed = edit.changes_access(summary);
        let access = edit.access_for(summary);
        let email_changed = edit.changes_email(user);
        let new_name = (!edit.name.is_empty()).then_some(edit.name.as_str());
        tx.set_user_name_and_email(&user.id, new_name, email.as_str(), &email.normalized(), now)
            .await?;
        let options = media_library_options(edit.role, edit.media_library);
        tx.set_media_library_options(&user.id, &options).await?;
        if access_changed {
            tx.delete_user_role_assignments(&user.id).await?;
            self.write_access(tx, &user.id, edit.role, &access, now)
                .await?;
        }
        if email_changed {
            tx.delete_user_tokens(&user.id).await?;
            let account = self.account_name(tx).await?;
            let notice = emails::security_notice(
                &account,
                &format!(
                    "The email address of your account was changed from {} to {} by {}",
                    user.email,
                    email.as_str(),
                    principal.email
                ),
                &emails::utc(now),
                &meta.ip.to_string(),
            );
            emails::send_to_user(tx, user, &notice, now).await?;
        }
        let before = json!({
            "name": user.name, "email": user.email, "role": summary.role.api_str(),
            "environments": access_json(&summary.environments),
            "media_library": summary.media_library,
        });
        let after = json!({
            "name": new_name, "email": email.as_str(), "role": edit.role.api_str(),
            "environments": access_json(&access),
            "media_library": options,
        });
        let record = AuditRecord::new("user.update", principal.actor(), now, Some(meta))
            .account(&user.account_id)
            .target(AuditTarget::new("user", &user.id, email.as_str()))
            .change(Some(before), Some(after));
        let edited = UserSummary {
            name: new_name.map(str::to_string),
            email: email.as_str().to_string(),
            role: edit.role,
            environments: access,
            media_library: options,
            ..summary.clone()
        };
        Ok((record, edited))
    }
}
