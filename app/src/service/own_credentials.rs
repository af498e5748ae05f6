//! Your own credentials in My Profile (docs/rules/sign-in.md#your-own-password): changing the
//! password with the current one (and a code, with two-factor authentication).

use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::{password, Permission, Refusal};
use serde_json::json;

impl Service {
    /// Changes the principal's own password: the current one (and a code, for a user with
    /// two-factor authentication) proves it's them; the user's other sessions and open
    /// password links end, and a security notice is emailed.
    pub async fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new_password: &str,
        code: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::ProfileManageOwn, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let user = tx.user(principal.user_id()).await?;
        let account = tx.account_row().await?;
        tx.finish().await?;
        let (Some(user), Some(account)) = (user, account) else {
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        };
        let context = [
            user.email.as_str(),
            account.name.as_str(),
            user.name.as_deref().unwrap_or(""),
            user.first_name.as_deref().unwrap_or(""),
            user.last_name.as_deref().unwrap_or(""),
        ];
        password::check(new_password, &context)
            .map_err(|m| ServiceError::invalid("new_password", m))?;
        let hash = self
            .inner
            .hasher
            .hash(&password::normalize(new_password))
            .await?;
        let (mut tx, user) = self
            .prove_password_and_code(principal, current, code, meta)
            .await?;
        let now = self.now();
        tx.set_user_password_hash(&user.id, &hash, now).await?;
        tx.delete_user_tokens(&user.id).await?;
        let ended = tx
            .delete_other_sessions_of_user(&user.id, &principal.session_token_hash)
            .await?;
        self.notify(
            &mut tx,
            &user,
            "The password of your account was changed",
            meta,
        )
        .await?;
        let record = AuditRecord::new("user.change_password", principal.actor(), now, Some(meta))
            .account(principal.account_id())
            .target(AuditTarget::new("user", &user.id, &user.email))
            .change(
                None,
                Some(json!({ "password": "[redacted]", "other_sessions_ended": ended })),
            );
        tx.commit(&record).await?;
        Ok(())
    }
}
