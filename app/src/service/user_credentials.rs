//! The credential actions of User Management (docs/rules/users.md#user-management): Resend invite,
//! Reset password (and Resend reset email), Force logout, Reset 2FA.

use super::emails;
use super::sign_in_guard::account_key;
use super::user_lifecycle::Acted;
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::Refusal;
use crate::domain::{LinkPurpose, Permission, UserAction, UserStatus};
use serde_json::json;

/// Invitations (and "access updated" emails) per user per hour.
const INVITES_PER_HOUR: i64 = 5;

impl Service {
    /// Resend invite (`users.invite`): a pending user gets a fresh invitation (the old
    /// link dies); others an "access updated" email. At most five per user per hour.
    pub async fn resend_invite(
        &self,
        principal: &Principal,
        user_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let Acted {
            mut tx,
            user,
            summary,
        } = self
            .begin_action(principal, user_id, UserAction::ResendInvite, meta)
            .await?;
        let now = self.now();
        let sent = tx
            .emails_about_user_since(&user.id, &["invitation", "access_updated"], now - 3600)
            .await?;
        if sent >= INVITES_PER_HOUR {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::TooManyInvitations));
        }
        let account = self.account_name(&mut tx).await?;
        let message = if summary.status == UserStatus::Pending {
            let link = self
                .new_link(&mut tx, &user.id, LinkPurpose::Invitation, now)
                .await?;
            emails::invitation(&account, &principal.email, summary.role, &link)
        } else {
            emails::access_updated(
                &account,
                summary.role,
                &summary.environments,
                &self.link("/login"),
            )
        };
        emails::send_to_user(&mut tx, &user, &message, now).await?;
        let record = AuditRecord::new("user.resend_invite", principal.actor(), now, Some(meta))
            .account(&user.account_id)
            .target(AuditTarget::new("user", &user.id, &user.email))
            .change(None, Some(json!({ "email": message.kind })));
        tx.commit(&record).await?;
        Ok(())
    }

    /// Reset password (`users.credentials`, password users): ends every session at once,
    /// voids the password, sets `password_reset_pending` and emails a 24-hour link.
    /// For a user already waiting, sends a fresh link (Resend reset email).
    pub async fn reset_password(
        &self,
        principal: &Principal,
        user_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let (
            Acted {
                mut tx,
                user,
                summary,
            },
            action,
        ) = self
            .begin_chosen_action(
                principal,
                user_id,
                Permission::UsersCredentials,
                |u| {
                    if u.status == UserStatus::PasswordResetPending {
                        UserAction::ResendResetEmail
                    } else {
                        UserAction::ResetPassword
                    }
                },
                meta,
            )
            .await?;
        let now = self.now();
        if action == UserAction::ResendResetEmail {
            let sent = tx
                .emails_about_user_since(&user.id, &["admin_reset"], now - 3600)
                .await?;
            if sent >= INVITES_PER_HOUR {
                tx.finish().await?;
                return Err(ServiceError::from(Refusal::TooManyResetEmails));
            }
        }
        let sessions_ended = tx.delete_sessions_of_user(&user.id).await?;
        tx.void_user_password(&user.id, now).await?;
        tx.set_user_status(
            &user.id,
            UserStatus::PasswordResetPending.as_str(),
            None,
            true,
            now,
        )
        .await?;
        tx.clear_throttle(&account_key(&user.email_normalized))
            .await?;
        let link = self
            .new_link(&mut tx, &user.id, LinkPurpose::AdminReset, now)
            .await?;
        let account = self.account_name(&mut tx).await?;
        let message = emails::admin_reset(&account, &principal.email, &link);
        emails::send_to_user(&mut tx, &user, &message, now).await?;
        let record = AuditRecord::new("user.reset_password", principal.actor(), now, Some(meta))
            .account(&user.account_id)
            .target(AuditTarget::new("user", &user.id, &user.email))
            .change(
                Some(json!({ "status": summary.status.as_str() })),
                Some(json!({
                    "status": "password_reset_pending", "password": "[redacted]",
                    "sessions_ended": sessions_ended,
                })),
            );
        tx.commit(&record).await?;
        Ok(())
    }

    /// Force logout (`users.credentials`): every session of the user ends now; their open
    /// pages are signed out on their next request. They may sign in again.
    pub async fn force_logout(
        &self,
        principal: &Principal,
        user_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<u64> {
        let Acted { mut tx, user, .. } = self
            .begin_action(principal, user_id, UserAction::ForceLogout, meta)
            .await?;
        let now = self.now();
        let ended = tx.delete_sessions_of_user(&user.id).await?;
        let record = AuditRecord::new("user.force_logout", principal.actor(), now, Some(meta))
            .account(&user.account_id)
            .target(AuditTarget::new("user", &user.id, &user.email))
            .change(None, Some(json!({ "sessions_ended": ended })));
        tx.commit(&record).await?;
        Ok(ended)
    }

    /// Reset 2FA (`users.credentials`, under the grant rules): the user's authenticator and
    /// recovery codes are removed, every session of theirs ends, and they are emailed.
    pub async fn reset_two_factor(
        &self,
        principal: &Principal,
        user_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let Acted { mut tx, user, .. } = self
            .begin_action(principal, user_id, UserAction::ResetTwoFactor, meta)
            .await?;
        let now = self.now();
        tx.delete_two_factor(&user.id).await?;
        tx.delete_challenges_of_user(&user.id, now).await?;
        let ended = tx.delete_sessions_of_user(&user.id).await?;
        let what = format!(
            "Two-factor authentication was reset for your account by {}: sign in with your password, then set it up again",
            principal.email
        );
        self.notify(&mut tx, &user, &what, meta).await?;
        let record = AuditRecord::new("user.reset_two_factor", principal.actor(), now, Some(meta))
            .account(&user.account_id)
            .target(AuditTarget::new("user", &user.id, &user.email))
            .change(
                Some(json!({ "two_factor": true })),
                Some(json!({ "two_factor": false, "sessions_ended": ended })),
            );
        tx.commit(&record).await?;
        Ok(())
    }
}
