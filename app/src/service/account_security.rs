//! Account security (`security.view`, `security.manage`): requiring two-factor
//! authentication and signing out every user (docs/rules/two-factor.md#required).

use super::{AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceResult};
use crate::domain::account::AccountSecurity;
use crate::domain::Permission;
use serde_json::json;

impl Service {
    pub async fn account_security(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<AccountSecurity> {
        let permit = self
            .authorize(principal, Permission::SecurityView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let require_two_factor = tx.account_requires_two_factor().await?;
        let without_factor = tx.active_users_without_two_factor().await?;
        tx.finish().await?;
        Ok(AccountSecurity {
            require_two_factor,
            users_without_two_factor: without_factor,
        })
    }

    /// *Require two-factor authentication* on or off (re-authenticated). It applies at each
    /// user's next sign-in.
    pub async fn set_require_two_factor(
        &self,
        principal: &Principal,
        required: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<AccountSecurity> {
        let permit = self
            .authorize(principal, Permission::SecurityManage, meta)
            .await?;
        self.require_recent_reauthentication(principal)?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let before = tx.account_requires_two_factor().await?;
        tx.set_require_two_factor(required, now).await?;
        let record = AuditRecord::new("security.update", principal.actor(), now, Some(meta))
            .account(principal.account_id())
            .target(AuditTarget::new(
                "account",
                principal.account_id(),
                "Account security",
            ))
            .change(
                Some(json!({ "require_two_factor": before })),
                Some(json!({ "require_two_factor": required })),
            );
        tx.commit(&record).await?;
        self.account_security(principal, meta).await
    }

    /// *Sign out all users*: every session of the account ends but the actor's own.
    pub async fn sign_out_all_users(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<u64> {
        let permit = self
            .authorize(principal, Permission::SecurityManage, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let ended = tx
            .delete_account_sessions_but(&principal.session_token_hash)
            .await?;
        let record = AuditRecord::new("security.sign_out_all", principal.actor(), now, Some(meta))
            .account(principal.account_id())
            .target(AuditTarget::new(
                "account",
                principal.account_id(),
                "Account security",
            ))
            .change(None, Some(json!({ "sessions_ended": ended })));
        tx.commit(&record).await?;
        Ok(ended)
    }
}
