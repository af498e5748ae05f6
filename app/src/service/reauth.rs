//! Re-authentication (docs/rules/sign-in.md#sessions): the password again, valid 10 minutes, before
//! revealing API secrets or deleting an environment. The session gets a new token.
//! *(decision)* Signing in doesn't count: re-authentication is always an explicit step, so
//! a secret is never shown just because someone signed in on this browser a minute ago.

use super::crypto::{new_token, sha256_hex};
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::password;
use crate::domain::Refusal;

/// How long a re-authentication holds.
pub const REAUTH_VALID_SECS: i64 = 10 * 60;

impl Service {
    /// Checks the principal's password again; returns the session's new token.
    pub async fn reauthenticate(
        &self,
        principal: &Principal,
        password_typed: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<String> {
        if password_typed.is_empty() {
            return Err(ServiceError::invalid("password", "Enter your password"));
        }
        let permit = principal.own_permit();
        let now = self.now();
        let mut tx = self.db().read(&permit).await?;
        let user = tx.user(&principal.user_id).await?;
        tx.finish().await?;
        let Some(user) = user else {
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        };
        // Throttled and counted like a sign-in try, before the password is verified.
        let admitted = self.admit_try(&user.email_normalized, meta).await?;
        let verified = self
            .inner
            .hasher
            .verify(
                &password::normalize(password_typed),
                user.password_hash.as_deref(),
            )
            .await?;
        if !verified.matched {
            self.record_failed_try(&admitted, &user.email_normalized, meta)
                .await?;
            return Err(ServiceError::invalid(
                "password",
                "That isn't your password",
            ));
        }
        let token = new_token(self.inner.entropy.as_ref());
        let mut tx = self.db().write(&permit).await?;
        self.give_back_try(&mut tx, &user.email_normalized, meta)
            .await?;
        if tx
            .reauthenticate_session(&principal.session_token_hash, &sha256_hex(&token), now)
            .await?
            == 0
        {
            tx.finish().await?;
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        }
        let record = AuditRecord::new("auth.reauthenticate", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("user", &user.id, &user.email));
        tx.commit(&record).await?;
        Ok(token)
    }

    /// Refuses unless the session re-authenticated within the last 10 minutes. An account
    /// API key proves its secret on every request.
    pub(super) fn require_recent_reauthentication(
        &self,
        principal: &Principal,
    ) -> ServiceResult<()> {
        if principal.is_account_api_key() {
            return Ok(());
        }
        let now = self.now();
        match principal.reauthenticated_at {
            Some(t) if now - t < REAUTH_VALID_SECS => Ok(()),
            _ => Err(ServiceError::Refused(Refusal::ReauthenticationRequired)),
        }
    }
}
