//! Checking a second factor (docs/rules/two-factor.md): the sign-in's second step, and the
//! code that turning 2FA off and re-authentication ask for. A code's time step, or a
//! recovery code, is spent in the same write transaction that acts on it.

use super::crypto::{new_token, sha256_hex};
use super::totp::{recovery_code_hash, Authenticator, CodeCheck};
use super::{AuditTarget, Permit, RequestMeta, Service, ServiceError, ServiceResult};
use crate::domain::two_factor::SecondFactor;
use crate::domain::Refusal;
use crate::store::{TwoFactorRow, Tx, UserRow};
use serde_json::json;

/// How long the second step waits for a code after the password.
pub(super) const SECOND_STEP_SECS: i64 = 5 * 60;
/// Wrong codes one second step takes before the password is asked again.
const SECOND_STEP_TRIES: i64 = 5;

/// What a typed second factor amounted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FactorUsed {
    Code,
    RecoveryCode { left: u32 },
}

/// Why a typed second factor was refused (for the audit log only: the person typing it
/// reads one answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FactorRefused {
    Wrong,
    Reused,
    RecoveryCodeSpent,
}

impl FactorRefused {
    pub(super) fn reason(self) -> &'static str {
        match self {
            FactorRefused::Wrong => "wrong code",
            FactorRefused::Reused => "code already used",
            FactorRefused::RecoveryCodeSpent => "recovery code unknown or already used",
        }
    }
}

/// The second step's ticket after a right password.
pub struct SecondStep {
    /// Goes into a short-lived cookie, and nowhere else.
    pub token: String,
    pub expires_at: i64,
}

impl Service {
    /// The user's authenticator, opened.
    pub(super) fn authenticator(
        &self,
        user: &UserRow,
        factor: &TwoFactorRow,
        issuer: &str,
    ) -> ServiceResult<Authenticator> {
        let base32 = self
            .config()
            .secret_key
            .open(&secret_context(&user.id), &factor.secret_sealed)?;
        let secret = totp_rs::Secret::try_from_base32(&base32).map_err(|_| {
            super::InternalError::Crypto("a sealed TOTP secret is not base32".into())
        })?;
        Ok(Authenticator::new(secret.as_ref(), issuer, &user.email)?)
    }

    /// Checks `typed` against the user's confirmed factor and spends it (the code's time
    /// step, or the recovery code) in `tx`.
    pub(super) async fn spend_second_factor(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        typed: &str,
    ) -> ServiceResult<Result<FactorUsed, FactorRefused>> {
        let now = self.now();
        let Some(factor) = tx
            .two_factor_of(&user.id)
            .await?
            .filter(|f| f.confirmed_at.is_some())
        else {
            return Ok(Err(FactorRefused::Wrong));
        };
        match SecondFactor::parse(typed) {
            None => Ok(Err(FactorRefused::Wrong)),
            Some(SecondFactor::Code(code)) => {
                let app = self.authenticator(user, &factor, "")?;
                match app.check(&code, now, factor.last_used_step) {
                    CodeCheck::Wrong => Ok(Err(FactorRefused::Wrong)),
                    CodeCheck::Reused => Ok(Err(FactorRefused::Reused)),
                    // 0 rows: a parallel request spent this step first.
                    CodeCheck::Accepted { step } => {
                        match tx.use_two_factor_step(&user.id, step).await? {
                            0 => Ok(Err(FactorRefused::Reused)),
                            _ => Ok(Ok(FactorUsed::Code)),
                        }
                    }
                }
            }
            Some(SecondFactor::Recovery(code)) => {
                let hash = recovery_code_hash(&user.id, &code);
                if tx.use_recovery_code(&user.id, &hash, now).await? == 0 {
                    return Ok(Err(FactorRefused::RecoveryCodeSpent));
                }
                let left = tx.recovery_codes_left(&user.id).await?;
                Ok(Ok(FactorUsed::RecoveryCode { left }))
            }
        }
    }

    /// A right password of a user with a second factor: the ticket for the second step.
    pub(super) async fn begin_second_step(
        &self,
        tx: &mut Tx,
        user: &UserRow,
    ) -> ServiceResult<SecondStep> {
        let now = self.now();
        let token = new_token(self.inner.entropy.as_ref());
        let expires_at = now + SECOND_STEP_SECS;
        tx.delete_challenges_of_user(&user.id, now).await?;
        tx.insert_sign_in_challenge(&sha256_hex(&token), &user.id, now, expires_at)
            .await?;
        Ok(SecondStep { token, expires_at })
    }

