//! Re-authentication (docs/rules/sign-in.md#sessions): the password again (and a code, for a
//! user with a second factor), valid 10 minutes, before revealing API secrets, deleting an
//! environment or changing one's own second factor. The session gets a new token.
//! *(decision)* Signing in doesn't count: re-authentication is always an explicit step, so
//! a secret is never shown just because someone signed in on this browser a minute ago.

use super::crypto::{new_token, sha256_hex};
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::password;
use crate::domain::Refusal;
use crate::store::{Tx, UserRow};

/// How long a re-authentication holds.
pub const REAUTH_VALID_SECS: i64 = 10 * 60;

impl Service {
    /// Checks the principal's password again — and a code, for a user with a second
    /// factor; returns the session's new token.
    pub async fn reauthenticate(
        &self,
        principal: &Principal,
        password_typed: &str,
        code: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<String> {
        let (mut tx, user) = self
            .prove_password_and_code(principal, password_typed, code, meta)
            .await?;
        let now = self.now();
        let token = new_token(self.inner.entropy.as_ref());
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

    /// The password, and for a user with a second factor a code (or recovery code), proven
    /// again — throttled and counted like a sign-in try, before anything is verified. The
    /// returned write transaction has spent the code and given the try back; the caller
    /// commits it with its own record.
    pub(super) async fn prove_password_and_code(
        &self,
        principal: &Principal,
        password_typed: &str,
        code: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<(Tx, UserRow)> {
        if password_typed.is_empty() {
            return Err(ServiceError::invalid("password", "Enter your password"));
        }
        let permit = principal.own_permit();
        let mut tx = self.db().read(&permit).await?;
        let user = tx.user(&principal.user_id).await?;
        tx.finish().await?;
        let Some(user) = user else {
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        };
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
        let mut tx = self.db().write(&permit).await?;
        if super::auth::has_factor(&mut tx, &user.id).await? {
            let typed = code.map(str::trim).unwrap_or_default();
            if typed.is_empty() {
                self.give_back_count(&mut tx, &user.email_normalized, meta)
                    .await?;
                tx.commit_bookkeeping(&permit).await?;
                return Err(ServiceError::invalid(
                    "code",
                    "Enter the code from your authenticator app, or a recovery code",
                ));
            }
            if let Err(refused) = self.spend_second_factor(&mut tx, &user, typed).await? {
                tx.finish().await?;
                self.record_failed_try_because(
                    &admitted,
                    &user.email_normalized,
                    meta,
                    refused.reason(),
                )
                .await?;
                return Err(ServiceError::invalid(
                    "code",
                    "That code isn't valid. Enter the code your app shows now, or a recovery code",
                ));
            }
        }
        self.give_back_try(&mut tx, &user.email_normalized, meta)
            .await?;
        Ok((tx, user))
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
