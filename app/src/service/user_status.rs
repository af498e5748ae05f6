//! Disable and Enable (docs/rules/users.md): a disabled user's sessions end and links
//! die at once, the seat stays taken, and Enable returns them to where they were.

use super::user_lifecycle::Acted;
use super::{AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceResult};
use crate::domain::{UserAction, UserStatus};
use crate::store::{Tx, UserRow};
use serde_json::json;

impl Service {
    /// Disable (`users.manage`): sessions end and links die at once; the seat stays taken
    /// and the user returns to their previous status when enabled.
    pub async fn disable_user(
        &self,
        principal: &Principal,
        user_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let acted = self
            .begin_action(principal, user_id, UserAction::Disable, meta)
            .await?;
        let Acted {
            mut tx,
            user,
            summary,
        } = self
            .keep_a_master_admin(acted, principal, UserAction::Disable, meta)
            .await?;
        let now = self.now();
        let record = self
            .write_disable(&mut tx, &user, summary.status, principal, meta, now)
            .await?;
        tx.commit(&record).await?;
        Ok(())
    }

    /// Disables `user` (whose status was `from`): ends their sessions, voids their links.
    pub(super) async fn write_disable(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        from: UserStatus,
        principal: &Principal,
        meta: &RequestMeta,
        now: i64,
    ) -> ServiceResult<AuditRecord> {
        let ended = tx.delete_sessions_of_user(&user.id).await?;
        tx.delete_user_tokens(&user.id).await?;
        tx.set_user_status(
            &user.id,
            UserStatus::Disabled.as_str(),
            Some(from.as_str()),
            false,
            now,
        )
        .await?;
        Ok(
            AuditRecord::new("user.disable", principal.actor(), now, Some(meta))
                .account(&user.account_id)
                .target(AuditTarget::new("user", &user.id, &user.email))
                .change(
                    Some(json!({ "status": from.as_str(), "enabled": true })),
                    Some(
                        json!({ "status": "disabled", "enabled": false, "sessions_ended": ended }),
                    ),
                ),
        )
    }

    /// Enable (`users.manage`): back to the status before disabling. A pending user needs
    /// Resend invite (their link died when they were disabled).
    pub async fn enable_user(
        &self,
        principal: &Principal,
        user_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<UserStatus> {
        let Acted { mut tx, user, .. } = self
            .begin_action(principal, user_id, UserAction::Enable, meta)
            .await?;
        let now = self.now();
        let (record, back) = self
            .write_enable(&mut tx, &user, principal, meta, now)
            .await?;
        tx.commit(&record).await?;
        Ok(back)
    }

    pub(super) async fn write_enable(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        principal: &Principal,
        meta: &RequestMeta,
        now: i64,
    ) -> ServiceResult<(AuditRecord, UserStatus)> {
        let back = user
            .status_before_disable
            .as_deref()
            .and_then(UserStatus::parse)
            .filter(|s| !matches!(s, UserStatus::Disabled | UserStatus::Inactive))
            .unwrap_or(UserStatus::Active);
        tx.set_user_status(&user.id, back.as_str(), None, true, now)
            .await?;
        let record = AuditRecord::new("user.enable", principal.actor(), now, Some(meta))
            .account(&user.account_id)
            .target(AuditTarget::new("user", &user.id, &user.email))
            .change(
                Some(json!({ "status": "disabled", "enabled": false })),
                Some(json!({ "status": back.as_str(), "enabled": true })),
            );
        Ok((record, back))
    }
}