    /// The second step of a sign-in: an authenticator code or a recovery code for the
    /// ticket's user. A wrong code is a failed sign-in try (counted and throttled like a
    /// wrong password); five end the ticket.
    pub async fn sign_in_with_code(
        &self,
        ticket: Option<&str>,
        typed: &str,
        previous_token: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<super::SignedIn> {
        let expired = || ServiceError::Refused(Refusal::SignInStepExpired);
        let ticket_hash = sha256_hex(ticket.ok_or_else(expired)?);
        if typed.trim().is_empty() {
            return Err(ServiceError::invalid(
                "code",
                "Enter the code from your authenticator app, or a recovery code",
            ));
        }
        let now = self.now();
        let user = {
            let mut tx = self.db().read(&Permit::for_sign_in()).await?;
            let found = tx.sign_in_challenge(&ticket_hash).await?;
            let user = match &found {
                Some(c) if c.expires_at > now => {
                    tx.within_account(&c.account_id)?;
                    tx.user(&c.user_id).await?
                }
                _ => None,
            };
            tx.finish().await?;
            user.filter(|u| u.enabled && u.status == "active")
                .ok_or_else(expired)?
        };
        let mut tx = self.db().write(&Permit::for_sign_in()).await?;
        tx.within_account(&user.account_id)?;
        let (tx, _) = self.refuse_blocked_address(tx, &user, meta).await?;
        tx.finish().await?;
        let admitted = self.admit_try(&user.email_normalized, meta).await?;
        let mut tx = self.db().write(&Permit::for_sign_in()).await?;
        tx.within_account(&user.account_id)?;
        match self.spend_second_factor(&mut tx, &user, typed).await? {
            Ok(used) => {
                if tx.delete_sign_in_challenge(&ticket_hash).await? == 0 {
                    tx.finish().await?;
                    return Err(expired());
                }
                self.give_back_try(&mut tx, &user.email_normalized, meta)
                    .await?;
                if let FactorUsed::RecoveryCode { left } = used {
                    self.notify_recovery_code_used(&mut tx, &user, left, meta)
                        .await?;
                }
                let method = match used {
                    FactorUsed::Code => "authenticator code",
                    FactorUsed::RecoveryCode { .. } => "recovery code",
                };
                let policy = tx.access_policy().await?;
                self.finish_sign_in(
                    tx,
                    &policy,
                    &user,
                    super::auth::Proof::PasswordAnd(method),
                    previous_token,
                    meta,
                )
                .await
            }
            Err(refused) => {
                tx.count_challenge_failure(&ticket_hash).await?;
                let spent = tx
                    .sign_in_challenge(&ticket_hash)
                    .await?
                    .is_none_or(|c| c.failures >= SECOND_STEP_TRIES);
                if spent {
                    tx.delete_sign_in_challenge(&ticket_hash).await?;
                }
                tx.commit_bookkeeping(&Permit::for_sign_in()).await?;
                self.record_failed_try_because(
                    &admitted,
                    &user.email_normalized,
                    meta,
                    refused.reason(),
                )
                .await?;
                Err(ServiceError::Refused(if spent {
                    Refusal::SignInStepExpired
                } else {
                    Refusal::InvalidSignInCode
                }))
            }
        }
    }

    async fn notify_recovery_code_used(
        &self,
        tx: &mut Tx,
        user: &UserRow,
        left: u32,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let now = self.now();
        let what = format!(
            "A recovery code was used to sign in to your account ({left} of 10 left; make new ones in My Profile)"
        );
        self.notify(tx, user, &what, meta).await?;
        let record = super::audit::by_user("auth.recovery_code_used", user, now, meta)
            .target(AuditTarget::new("user", &user.id, &user.email))
            .change(None, Some(json!({ "recovery_codes_left": left })));
        tx.append_audit(&record).await?;
        Ok(())
    }
}

/// What a sealed TOTP secret is bound to: its user (it can't be moved to another row).
pub(super) fn secret_context(user_id: &str) -> String {
    format!("totp:{user_id}")
}
